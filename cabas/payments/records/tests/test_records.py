"""Payments recorded by hand in the back-office order page: the form, the history, the derived
state; the orders list's payment column and filter."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import Variant
from cabas.orders.models import Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.models import Payment
from cabas.payments.records import refunds
from cabas.payments.records import services as services_payments
from cabas.payments.tests.placed import placed_order
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    data = open_shop()
    data.manager = RoleFactory(enterprise=data.shop, role="manager", user__full_name="Léa Gérante").user
    return data


def _record(client, order, **values):
    data = {
        "kind": "cheque",
        "amount": "9,50",
        "received_on": timezone.localdate().isoformat(),
        "cheque_number": "0012345",
        "note": "remis au retrait",
        "idempotency_key": values.pop("key", "form-1"),
        **values,
    }
    return client.post(reverse("payments:order_payment_record", args=[order.seller.slug, order.uuid]), data)


def _page(client, order) -> str:
    return client.get(reverse("orders:order", args=[order.seller.slug, order.uuid])).content.decode()


def test_a_manager_records_a_cheque_and_sees_it_in_the_history(client_for, shop):
    order = placed_order(shop)
    client = client_for(shop.manager)
    html = _page(client, order)
    assert "Non payée" in html and "Aucun paiement enregistré" in html
    assert 'value="9,50"' in html  # the form proposes what is left to pay

    response = _record(client, order, amount="5,00")
    assert response.status_code == 302
    payment = order.payments.get()
    assert (payment.kind, payment.amount, payment.state) == ("cheque", Decimal("5.00"), "succeeded")
    assert (payment.cheque_number, payment.note, payment.recorded_by) == (
        "0012345",
        "remis au retrait",
        shop.manager,
    )
    assert payment.method == shop.cheque  # the seller's cheque method

    html = client.get(response["Location"]).content.decode()
    assert "Paiement de 5,00\u00a0€ enregistré (Chèque)." in html
    assert "Partiellement payée" in html and "Reste à payer" in html and "4,50\u00a0€" in html
    assert "0012345" in html and "remis au retrait" in html and "Léa Gérante" in html

    _record(client, order, kind="cash", amount="4.50", cheque_number="999", key="form-2")
    cash = order.payments.get(kind="cash")
    assert cash.cheque_number == "" and cash.method is None  # the shop has no cash method
    assert "Payée" in _page(client, order)

    _record(client, order, kind="transfer", amount="1", key="form-3")
    html = _page(client, order)
    assert "Trop-perçu (crédit dû)" in html


def test_a_double_submit_records_the_payment_once(client_for, shop):
    order = placed_order(shop)
    client = client_for(shop.manager)
    _record(client, order, key="same")
    _record(client, order, key="same")
    assert order.payments.count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"amount": "-5"}, "Indiquez un montant positif"),
        ({"amount": "0"}, "Indiquez un montant positif"),
        ({"amount": "douze"}, "Saisissez un nombre."),
        ({"kind": "bitcoin"}, "Sélectionnez un choix valide"),
        ({"kind": "credit"}, "Sélectionnez un choix valide"),
        ({"received_on": "2099-01-01"}, "La date de réception ne peut pas être dans le futur."),
        ({"received_on": "hier"}, "Saisissez une date valide."),
    ],
)
def test_it_refuses_bad_input_with_a_message_and_records_nothing(client_for, shop, values, message):
    order = placed_order(shop)
    response = _record(client_for(shop.manager), order, **values)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Le formulaire contient des erreurs" in html
    assert not Payment.objects.exists()


def test_it_does_not_record_on_another_sellers_order(client_for, shop, manager, enterprise):
    order = placed_order(shop)
    url = reverse("payments:order_payment_record", args=[enterprise.slug, order.uuid])
    response = client_for(manager).post(url, {"kind": "cash", "amount": "5"})
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_a_cancelled_order_shows_what_to_give_back(client_for, shop):
    order = placed_order(shop)
    services_payments.payment_record(seller=order.seller, order=order, kind="cheque", amount="9.50")
    Order.objects.filter(pk=order.pk).update(status="cancelled")
    html = _page(client_for(shop.manager), order)
    assert "À rendre au client" in html and "remboursez ce qui a été reçu" in html
    assert "Enregistrer un paiement reçu" not in html


def test_the_history_lists_payments_oldest_first_with_refunds(client_for, shop):
    order = placed_order(shop)
    seller = order.seller
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    first = services_payments.payment_record(
        seller=seller, order=order, kind="cheque", amount="9.50", received_on=yesterday, cheque_number="111"
    )
    refunds.payment_refund(payment=first, amount="2", to="cash", user=shop.manager)
    html = _page(client_for(shop.manager), order)
    history = html.split("Historique des paiements", 2)[2]
    assert history.index("111") < history.index("Remboursement — Espèces")
    assert "-2,00\u00a0€" in history
    # Nothing was overpaid: the refund is a goodwill reduction, the order stays paid.
    assert "Partiellement payée" not in html and "pay-paid" in html and "Geste commercial du" in html


# --- the orders list ---------------------------------------------------------------------------


def _orders(data, n):
    Variant.objects.filter(pk__in=[v.pk for v in data.variants]).update(on_hand=1000)
    return [placed_order(data, key=f"k{i}", email=f"client{i}@exemple.fr") for i in range(n)]


def test_the_orders_list_shows_and_filters_the_payment_state(client_for, shop, django_assert_max_num_queries):
    unpaid, partial, paid, overpaid = _orders(shop, 4)
    seller = shop.shop
    services_payments.payment_record(seller=seller, order=partial, kind="cash", amount="1")
    services_payments.payment_record(seller=seller, order=paid, kind="cash", amount="9.50")
    services_payments.payment_record(seller=seller, order=overpaid, kind="cash", amount="10")
    client = client_for(shop.manager)
    url = reverse("orders:orders", args=[seller.slug])
    html = client.get(url).content.decode()
    assert 'name="paid"' in html and "Paiement" in html
    assert "1,00\u00a0€ reçus" in html  # a partial payment says how much
    for state, order in [("unpaid", unpaid), ("partial", partial), ("paid", paid), ("overpaid", overpaid)]:
        with django_assert_max_num_queries(9):  # 1 a select: cycles, pickup points, producers
            page = client.get(url, {"paid": state}).content.decode()
        shown = [o.number for o in (unpaid, partial, paid, overpaid) if o.number in page]
        assert shown == [order.number], state
    assert all(o.number in client.get(url, {"paid": "nimporte"}).content.decode() for o in (unpaid, paid))


def test_the_orders_list_stays_within_its_query_budget_with_payments(
    client_for, shop, django_assert_max_num_queries
):
    orders = _orders(shop, 12)
    for order in orders[::2]:
        services_payments.payment_record(seller=order.seller, order=order, kind="cash", amount="3")
    client = client_for(shop.manager)
    with django_assert_max_num_queries(9):  # 1 a select: cycles, pickup points, producers
        html = client.get(reverse("orders:orders", args=[shop.shop.slug])).content.decode()
    assert html.count("Partiellement payée") == 6 + 1  # 6 rows + the filter's option
    assert html.count("Non payée") == 6 + 1


def test_the_order_page_with_many_payments_keeps_a_constant_number_of_queries(
    client_for, shop, django_assert_max_num_queries
):
    order = placed_order(shop)
    client = client_for(shop.manager)
    client.get(reverse("orders:order", args=[shop.shop.slug, order.uuid]))
    for i in range(8):
        services_payments.payment_record(
            seller=order.seller, order=order, kind="cheque", amount="1", user=shop.manager, note=f"n{i}"
        )
    with django_assert_max_num_queries(11):  # one of them: the cycle's fees, to show the shop's unit prices
        html = _page(client, order)
    assert html.count("Rembourser le paiement du") == 8


def test_an_order_awaiting_its_card_payment_takes_no_manual_payment(client_for, shop):
    order = placed_order(shop)
    Order.objects.filter(pk=order.pk).update(status="awaiting")
    client = client_for(shop.manager)
    assert "attend son paiement par carte" in _page(client, order)
    response = _record(client, order)
    assert response.status_code == 200 and "attend son paiement par carte" in response.content.decode()
    assert not Payment.objects.exists()
