"""Refunds to the card: a Stripe refund on the seller's account, recorded as a negative card
payment; never more than what is left, once per request."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cabas.payments.card.checkout import card_checkout_url, card_sync
from cabas.payments.card.reconcile import card_reconcile
from cabas.payments.card.refunds import refund_card
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import Payment
from cabas.payments.records.refunds import payment_refund
from cabas.payments.records.services import order_paid
from cabas.payments.tests.placed import placed_order
from cabas.payments.tests.stripe_standin import card_shop, running

pytestmark = pytest.mark.django_db


@pytest.fixture
def standin(settings):
    with running(settings) as standin:
        yield standin


@pytest.fixture
def charge(standin, customer):
    """The succeeded card payment (9,50 €) of a placed order."""
    data = card_shop(standin)
    order = placed_order(data, method=data.card, user=customer)
    card_checkout_url(order=order)
    payment = Payment.objects.get(order=order)
    standin.pay(payment.reference)
    card_sync(order=order)
    payment.refresh_from_db()
    assert payment.state == "succeeded"
    return payment


def test_it_refunds_part_then_the_rest_on_the_sellers_account(charge, standin, manager):
    first = refund_card(charge, Decimal("2.50"), user=manager, note="œufs cassés")
    second = refund_card(charge, "7,00")
    assert [(r.amount, r.state, r.kind, r.refund_of_id) for r in (first, second)] == [
        (Decimal("-2.50"), "succeeded", "card", charge.pk),
        (Decimal("-7.00"), "succeeded", "card", charge.pk),
    ]
    assert (first.note, first.recorded_by) == ("œufs cassés", manager)
    calls = standin.calls("/v1/refunds")
    assert [c["params"]["amount"] for c in calls] == ["250", "700"]
    assert {c["account"] for c in calls} == {charge.seller.stripe_account.account_id}
    intent = standin.session(charge.reference)["payment_intent"]
    assert {c["params"]["payment_intent"] for c in calls} == {intent}
    assert {first.reference, second.reference} == set(standin.refunds)
    assert order_paid(charge.order) == Decimal("0.00")


def test_it_refuses_more_than_what_is_left_and_stripe_refunds_nothing(charge, standin):
    refund_card(charge, Decimal("9.00"))
    with pytest.raises(PaymentError, match="0,50"):
        refund_card(charge, Decimal("0.51"))
    for amount in ("0", "-1", "douze"):
        with pytest.raises(PaymentError):
            refund_card(charge, amount)
    assert len(standin.calls("/v1/refunds")) == 1
    assert charge.refunds.count() == 1


def test_the_same_refund_request_twice_refunds_once(charge, standin):
    first = refund_card(charge, Decimal("3.00"), idempotency_key="remb-1")
    again = refund_card(charge, Decimal("3.00"), idempotency_key="remb-1")
    assert again == first and len(standin.refunds) == 1 and charge.refunds.count() == 1


def test_stripe_unavailable_refunds_nothing_and_records_nothing(charge, standin):
    standin.down = True
    with pytest.raises(PaymentError, match="ne répond pas"):
        refund_card(charge, Decimal("1.00"))
    assert charge.refunds.count() == 0


def test_a_pending_refund_is_confirmed_by_stripes_event(charge, standin, client):
    standin.refund_status = "pending"
    refund = refund_card(charge, Decimal("4.00"))
    assert refund.state == "pending"
    assert order_paid(charge.order) == Decimal("9.50")  # not given back yet
    standin.refunds[refund.reference]["status"] = "succeeded"
    payload, header = standin.event(
        "refund.updated", standin.refunds[refund.reference], account=charge.seller.stripe_account.account_id
    )
    url = reverse("pay:stripe_webhook")
    response = client.post(url, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code == 200
    refund.refresh_from_db()
    assert refund.state == "succeeded" and order_paid(charge.order) == Decimal("5.50")


def test_a_pending_refund_that_failed_is_seen_by_the_job(charge, standin):
    standin.refund_status = "pending"
    refund = refund_card(charge, Decimal("4.00"))
    standin.refunds[refund.reference]["status"] = "failed"
    card_reconcile()
    refund.refresh_from_db()
    assert refund.state == "failed" and order_paid(charge.order) == Decimal("9.50")


def test_only_a_card_payment_received_online_goes_back_to_the_card(charge, standin):
    cheque = Payment.objects.create(
        seller=charge.seller, order=charge.order, kind="cheque", amount=Decimal("5"), state="succeeded"
    )
    with pytest.raises(PaymentError, match="par carte en ligne"):
        refund_card(cheque, Decimal("1"))
    refund = refund_card(charge, Decimal("1"))
    with pytest.raises(PaymentError):
        refund_card(refund, Decimal("1"))
    assert len(standin.refunds) == 1


def test_the_refund_service_sends_card_refunds_through_stripe(charge, standin, manager):
    refund = payment_refund(payment=charge, amount="9,50", to="card", user=manager)
    assert (refund.amount, refund.kind, refund.refund_of_id) == (Decimal("-9.50"), "card", charge.pk)
    assert list(standin.refunds.values())[0]["amount"] == 950
    with pytest.raises(PaymentError):
        payment_refund(payment=charge, amount="0,01", to="card", user=manager)
    assert len(standin.refunds) == 1
