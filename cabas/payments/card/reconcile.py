"""The periodic job of card payments (`card_reconcile`): whatever a missed signal left undone is
caught up with Stripe."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cabas.lib import money
from cabas.orders.models import Order
from cabas.payments.card.checkout import card_release, card_sync
from cabas.payments.card.connect import CARD
from cabas.payments.card.refunds import refund_sync, refund_unowed
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import Payment

log = logging.getLogger(__name__)

PENDING, SUCCEEDED = Payment.State.PENDING, Payment.State.SUCCEEDED
AWAITING, PLACED = Order.Status.AWAITING, Order.Status.PLACED

# A Checkout Session cannot be paid more than 24 hours after it was created.
SESSION_LIFETIME = timedelta(hours=24)
# The periodic job keeps asking Stripe about unsettled payments for this long.
RECONCILE_WINDOW = timedelta(days=30)


def unowed_charges(since) -> list[Payment]:
    """Card charges no placed order owns, not yet fully refunded: those of cancelled orders, and
    every charge of an order but the one that placed it."""
    field = DecimalField(max_digits=12, decimal_places=2)
    refunded = (
        Payment.objects.filter(refund_of=OuterRef("pk"), state__in=(PENDING, SUCCEEDED))
        .values("refund_of")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    charges = Payment.objects.filter(kind=CARD, state=SUCCEEDED, amount__gt=0, refund_of__isnull=True)
    other = charges.filter(order=OuterRef("order")).exclude(pk=OuterRef("pk"))
    candidates = (
        charges.filter(order__isnull=False, order__updated_at__gte=since)
        .annotate(
            refunded=Coalesce(Subquery(refunded, output_field=field), Value(money.ZERO), output_field=field)
        )
        .filter(amount__gt=-F("refunded"))
        .filter(Q(order__status=Order.Status.CANCELLED) | Exists(other))
        .select_related("order")
    )
    unowed = []
    for payment in candidates:
        if payment.order.status == Order.Status.CANCELLED or payment.reference != _placed_by(payment.order):
            unowed.append(payment)
    return unowed


def _placed_by(order: Order) -> str:
    """The reference of the card payment that placed `order` ("" if none did)."""
    event = order.events.filter(kind="status", to_status=PLACED).order_by("created_at", "id").first()
    return (event.detail or {}).get("reference", "") if event is not None else ""


def card_reconcile(*, now=None) -> dict[str, int]:
    """Catch up with Stripe (run every few minutes; safe to run twice at once):

    - every order awaiting a card payment is synced — paid ones are placed, those whose
      reservation is over are released (their session expired at Stripe first); when Stripe
      cannot be asked for a whole session lifetime after the reservation ended, the order is
      released anyway (no session can be paid any more) and its payment asked about later;
    - card payments still pending on orders no longer awaiting them are asked about (a late
      charge is then refunded);
    - charges no placed order owns (cancelled orders, a second charge) are refunded;
    - refunds Stripe had not confirmed are read again.
    Returns counts by outcome."""
    now = now or timezone.now()
    since = now - RECONCILE_WINDOW
    counts: Counter = Counter()
    awaiting = Order.objects.filter(status=AWAITING, payment_method__kind=CARD)
    awaiting = awaiting.order_by("payment_due_by", "pk")
    for order in awaiting:
        try:
            after = card_sync(order=order, now=now)
        except PaymentError as error:
            counts["errors"] += 1
            log.warning("reconcile: order %s not synced: %s", order.uuid, error.message)
            if order.payment_due_by is None or now < order.payment_due_by + SESSION_LIFETIME:
                continue
            after = card_release(order, reason="expired", forced=True)
        counts[after.status] += 1
    late = (
        Payment.objects.filter(kind=CARD, state=PENDING, amount__gt=0, refund_of__isnull=True)
        .filter(created_at__gte=since)
        .exclude(order__status=AWAITING)
        .exclude(order__isnull=True)
        .select_related("order")
    )
    for payment in late:
        try:
            card_sync(order=payment.order, now=now)
            counts["late_checked"] += 1
        except PaymentError:
            counts["errors"] += 1
    for payment in unowed_charges(since):
        try:
            if refund_unowed(payment) is not None:
                counts["refunded"] += 1
        except PaymentError as error:
            counts["errors"] += 1
            log.warning("reconcile: refund of %s failed: %s", payment.uuid, error.message)
    for refund in Payment.objects.filter(kind=CARD, state=PENDING, amount__lt=0, created_at__gte=since):
        try:
            refund_sync(refund)
        except PaymentError:
            counts["errors"] += 1
    return dict(counts)
