"""Cash or a cheque taken at the distribution table, from the card of an order."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cabas.enterprises.models import Role
from cabas.fulfilment.table_payments import MARGIN, table_payment
from cabas.fulfilment.tests.test_distribution_evening import (
    HTMX,
    QUERIES,
    _card,
    _day,
    _day_url,
    _place,
    _shop,
    _volunteer_client,
)
from cabas.lib.money import format_eur
from cabas.orders.models import Order
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import Payment, PaymentState
from cabas.payments.records.services import order_payment_state, payment_record
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


def _pay_url(data, order, day=None):
    day = (day or _day(data)).isoformat()
    return reverse("fulfilment:pay", args=[data.shop.slug, day, order.uuid])


def _french(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def _cash(amount, key="cle-1", **more):
    return {"amount": amount, "kind": "cash", "idempotency_key": key, **more}


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_volunteer_takes_cash_and_only_the_card_comes_back_paid(client):
    data = _shop()
    order, other = _place(data, 0, tomatoes=2, eggs=1), _place(data, 1)
    volunteer = _volunteer_client(client, data)

    response = client.post(_pay_url(data, order), _cash(_french(order.total)), **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and f'id="order-{order.uuid}"' in html and str(other.uuid) not in html
    assert 'pay-paid">Payée<' in html and "Reste à payer" not in html and "Encaisser" not in html
    assert f"Paiement de {format_eur(order.total)} enregistré (Espèces)." in html and 'role="status"' in html
    payment = Payment.objects.get(order=order)
    assert (payment.kind, payment.amount, payment.recorded_by, payment.state) == (
        "cash",
        order.total,
        volunteer,
        Payment.State.SUCCEEDED,
    )
    assert order_payment_state(order) == PaymentState.PAID
    card = _card(client.get(_day_url(data)).content.decode(), order)
    assert "Payée" in card and "Encaisser" not in card


def test_a_cheque_with_its_number_without_javascript_comes_back_to_the_card_with_a_message(client):
    data = _shop()
    order = _place(data, 0)
    _volunteer_client(client, data)
    posted = {
        "amount": _french(order.total),
        "kind": "cheque",
        "cheque_number": " 0012345 ",
        "idempotency_key": "k",
    }

    response = client.post(_pay_url(data, order), {**posted, "reste": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"{_day_url(data, reste=1)}#order-{order.uuid}"
    payment = Payment.objects.get(order=order)
    assert (payment.kind, payment.cheque_number, payment.amount) == ("cheque", "0012345", order.total)
    page = client.get(response["Location"])
    assert _messages(page) == [f"Paiement de {format_eur(order.total)} enregistré (Chèque)."]
    assert "Payée" in _card(page.content.decode(), order)


def test_a_cash_payment_keeps_no_cheque_number(client):
    data = _shop()
    order = _place(data, 0)
    _volunteer_client(client, data)

    client.post(_pay_url(data, order), _cash(_french(order.total), cheque_number="777"))

    assert Payment.objects.get(order=order).cheque_number == ""


def test_a_partial_payment_leaves_the_rest_to_pay_pre_filled(client):
    data = _shop()
    order = _place(data, 0, tomatoes=3)
    _volunteer_client(client, data)
    rest = order.total - Decimal("1.50")

    html = client.post(_pay_url(data, order), _cash("1,50"), **HTMX).content.decode()

    assert f"Reste à payer : {format_eur(rest)}" in html and "Payée" not in html
    assert f'value="{_french(rest)}"' in html and "Encaisser" in html
    assert order_payment_state(order) == PaymentState.PARTIAL
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    assert key != "cle-1"  # a new form for the next payment

    client.post(_pay_url(data, order), _cash(_french(rest), key), **HTMX)

    assert order_payment_state(order) == PaymentState.PAID
    assert sorted(Payment.objects.filter(order=order).values_list("amount", flat=True)) == sorted(
        [Decimal("1.50"), rest]
    )


def test_a_double_tap_records_one_payment(client):
    data = _shop()
    order = _place(data, 0)
    _volunteer_client(client, data)

    first = client.post(_pay_url(data, order), _cash(_french(order.total), "tap"), **HTMX)
    second = client.post(_pay_url(data, order), _cash(_french(order.total), "tap"), **HTMX)

    assert Payment.objects.filter(order=order).count() == 1
    for response in (first, second):
        html = response.content.decode()
        assert "Payée" in html and 'role="alert"' not in html


def test_a_second_phone_cannot_take_an_order_already_paid(client):
    data = _shop()
    order = _place(data, 0)
    _volunteer_client(client, data)
    client.post(_pay_url(data, order), _cash(_french(order.total), "phone-1"))

    html = client.post(_pay_url(data, order), _cash(_french(order.total), "phone-2"), **HTMX).content.decode()

    assert "Cette commande est déjà payée : rien n&#x27;a été encaissé." in html and 'role="alert"' in html
    assert Payment.objects.filter(order=order).count() == 1


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"amount": ""}, "Indiquez le montant reçu."),
        ({"amount": "douze"}, "Montant invalide : indiquez un nombre, par exemple 12,50."),
        ({"amount": "0"}, "Indiquez un montant positif."),
        ({"amount": "-5"}, "Indiquez un montant positif."),
        ({"amount": "2340"}, "Montant trop élevé : il reste"),
        ({"kind": "transfer"}, "À la table, choisissez Espèces ou Chèque."),
        ({"kind": "credit"}, "À la table, choisissez Espèces ou Chèque."),
        ({"kind": ""}, "Choisissez Espèces ou Chèque."),
    ],
)
def test_it_refuses_a_bad_input_with_a_french_message_and_records_nothing(client, posted, message):
    data = _shop()
    order = _place(data, 0)
    _volunteer_client(client, data)
    form = {**_cash(_french(order.total)), **posted}

    html = client.post(_pay_url(data, order), form, **HTMX).content.decode()
    response = client.post(_pay_url(data, order), form, follow=True)

    assert 'role="alert"' in html and message.replace("'", "&#x27;") in html
    assert f'id="pay-{order.uuid.hex}-amount"' in html  # the form, to try again
    assert any(m.startswith(message) for m in _messages(response))
    assert not Payment.objects.filter(order=order).exists()


def test_a_refused_amount_is_shown_again_marked_invalid(client):
    data = _shop()
    order = _place(data, 0)
    _volunteer_client(client, data)

    html = client.post(_pay_url(data, order), _cash("douze"), **HTMX).content.decode()

    amount = re.search(r'<input type="text" name="amount"[^>]*>', html).group(0)
    assert 'value="douze"' in amount and 'aria-invalid="true"' in amount
    assert "Le formulaire contient des erreurs" in html


def test_it_refuses_a_cancelled_order(client):
    data = _shop()
    order = _place(data, 0)
    _volunteer_client(client, data)
    page = client.get(_day_url(data)).content.decode()
    assert "Encaisser" in _card(page, order)
    order.transition(Order.Status.CANCELLED)  # meanwhile, on the manager's side
    order.save()

    html = client.post(_pay_url(data, order), _cash(_french(order.total)), **HTMX).content.decode()
    response = client.post(_pay_url(data, order), _cash(_french(order.total)), follow=True)

    assert "Cette commande est annulée : rien n&#x27;a été encaissé." in html and "Encaisser" not in html
    assert _messages(response) == ["Cette commande est annulée : rien n'a été encaissé."]
    assert not Payment.objects.filter(order=order).exists()


def test_it_answers_404_for_an_outsider_another_sellers_order_or_another_day(client):
    data = _shop()
    order = _place(data, 0)
    other = _shop("ferme-voisine")
    elsewhere = _place(other, 1)
    outsider = RoleFactory(enterprise=other.shop, role=Role.Level.OWNER).user
    client.force_login(outsider)
    assert client.post(_pay_url(data, order), _cash("1,00")).status_code == 404

    _volunteer_client(client, data)
    assert client.post(_pay_url(data, elsewhere), _cash("1,00")).status_code == 404
    next_day = _day(data) + datetime.timedelta(days=1)
    assert client.post(_pay_url(data, order, next_day), _cash("1,00")).status_code == 404
    assert not Payment.objects.exists()


def test_a_volunteer_still_cannot_reach_the_payments_pages(client):
    data = _shop()
    order = _place(data, 0)
    _volunteer_client(client, data)

    record = reverse("payments:order_payment_record", args=[data.shop.slug, order.uuid])
    assert client.post(record, _cash("1,00", received_on="2026-01-01")).status_code == 403
    assert client.get(reverse("orders:order", args=[data.shop.slug, order.uuid])).status_code == 403
    assert client.get(reverse("payments:payment_methods", args=[data.shop.slug])).status_code == 403
    assert not Payment.objects.exists()


def test_the_card_form_is_labelled_and_pre_filled_with_what_is_left_to_pay(client):
    data = _shop()
    order = _place(data, 0, name="Zoé Petit")
    paid = _place(data, 1)
    payment_record(seller=data.shop, kind="cheque", amount=paid.total, order=paid)
    _volunteer_client(client, data)

    html = client.get(_day_url(data)).content.decode()

    card = _card(html, order)
    prefix = f"pay-{order.uuid.hex}-"
    assert f'<label for="{prefix}amount">Montant (€)</label>' in card
    assert f'value="{_french(order.total)}"' in card and 'inputmode="decimal"' in card
    assert "<legend>Moyen</legend>" in card and f'value="cash" required id="{prefix}kind_0" checked>' in card
    assert f'<label for="{prefix}cheque_number">N° de chèque' in card
    assert 'Encaisser<span class="visually-hidden"> (Zoé Petit)</span>' in card
    assert f'hx-post="{_pay_url(data, order)}"' in card and f'hx-target="#order-{order.uuid}"' in card
    assert "Encaisser" not in _card(html, paid)


@pytest.mark.parametrize("n", [2, 20])
def test_the_day_page_with_its_payment_forms_reads_a_fixed_number_of_queries(
    client, n, django_assert_max_num_queries
):
    data = _shop()
    orders = [_place(data, i, tomatoes=1 + i % 3) for i in range(n)]
    for order in orders[::2]:
        payment_record(seller=data.shop, kind="cash", amount=order.total, order=order)
    _volunteer_client(client, data)
    client.get(_day_url(data))

    with django_assert_max_num_queries(QUERIES):
        response = client.get(_day_url(data))

    assert response.content.decode().count("Encaisser<span") == len(orders[1::2])


# The service, on its own.


def test_the_table_takes_a_cheque_a_little_over_what_is_due_but_not_beyond_the_margin():
    data = _shop()
    order = _place(data, 0)
    most = order.total + MARGIN

    with pytest.raises(PaymentError) as refused:
        table_payment(
            seller=data.shop, order=order, kind="cheque", amount=most + Decimal("0.01"), idempotency_key="a"
        )
    due = format_eur(order.total)
    assert (
        refused.value.message
        == f"Montant trop élevé : il reste {due} à payer (au plus {format_eur(most)} à la table)."
    )
    payment = table_payment(seller=data.shop, order=order, kind="cheque", amount=most, idempotency_key="b")

    assert payment.amount == most and order_payment_state(order) == PaymentState.OVERPAID
    with pytest.raises(PaymentError):
        table_payment(seller=data.shop, order=order, kind="cash", amount="1", idempotency_key="c")
    assert Payment.objects.filter(order=order).count() == 1


def test_the_table_attaches_the_sellers_method_of_that_kind():
    data = _shop()
    order = _place(data, 0)

    payment = table_payment(seller=data.shop, order=order, kind="cheque", amount="1,00", idempotency_key="k")

    assert payment.method == data.cheque
