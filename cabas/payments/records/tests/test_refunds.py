"""Refunds: never more than what was received, to the customer's account (a negative payment and a
ledger entry, together) or given back in cash, by cheque, by transfer, or to the card through the
card package."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabas.orders.models import Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.accounts import ledger
from cabas.payments.card import refunds as card_refunds
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import AccountEntry, Payment, PaymentState
from cabas.payments.records import refunds
from cabas.payments.records import services as services_payments
from cabas.payments.records.refunds import payment_refund
from cabas.payments.records.services import order_payment_state, payment_record
from cabas.payments.tests.placed import placed_order
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid():
    """An order of 9,50 € paid by cheque, and the seller's manager."""
    order = placed_order()
    payment = payment_record(seller=order.seller, order=order, kind="cheque", amount="9.50")
    manager = RoleFactory(enterprise=order.seller, role="manager").user
    return order, payment, manager


def test_a_refund_to_the_account_writes_a_negative_payment_and_a_credit_entry(paid):
    order, payment, manager = paid
    refund = payment_refund(payment=payment, amount="4,00", to="credit", user=manager, note="tomates abîmées")
    assert (refund.amount, refund.kind, refund.refund_of, refund.state) == (
        Decimal("-4.00"),
        "credit",
        payment,
        "succeeded",
    )
    assert (refund.order, refund.customer, refund.recorded_by) == (order, order.customer, manager)
    entry = AccountEntry.objects.get(customer=order.customer)
    assert (entry.kind, entry.amount, entry.payment, entry.order, entry.note) == (
        "refund",
        Decimal("4.00"),
        refund,
        order,
        "tomates abîmées",
    )
    assert ledger.account_balance(order.customer) == Decimal("4.00")
    assert services_payments.order_paid(order) == Decimal("5.50")
    order.refresh_from_db()  # nothing was overpaid: 4,00 € of goodwill, the order stays paid
    assert order.total == Decimal("5.50") and order_payment_state(order) == PaymentState.PAID


def test_a_refund_in_cash_writes_only_a_negative_payment(paid):
    order, payment, manager = paid
    refund = payment_refund(payment=payment, amount="9.50", to="cash", user=manager)
    assert (refund.kind, refund.amount) == ("cash", Decimal("-9.50"))
    assert not AccountEntry.objects.exists()
    order.refresh_from_db()  # all of it given back on an order still placed: it is now free
    assert order.total == Decimal("0.00") and order_payment_state(order) == PaymentState.PAID


def test_it_never_refunds_more_than_was_received(paid):
    order, payment, manager = paid
    with pytest.raises(PaymentError) as refused:
        payment_refund(payment=payment, amount="9.51", to="credit", user=manager)
    assert "plus que ce qui a été reçu" in refused.value.message and "9,50" in refused.value.message
    payment_refund(payment=payment, amount="6", to="cheque", user=manager)
    with pytest.raises(PaymentError) as refused:
        payment_refund(payment=payment, amount="4", to="cash", user=manager)
    assert "3,50" in refused.value.message  # at most what is left
    payment_refund(payment=payment, amount="3.50", to="transfer", user=manager)
    assert refunds.payment_refundable(payment) == 0
    assert order.payments.count() == 3 and not AccountEntry.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-2", "", "abc"])
def test_it_refuses_a_bad_amount(paid, amount):
    _order, payment, manager = paid
    with pytest.raises(PaymentError):
        payment_refund(payment=payment, amount=amount, to="cash", user=manager)
    assert Payment.objects.count() == 1


def test_only_a_received_payment_is_refunded(paid):
    order, payment, manager = paid
    pending = payment_record(seller=order.seller, order=order, kind="card", amount="3", state="pending")
    refund = payment_refund(payment=payment, amount="1", to="cash", user=manager)
    for target in (pending, refund):
        with pytest.raises(PaymentError) as refused:
            payment_refund(payment=target, amount="1", to="cash", user=manager)
        assert "Seul un paiement reçu" in refused.value.message
    with pytest.raises(PaymentError):
        payment_refund(payment=payment, amount="1", to="bitcoin", user=manager)
    assert Payment.objects.count() == 3


def test_a_refund_to_the_account_needs_a_known_customer(paid):
    order, _payment, manager = paid
    unknown = Order.objects.create(seller=order.seller, status="placed", number="T-1", total=2)
    anonymous = Payment.objects.create(
        seller=order.seller, order=unknown, kind="cash", amount=2, state="succeeded"
    )
    assert "credit" not in dict(refunds.refund_destinations(anonymous))
    with pytest.raises(PaymentError) as refused:
        payment_refund(payment=anonymous, amount="1", to="credit", user=manager)
    assert "client connu" in refused.value.message


def test_the_payment_and_the_ledger_entry_are_written_together(paid, monkeypatch):
    order, payment, manager = paid

    def failing_post(**kwargs):
        raise PaymentError("le grand livre refuse")

    monkeypatch.setattr(ledger, "account_post", failing_post)
    with pytest.raises(PaymentError), transaction.atomic():
        payment_refund(payment=payment, amount="2", to="credit", user=manager)
    assert order.payments.count() == 1 and not AccountEntry.objects.exists()


