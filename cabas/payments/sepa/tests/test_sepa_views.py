"""SEPA pages of the back-office: mandates (list, add, revoke) and collections (choose the orders,
download the file, mark received or rejected)."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.enterprises.models import Role
from cabas.orders.models import Customer
from cabas.payments.models import Collection, Mandate, Payment, PaymentState
from cabas.payments.records import services as services_payments
from cabas.payments.sepa import services as services_sepa
from cabas.payments.tests.sepa_setup import (
    LEA_IBAN,
    PAUL_IBAN,
    collect,
    mandate_for,
    pain008_schema,
    sepa_order,
    sepa_shop,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(manager):
    data = sepa_shop()
    Role.objects.create(enterprise=data.shop, user=manager, role="manager")
    return data


@pytest.fixture
def browser(client_for, manager):
    return client_for(manager)


def url(name, data, **kwargs):
    return reverse(f"payments:{name}", kwargs={"slug": data.shop.slug, **kwargs})


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# --- Mandates -----------------------------------------------------------------------------------


def test_the_mandate_list_masks_the_iban_and_shows_the_last_collection_in_few_queries(
    data, browser, django_assert_max_num_queries
):
    orders = [sepa_order(data, email=f"client{n}@exemple.fr") for n in range(3)]
    for order, iban in zip(orders, ["FR7630004000000001234567845", PAUL_IBAN, LEA_IBAN], strict=True):
        mandate_for(order, iban=iban)
    collection = collect(data, orders[:1])
    with django_assert_max_num_queries(8):
        response = browser.get(url("sepa_mandates", data))
    assert response.status_code == 200
    page = response.content.decode()
    year = timezone.localdate().year
    for n in (1, 2, 3):
        assert f"RUM-FDS-{year}-000{n}" in page
    assert "FR7630004000000001234567845" not in page and "FR76 3000 4000" not in page
    assert "•••• •••• •••• •••• •••• •••7 845" in page and "se terminant par 7845" in page
    assert collection.collection_date.strftime("%d/%m/%Y") in page


def test_a_manager_adds_a_mandate_with_a_generated_reference(data, browser):
    customer = Customer.objects.create(enterprise=data.shop, email="lea@exemple.fr", first_name="Léa")
    form = browser.get(url("sepa_mandate_new", data) + f"?customer={customer.uuid}")
    assert form.context["form"]["debtor_name"].value() == "Léa"
    response = browser.post(
        url("sepa_mandate_new", data),
        {
            "customer": customer.uuid,
            "debtor_name": "Léa Dupré",
            "iban": "fr76 3000 6000 0112 3456 7890 189",
            "bic": "agrifrpp",
            "signed_on": "2026-01-10",
        },
        follow=True,
    )
    mandate = Mandate.objects.get(customer=customer)
    assert mandate.iban == "FR7630006000011234567890189" and mandate.bic == "AGRIFRPP"
    assert re.fullmatch(r"RUM-FDS-\d{4}-0001", mandate.reference)
    assert f"Le mandat {mandate.reference} est enregistré." in messages_of(response)


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("FR76 3000 6000 0112 3456 7890 188", "la clé de contrôle ne correspond pas"),
        ("FR76 3000 6000 0112 3456 7890", "pas le bon nombre de caractères"),
        ("US12 3456 7890", "code d'un pays"),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_a_bad_iban_is_refused_with_a_french_message_and_nothing_is_saved(data, browser, iban, message):
    customer = Customer.objects.create(enterprise=data.shop, email="lea@exemple.fr")
    response = browser.post(
        url("sepa_mandate_new", data),
        {"customer": customer.uuid, "debtor_name": "Léa", "iban": iban, "signed_on": "2026-01-10"},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["iban"])
    assert message in text_of(response)
    assert not Mandate.objects.exists()


def test_a_future_signature_a_bad_bic_and_another_sellers_customer_are_refused(data, browser, enterprise):
    customer = Customer.objects.create(enterprise=data.shop, email="lea@exemple.fr")
    stranger = Customer.objects.create(enterprise=enterprise, email="autre@exemple.fr")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    values = {"debtor_name": "Léa", "iban": PAUL_IBAN}
    response = browser.post(
        url("sepa_mandate_new", data),
        {**values, "customer": customer.uuid, "signed_on": tomorrow.isoformat(), "bic": "AGRI"},
    )
    errors = response.context["form"].errors
    assert errors["signed_on"] == ["La date de signature ne peut pas être dans le futur."]
    assert errors["bic"][0].startswith("BIC invalide")
    response = browser.post(
        url("sepa_mandate_new", data), {**values, "customer": stranger.uuid, "signed_on": "2026-01-10"}
    )
    assert "customer" in response.context["form"].errors
    assert not Mandate.objects.exists()


def test_a_reference_already_used_or_not_sepa_is_refused(data, browser):
    order = sepa_order(data)
    mandate_for(order, reference="MANDAT-2019-12")
    other = Customer.objects.create(enterprise=data.shop, email="paul@exemple.fr")
    values = {"customer": other.uuid, "debtor_name": "Paul", "iban": PAUL_IBAN, "signed_on": "2026-01-10"}
    response = browser.post(url("sepa_mandate_new", data), {**values, "reference": "MANDAT-2019-12"})
    assert "La RUM MANDAT-2019-12 est déjà celle d'un autre mandat." in text_of(response)
    response = browser.post(url("sepa_mandate_new", data), {**values, "reference": "Mandat n° 3"})
    assert "RUM invalide" in response.content.decode()
    assert Mandate.objects.count() == 1


def test_a_manager_revokes_a_mandate(data, browser):
    order = sepa_order(data)
    mandate = mandate_for(order)
    response = browser.post(url("sepa_mandate_revoke", data, mandate=mandate.uuid), follow=True)
    mandate.refresh_from_db()
    assert mandate.status == Mandate.Status.REVOKED
    assert f"Le mandat {mandate.reference} est révoqué : il ne sera plus prélevé." in messages_of(response)
    response = browser.post(url("sepa_mandate_revoke", data, mandate=mandate.uuid), follow=True)
    assert "Ce mandat est déjà révoqué." in messages_of(response)


# --- Collections --------------------------------------------------------------------------------


def test_the_new_collection_page_lists_the_orders_to_debit_all_checked(data, browser):
    claire = sepa_order(data, email="claire@exemple.fr")
    paul = sepa_order(data, email="paul@exemple.fr")
    mandate_for(claire)
    response = browser.get(url("sepa_collection_new", data))
    page = response.content.decode()
    assert f'name="orders" value="{claire.uuid}" id="order-{claire.uuid}" checked' in page
    assert f'value="{paul.uuid}"' not in page  # no mandate: listed apart, with a link to add it
    assert f"?customer={paul.customer.uuid}" in page
    assert "9,50" in page


def test_a_manager_creates_a_collection_and_downloads_a_valid_file(data, browser):
    claire = sepa_order(data, email="claire@exemple.fr")
    paul = sepa_order(data, email="paul@exemple.fr")
    mandate_for(claire)
    mandate_for(paul, iban=PAUL_IBAN)
    date = timezone.localdate() + datetime.timedelta(days=4)
    response = browser.post(
        url("sepa_collection_new", data),
        {"collection_date": date.isoformat(), "method": data.sepa.uuid, "orders": [claire.uuid]},
        follow=True,
    )
    collection = Collection.objects.get()
    assert response.redirect_chain[-1][0] == url("sepa_collection", data, collection=collection.uuid)
    assert [i.order for i in collection.items.all()] == [claire]
    assert collection.total == Decimal("9.50") and collection.collection_date == date
    assert "Marquer comme encaissé" in response.content.decode()

    download = browser.get(url("sepa_collection_file", data, collection=collection.uuid))
    assert download["Content-Type"].startswith("application/xml")
    assert download["Content-Disposition"] == (
        f'attachment; filename="prelevements-{data.shop.slug}-{date.isoformat()}.xml"'
    )
    assert pain008_schema().is_valid(download.content.decode("utf-8"))
    assert claire.number.encode() in download.content and paul.number.encode() not in download.content


def test_a_past_date_or_no_order_checked_is_refused_and_nothing_is_created(data, browser):
    order = sepa_order(data)
    mandate_for(order)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = browser.post(
        url("sepa_collection_new", data),
        {"collection_date": yesterday.isoformat(), "method": data.sepa.uuid, "orders": [order.uuid]},
    )
    assert "La date d'échéance est passée" in text_of(response)
    response = browser.post(
        url("sepa_collection_new", data),
        {"collection_date": timezone.localdate().isoformat(), "method": data.sepa.uuid},
    )
    assert "Cochez au moins une commande à prélever." in response.content.decode()
    assert "checked" not in response.content.decode().split('name="orders"')[1].split(">")[0]
    assert not Collection.objects.exists() and not Payment.objects.exists()


def test_an_incomplete_creditor_account_is_explained(data, browser):
    data.sepa.creditor_identifier = ""
    data.sepa.save()
    order = sepa_order(data)
    mandate_for(order)
    response = browser.post(
        url("sepa_collection_new", data),
        {
            "collection_date": timezone.localdate().isoformat(),
            "method": data.sepa.uuid,
            "orders": [order.uuid],
        },
    )
    assert "identifiant créancier SEPA (ICS)" in response.content.decode()
    assert not Collection.objects.exists()


def test_without_a_sepa_method_the_page_says_how_to_add_one(data, browser):
    data.sepa.delete()
    response = browser.get(url("sepa_collection_new", data))
    assert "ajoutez d'abord un moyen de paiement « Prélèvement SEPA »" in text_of(response)


def test_marking_a_collection_received_pays_its_orders(data, browser):
    claire = sepa_order(data, email="claire@exemple.fr")
    paul = sepa_order(data, email="paul@exemple.fr")
    mandate_for(claire)
    mandate_for(paul, iban=PAUL_IBAN)
    collection = collect(data, [claire, paul])
    debit = collection.items.get(order=paul)

    response = browser.post(
        url("sepa_item_reject", data, collection=collection.uuid, payment=debit.payment.uuid), follow=True
    )
    assert any("marqué comme rejeté" in m for m in messages_of(response))
    response = browser.post(url("sepa_collection_settle", data, collection=collection.uuid), follow=True)
    assert "1 prélèvement est marqué comme encaissé." in messages_of(response)
    assert services_payments.order_payment_state(claire) == PaymentState.PAID
    assert services_payments.order_payment_state(paul) == PaymentState.UNPAID
    response = browser.post(url("sepa_collection_settle", data, collection=collection.uuid), follow=True)
    assert "Aucun prélèvement en attente dans cette remise : rien n'a changé." in messages_of(response)


def test_the_collection_list_adds_up_its_rows_in_few_queries(data, browser, django_assert_max_num_queries):
    claire = sepa_order(data, email="claire@exemple.fr")
    paul = sepa_order(data, email="paul@exemple.fr")
    lea = sepa_order(data, email="lea@exemple.fr")
    mandate_for(claire)
    mandate_for(paul, iban=PAUL_IBAN)
    mandate_for(lea, iban=LEA_IBAN)
    services_payments.payment_record(seller=data.shop, order=lea, kind="cheque", amount="1,50")
    first = collect(data, [claire, paul], days=2)
    services_sepa.collection_settle(collection=first)
    second = collect(data, [lea], days=9)
    with django_assert_max_num_queries(8):
        response = browser.get(url("sepa_collections", data))
    rows = response.context["rows"]
    assert [r.uuid for r in rows] == [second.uuid, first.uuid]
    totals = response.context["totals"]
    assert totals["count"] == 3
    assert totals["total"] == Decimal("27.00") == first.total + second.total
    assert totals["received"] == Decimal("19.00") and totals["pending"] == Decimal("8.00")
    assert totals["received"] + totals["pending"] + totals["rejected"] == totals["total"]
    page = response.content.decode()
    assert "27,00" in page and "19,00" in page


def test_another_sellers_collection_is_not_found(data, browser, client_for, outsider):
    order = sepa_order(data)
    mandate_for(order)
    collection = collect(data, [order])
    other = client_for(outsider)
    other_slug = outsider.roles.get().enterprise.slug
    response = other.get(
        reverse("payments:sepa_collection_file", kwargs={"slug": other_slug, "collection": collection.uuid})
    )
    assert response.status_code == 404


def _sepa_customers(data, count, prefix):
    orders = []
    for n in range(count):
        order = sepa_order(data, email=f"{prefix}{n}@exemple.fr")
        if n % 3:  # one customer in three has no mandate yet
            mandate_for(order, iban=[PAUL_IBAN, LEA_IBAN][n % 2])
        orders.append(order)
    return orders


def test_the_new_collection_and_collection_pages_cost_the_same_queries_for_more_orders(data, browser):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(path).status_code == 200
        return len(captured)

    type(data.variants[0]).objects.filter(pk__in=[v.pk for v in data.variants]).update(on_hand=1000)
    _sepa_customers(data, 3, "a")
    few_new = queries(url("sepa_collection_new", data))
    few_detail = queries(url("sepa_collection", data, collection=collect_all(data).uuid))
    _sepa_customers(data, 9, "b")
    assert queries(url("sepa_collection_new", data)) == few_new
    assert queries(url("sepa_collection", data, collection=collect_all(data).uuid)) == few_detail
    assert few_new <= 10 and few_detail <= 8


def collect_all(data):
    candidates, _ = services_sepa.collection_candidates(data.shop)
    return collect(data, [c.order for c in candidates])
