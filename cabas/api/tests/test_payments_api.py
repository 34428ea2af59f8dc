"""Payments API: an order's payments (read, record by hand), a customer's account, SEPA mandates —
status codes, bodies, who may see what (others get 404), French 422 messages with nothing changed."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from cabas.accounts.models import ApiToken
from cabas.orders.changes import order_cancel
from cabas.orders.models import Customer, Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.accounts.ledger import account_post
from cabas.payments.models import Mandate, Payment
from cabas.payments.records.services import payment_record
from cabas.payments.tests.placed import placed_order
from tests.factories import EnterpriseFactory, RoleFactory, UserFactory

D = Decimal
IBAN = "FR7630006000011234567890189"


def bearer(user):
    _, raw = ApiToken.generate(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


class World:
    """Ferme des Saules (open shop) with a manager, a volunteer, a buyer's placed order (2 tomatoes,
    1 box of eggs, paid by cheque), and an outsider who manages another farm."""

    def __init__(self):
        self.data = open_shop()
        self.shop = self.data.shop
        self.manager = RoleFactory(
            enterprise=self.shop, role="manager", user__email="gerante@exemple.fr"
        ).user
        self.volunteer = RoleFactory(
            enterprise=self.shop, role="volunteer", user__email="benevole@exemple.fr"
        ).user
        self.buyer = UserFactory(email="claire@exemple.fr")
        self.outsider = RoleFactory(
            enterprise=EnterpriseFactory(name="Autre Ferme"), role="owner", user__email="autre@exemple.fr"
        ).user
        self.order = placed_order(self.data, user=self.buyer)

    @property
    def url(self) -> str:
        return f"/api/v1/orders/{self.order.number}/payments"

    @property
    def seller_url(self) -> str:
        return f"/api/v1/orders/{self.shop.slug}/{self.order.number}/payments"


@pytest.fixture
def world(db):
    return World()


def post(client, url, user, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **bearer(user), **headers)


# --- Reading an order's payments --------------------------------------------------------------


def test_it_lists_an_orders_payments_with_its_payment_state(world, client):
    order = world.order
    cheque = payment_record(
        seller=world.shop,
        order=order,
        kind="cheque",
        method=world.data.cheque,
        amount=D("5.00"),
        received_on=datetime.date(2026, 3, 2),
        cheque_number="0004521",
        note="déposé en banque le 3",
    )
    payment_record(seller=world.shop, order=order, kind="cash", amount=D("1.00"), state="failed")

    response = client.get(world.url, **bearer(world.manager))

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == order.number and body["seller"] == "ferme-des-saules"
    assert body["total"] == f"{order.total:.2f}"
    assert body["paid"] == "5.00"
    assert body["due"] == f"{order.total - D('5.00'):.2f}"
    assert (body["payment_state"], body["payment_state_label"]) == ("partial", "Partiellement payée")
    first, second = body["payments"]
    assert first == {
        "uuid": str(cheque.uuid),
        "kind": "cheque",
        "kind_label": "Chèque",
        "method": str(world.data.cheque.uuid),
        "amount": "5.00",
        "state": "succeeded",
        "state_label": "Reçu",
        "date": "2026-03-02",
        "cheque_number": "0004521",
        "note": "déposé en banque le 3",
        "reference": "",
        "refund_of": None,
        "created_at": first["created_at"],
    }
    assert (second["kind"], second["state"], second["amount"]) == ("cash", "failed", "1.00")


def test_it_shows_the_buyer_their_payments_without_the_sellers_notes(world, client):
    payment_record(
        seller=world.shop, order=world.order, kind="cheque", amount=world.order.total, note="privé"
    )

    body = client.get(world.url, **bearer(world.buyer)).json()

    assert body["payment_state"] == "paid" and body["due"] == "0.00"
    assert body["payments"][0]["note"] is None


def test_it_says_a_cancelled_order_that_was_paid_has_money_to_give_back_as_its_page_does(world, client):
    payment_record(seller=world.shop, order=world.order, kind="cheque", amount=world.order.total)
    order_cancel(order=world.order, user=world.manager)

    body = client.get(world.url, **bearer(world.manager)).json()

    assert body["status"] == "cancelled"
    assert body["due"] == f"{-world.order.total:.2f}"
    assert (body["payment_state"], body["payment_state_label"]) == ("overpaid", "Trop-perçu (crédit dû)")


def test_it_answers_404_to_anyone_else_and_401_without_a_token(world, client):
    for user in (world.outsider, world.volunteer, UserFactory(email="passant@exemple.fr")):
        response = client.get(world.url, **bearer(user))
        assert response.status_code == 404, user
        assert response.json() == {"detail": "Ressource introuvable."}
    assert client.get(world.url).status_code == 401
    assert client.get("/api/v1/orders/NOPE-2026-00001/payments", **bearer(world.manager)).status_code == 404


def test_it_reads_payments_at_the_address_naming_the_seller(world, client):
    assert client.get(world.seller_url, **bearer(world.manager)).status_code == 200
    wrong = f"/api/v1/orders/autre-ferme/{world.order.number}/payments"
    assert client.get(wrong, **bearer(world.manager)).status_code == 404


def test_it_asks_for_the_seller_when_two_readable_orders_share_a_number(world, client):
    other = open_shop(shop=EnterpriseFactory(name="Ferme des Buis", slug="ferme-des-buis"))
    twin = placed_order(other, user=world.buyer, key="k2")
    Order.objects.filter(pk=twin.pk).update(number=world.order.number)

    response = client.get(world.url, **bearer(world.buyer))

    assert response.status_code == 409
    assert "précisez le vendeur" in response.json()["detail"]
    assert client.get(world.seller_url, **bearer(world.buyer)).json()["seller"] == "ferme-des-saules"
    # The manager of one of the two sellers is not confused by the other's order.
    assert client.get(world.url, **bearer(world.manager)).status_code == 200


def test_it_reads_an_orders_payments_in_a_constant_number_of_queries(
    world, client, django_assert_max_num_queries
):
    for n in range(20):
        payment_record(seller=world.shop, order=world.order, kind="cash", amount=D("0.10"), note=f"n°{n}")
    headers = bearer(world.manager)

    with django_assert_max_num_queries(5):
        response = client.get(world.url, **headers)

    assert len(response.json()["payments"]) == 20


# --- Recording a payment ----------------------------------------------------------------------


def test_it_records_a_cheque_and_answers_with_the_orders_new_state(world, client):
    body = {
        "kind": "cheque",
        "amount": f"{world.order.total:.2f}",
        "date": "2026-03-02",
        "cheque_number": " 0004521 ",
        "note": "remis au retrait",
    }

    response = post(client, world.url, world.manager, body, HTTP_IDEMPOTENCY_KEY="cheque-claire-1")

    assert response.status_code == 201
    data = response.json()
    payment = Payment.objects.get(order=world.order)
    assert data["uuid"] == str(payment.uuid)
    assert (data["kind"], data["amount"], data["state"], data["date"]) == (
        "cheque",
        f"{world.order.total:.2f}",
        "succeeded",
        "2026-03-02",
    )
    assert data["cheque_number"] == "0004521"
    assert data["method"] == str(world.data.cheque.uuid)  # the seller's cheque method
    assert data["order"]["payment_state"] == "paid" and data["order"]["due"] == "0.00"
    assert payment.recorded_by == world.manager
    assert payment.customer == world.order.customer


def test_it_records_a_payment_once_whatever_the_retries_with_the_same_key(world, client):
    body = {"kind": "cash", "amount": "4.00"}

    first = post(client, world.url, world.manager, body, HTTP_IDEMPOTENCY_KEY="retry-1")
    second = post(client, world.seller_url, world.manager, body, HTTP_IDEMPOTENCY_KEY="retry-1")
    other_amount = post(
        client, world.url, world.manager, {**body, "amount": "5.00"}, HTTP_IDEMPOTENCY_KEY="retry-1"
    )

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["uuid"] == second.json()["uuid"]
    assert other_amount.status_code == 422
    assert other_amount.json()["errors"][0] == {
        "field": "Idempotency-Key",
        "message": "Cette clé a déjà servi pour un autre paiement.",
        "type": "invalid",
    }
    assert Payment.objects.filter(order=world.order).count() == 1
    assert first.json()["date"] == timezone.localdate().isoformat()
    assert first.json()["cheque_number"] == ""


def test_it_lets_only_the_sellers_managers_record_a_payment(world, client):
    body = {"kind": "cash", "amount": "4.00"}

    buyer = post(client, world.url, world.buyer, body)
    assert buyer.status_code == 403
    assert "responsables et gestionnaires de Ferme des Saules" in buyer.json()["detail"]
    for user in (world.volunteer, world.outsider):
        assert post(client, world.url, user, body).status_code == 404
    assert client.post(world.url, data=json.dumps(body), content_type="application/json").status_code == 401
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"kind": "credit", "amount": "4.00"},
            "kind",
            "Valeur inconnue. Valeurs possibles : cash, cheque, transfer, card.",
        ),
        ({"kind": "cash", "amount": 4.5}, "amount", "Envoyez les montants et quantités en texte"),
        ({"kind": "cash", "amount": "0"}, "amount", "La valeur doit être strictement supérieure à 0."),
        ({"kind": "cash", "amount": "-5.00"}, "amount", "La valeur doit être"),
        ({"kind": "cash", "amount": "1.234"}, "amount", "2 chiffres après la virgule au maximum."),
        ({"kind": "cash", "amount": "douze"}, "amount", "Un nombre décimal est attendu"),
        ({"kind": "cash"}, "amount", "Ce champ est obligatoire."),
        ({"kind": "cash", "amount": "4", "note": "x" * 201}, "note", "200 caractères au maximum."),
        ({"kind": "cash", "amount": "4", "date": "2026-02-30"}, "date", "Une date est attendue"),
        ({"kind": "cash", "amount": "4", "date": "2999-01-01"}, "date", "ne peut pas être dans le futur."),
        ({"kind": "cash", "amount": "1000000000"}, "", "Montant trop élevé."),
    ],
)
def test_it_refuses_a_bad_payment_in_french_and_records_nothing(world, client, body, field, message):
    response = post(client, world.url, world.manager, body)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == field
    assert message in errors[0]["message"]
    assert not Payment.objects.exists()


# --- A customer's account ---------------------------------------------------------------------


@pytest.fixture
def account(world):
    customer = world.order.customer
    Customer.objects.filter(pk=customer.pk).update(user=world.buyer)
    account_post(customer=customer, kind="top_up", amount=D("50.00"), note="Chèque n°12")
    account_post(customer=customer, kind="order", amount=D("-12.30"), order=world.order)
    account_post(customer=customer, kind="correction", amount=D("0.30"), note="arrondi")
    return f"/api/v1/enterprises/{world.shop.slug}/customers/{customer.uuid}/account"


def test_it_gives_managers_the_balance_and_the_entries_newest_first(world, client, account):
    body = client.get(account, **bearer(world.manager)).json()

    assert body["enterprise"] == "ferme-des-saules"
    assert body["customer"]["email"] == "claire@exemple.fr"
    assert (body["balance"], body["count"], body["limit"], body["offset"]) == ("38.00", 3, 50, 0)
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in body["entries"]] == [
        ("correction", "0.30", "38.00"),
        ("order", "-12.30", "37.70"),
        ("top_up", "50.00", "50.00"),
    ]
    assert body["entries"][1]["order"] == world.order.number
    assert body["entries"][2]["note"] == "Chèque n°12"


def test_it_pages_the_entries(world, client, account):
    body = client.get(account + "?limit=1&offset=1", **bearer(world.manager)).json()

    assert body["count"] == 3 and body["balance"] == "38.00"
    assert [e["kind"] for e in body["entries"]] == ["order"]
    bad = client.get(account + "?limit=500", **bearer(world.manager))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["message"] == "La valeur doit être inférieure ou égale à 200."


def test_it_shows_the_customer_their_own_account_and_nobody_else(world, client, account):
    assert client.get(account, **bearer(world.buyer)).json()["balance"] == "38.00"
    assert client.get(account, **bearer(world.volunteer)).status_code == 403
    for user in (world.outsider, UserFactory(email="voisin@exemple.fr")):
        assert client.get(account, **bearer(user)).status_code == 404
    # The same customer under another enterprise's address does not exist.
    other = account.replace("ferme-des-saules", "autre-ferme")
    assert client.get(other, **bearer(world.outsider)).status_code == 404
    unknown = account.rsplit("/", 2)[0] + "/00000000-0000-0000-0000-000000000000/account"
    assert client.get(unknown, **bearer(world.manager)).status_code == 404
    assert client.get(unknown, **bearer(world.buyer)).status_code == 404


def test_it_reads_an_account_in_a_constant_number_of_queries(
    world, client, account, django_assert_max_num_queries
):
    customer = world.order.customer
    for n in range(30):
        account_post(customer=customer, kind="top_up", amount=D("1.00"), note=f"n°{n}", order=world.order)
    headers = bearer(world.manager)

    with django_assert_max_num_queries(8):
        body = client.get(account + "?limit=40", **headers).json()

    assert body["count"] == 33 and len(body["entries"]) == 33 and body["balance"] == "68.00"


# --- SEPA mandates ----------------------------------------------------------------------------


def mandates_url(world) -> str:
    return f"/api/v1/enterprises/{world.shop.slug}/mandates"


def test_it_adds_a_mandate_with_a_generated_reference_and_lists_it_masked(world, client):
    customer = world.order.customer
    body = {
        "customer": str(customer.uuid),
        "debtor_name": "Claire Martin",
        "iban": "fr76 3000 6000 0112 3456 7890 189",
        "signed_on": "2026-01-15",
    }

    created = post(client, mandates_url(world), world.manager, body)

    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["reference"].startswith("RUM-FDS-")
    assert data["iban_masked"].endswith("0 189") and "3000" not in data["iban_masked"]
    assert (data["status"], data["status_label"], data["signed_on"]) == ("active", "Actif", "2026-01-15")
    assert data["customer"] == {
        "uuid": str(customer.uuid),
        "name": "Claire Martin",
        "email": "claire@exemple.fr",
    }
    assert Mandate.objects.get().iban == IBAN

    listed = client.get(mandates_url(world), **bearer(world.manager)).json()
    assert listed["count"] == 1 and listed["items"][0]["uuid"] == data["uuid"]
    assert client.get(mandates_url(world) + "?status=revoked", **bearer(world.manager)).json()["count"] == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"iban": "FR7630006000011234567890188"}, "la clé de contrôle ne correspond pas"),
        ({"iban": "FR76 3000"}, "IBAN invalide"),
        ({"signed_on": "2999-01-01"}, "La date de signature ne peut pas être dans le futur."),
        ({"debtor_name": ""}, "Ce champ ne peut pas être vide."),
        ({"bic": "XX"}, "BIC invalide"),
        (
            {"customer": "00000000-0000-0000-0000-000000000000"},
            "Ce client n'est pas un client de votre structure.",
        ),
    ],
)
def test_it_refuses_a_bad_mandate_in_french_and_adds_nothing(world, client, change, message):
    body = {
        "customer": str(world.order.customer.uuid),
        "debtor_name": "Claire Martin",
        "iban": IBAN,
        "signed_on": "2026-01-15",
        **change,
    }

    response = post(client, mandates_url(world), world.manager, body)

    assert response.status_code == 422
    assert message in response.json()["errors"][0]["message"]
    assert not Mandate.objects.exists()


def test_it_refuses_a_mandate_for_another_enterprises_customer(world, client):
    stranger = Customer.objects.create(enterprise=EnterpriseFactory(), email="loin@exemple.fr")
    body = {"customer": str(stranger.uuid), "debtor_name": "Loin", "iban": IBAN, "signed_on": "2026-01-15"}

    response = post(client, mandates_url(world), world.manager, body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer"
    assert not Mandate.objects.exists()


def test_it_keeps_mandates_to_the_sellers_managers(world, client):
    body = {
        "customer": str(world.order.customer.uuid),
        "debtor_name": "X",
        "iban": IBAN,
        "signed_on": "2026-01-15",
    }

    assert client.get(mandates_url(world), **bearer(world.volunteer)).status_code == 403
    assert post(client, mandates_url(world), world.volunteer, body).status_code == 403
    for user in (world.outsider, world.buyer):
        assert client.get(mandates_url(world), **bearer(user)).status_code == 404
        assert post(client, mandates_url(world), user, body).status_code == 404
    assert client.get("/api/v1/enterprises/inconnue/mandates", **bearer(world.manager)).status_code == 404
    assert not Mandate.objects.exists()


def test_it_lists_mandates_in_a_constant_number_of_queries(world, client, django_assert_max_num_queries):
    for n in range(15):
        customer = Customer.objects.create(enterprise=world.shop, email=f"c{n}@exemple.fr")
        Mandate.objects.create(
            seller=world.shop,
            customer=customer,
            reference=f"RUM-{n}",
            debtor_name="Client",
            iban=IBAN,
            signed_on=datetime.date(2026, 1, 1),
        )
    headers = bearer(world.manager)

    with django_assert_max_num_queries(6):
        body = client.get(mandates_url(world), **headers).json()

    assert body["count"] == 15 and len(body["items"]) == 15


def test_it_publishes_the_payments_endpoints_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert set(paths["/api/v1/orders/{number}/payments"]) == {"get", "post"}
    assert set(paths["/api/v1/orders/{seller}/{number}/payments"]) == {"get", "post"}
    assert "get" in paths["/api/v1/enterprises/{slug}/customers/{uuid}/account"]
    assert set(paths["/api/v1/enterprises/{slug}/mandates"]) == {"get", "post"}