def test_the_same_refund_submitted_twice_is_made_once(paid):
    order, payment, manager = paid
    first = payment_refund(payment=payment, amount="2", to="credit", user=manager, idempotency_key="r1")
    again = payment_refund(payment=payment, amount="2", to="credit", user=manager, idempotency_key="r1")
    assert first.pk == again.pk
    assert order.payments.filter(amount__lt=0).count() == 1 and AccountEntry.objects.count() == 1


# --- card refunds go through the card package -------------------------------------------------


def _card_payment(order):
    return payment_record(
        seller=order.seller,
        order=order,
        kind="card",
        amount="9.50",
        reference="pi_123",
        idempotency_key="pi_123",
    )


def test_without_the_card_module_a_card_payment_is_refunded_another_way(paid, monkeypatch):
    order, _payment, manager = paid
    monkeypatch.setattr(refunds, "_card_refunder", lambda: None)
    card = _card_payment(order)
    assert "card" not in dict(refunds.refund_destinations(card))
    with pytest.raises(PaymentError) as refused:
        payment_refund(payment=card, amount="1", to="card", user=manager)
    assert "pas disponible" in refused.value.message
    assert payment_refund(payment=card, amount="1", to="credit", user=manager).amount == Decimal("-1.00")


def test_a_card_refund_calls_refund_card_of_the_card_module(paid, monkeypatch):
    order, cheque, manager = paid
    calls = []

    def refund_card(payment, amount, **kwargs):
        calls.append((payment.pk, amount))
        return payment_record(
            seller=payment.seller,
            order=payment.order,
            kind="card",
            amount=-amount,
            refund_of=payment,
            state="pending",
            reference="re_1",
        )

    monkeypatch.setattr(card_refunds, "refund_card", refund_card)
    card = _card_payment(order)
    assert dict(refunds.refund_destinations(card))["card"].startswith("sur la carte")
    assert "card" not in dict(refunds.refund_destinations(cheque))
    refund = payment_refund(payment=card, amount="3", to="card", user=manager)
    assert calls == [(card.pk, Decimal("3.00"))] and refund.reference == "re_1"
    # A pending card refund already counts: the rest only can be refunded.
    with pytest.raises(PaymentError):
        payment_refund(payment=card, amount="7", to="card", user=manager)
    with pytest.raises(PaymentError) as refused:
        payment_refund(payment=cheque, amount="1", to="card", user=manager)
    assert "par carte" in refused.value.message


# --- property: whatever the sequence, refunds never exceed what was received -------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cents=st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=6),
    targets=st.lists(st.sampled_from(["credit", "cash", "cheque", "transfer"]), min_size=6, max_size=6),
)
def test_refunds_never_exceed_what_was_received_and_the_ledger_follows(paid, cents, targets):
    order, payment, manager = paid
    with transaction.atomic():
        accepted = Decimal("0.00")
        credited = Decimal("0.00")
        for amount, to in zip(cents, targets, strict=False):
            value = Decimal(amount) / 100
            try:
                payment_refund(payment=payment, amount=value, to=to, user=manager)
            except PaymentError:
                assert accepted + value > payment.amount
            else:
                accepted += value
                credited += value if to == "credit" else 0
            assert accepted <= payment.amount
            assert services_payments.order_paid(order) == payment.amount - accepted
            assert refunds.payment_refundable(payment) == payment.amount - accepted
            assert ledger.account_balance(order.customer) == credited
        transaction.set_rollback(True)


# --- the order page ----------------------------------------------------------------------------


def _refund_url(order, payment):
    return reverse("payments:order_payment_refund", args=[order.seller.slug, order.uuid, payment.uuid])


def _prefix(payment):
    return f"refund-{payment.uuid.hex[:12]}"


def test_a_manager_refunds_from_the_order_page(client_for, paid):
    order, payment, manager = paid
    client = client_for(manager)
    html = client.get(reverse("orders:order", args=[order.seller.slug, order.uuid])).content.decode()
    assert "Rembourser le paiement du" in html and "sur le compte client" in html
    p = _prefix(payment)
    data = {f"{p}-amount": "2,50", f"{p}-to": "credit", f"{p}-note": "oubli", f"{p}-idempotency_key": "x1"}
    response = client.post(_refund_url(order, payment), data)
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Remboursement de 2,50\u00a0€ enregistré (Compte client (crédit prépayé))." in html
    assert "Remboursement — Compte client" in html and "-2,50\u00a0€" in html
    assert ledger.account_balance(order.customer) == Decimal("2.50")
    client.post(_refund_url(order, payment), data)  # the same form again: nothing more
    assert ledger.account_balance(order.customer) == Decimal("2.50")


def test_a_refund_too_large_shows_the_error_and_changes_nothing(client_for, paid):
    order, payment, manager = paid
    p = _prefix(payment)
    data = {f"{p}-amount": "20", f"{p}-to": "cash", f"{p}-idempotency_key": "x2"}
    response = client_for(manager).post(_refund_url(order, payment), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vous ne pouvez pas rembourser plus que ce qui a été reçu" in html
    assert '<details class="pay-refund" open>' in html
    assert order.payments.count() == 1


def test_it_refunds_only_the_payments_of_that_order(client_for, paid):
    order, _payment, manager = paid
    other_order = placed_order(open_shop(shop=order.seller), key="k2", email="paul@exemple.fr")
    other = payment_record(seller=other_order.seller, order=other_order, kind="cash", amount="1")
    response = client_for(manager).post(_refund_url(order, other), {})
    assert response.status_code == 404
