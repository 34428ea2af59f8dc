"""Stripe's webhooks: each event recorded once, then the order or the seller's account it concerns
brought in line with what Stripe says."""

from __future__ import annotations

import logging
import uuid as uuid_lib

from django.utils import timezone

from cabas.orders.models import Order
from cabas.payments.card import stripe_client
from cabas.payments.card.checkout import card_sync
from cabas.payments.card.connect import CARD, account_save
from cabas.payments.card.refunds import refund_sync
from cabas.payments.card.stripe_client import StripeRefused
from cabas.payments.models import Payment, ProviderEvent, StripeAccount

log = logging.getLogger(__name__)

PENDING = Payment.State.PENDING


def card_webhook(*, payload: bytes, signature: str | None) -> ProviderEvent:
    """Receive a Stripe webhook: verify its signature (WebhookInvalid: nothing is stored), store
    the event once (a replay changes nothing), then bring the order it concerns in line with
    Stripe (`card_sync`) or the seller's account status. Raises StripeUnavailable when Stripe
    could not be asked: the event stays unprocessed and Stripe sends it again."""
    event = stripe_client.event_construct(payload, signature)
    record, _created = ProviderEvent.objects.get_or_create(
        provider="stripe",
        event_id=str(event.get("id", ""))[:120],
        defaults={"event_type": str(event.get("type", ""))[:80], "payload": event},
    )
    if record.processed_at is not None:
        return record
    try:
        _event_apply(event)
    except StripeRefused as error:
        # Stripe answered: asking again would get the same answer.
        log.warning("stripe event %s not applied: %s", record.event_id, error.message)
    ProviderEvent.objects.filter(pk=record.pk, processed_at__isnull=True).update(processed_at=timezone.now())
    record.refresh_from_db()
    return record


def _event_apply(event: dict) -> None:
    kind = str(event.get("type", ""))
    obj = (event.get("data") or {}).get("object") or {}
    account_id = event.get("account") or ""
    if kind == "account.updated":
        account = StripeAccount.objects.filter(account_id=obj.get("id") or "").first()
        if account is not None:
            account_save(account, stripe_client.account_retrieve(account.account_id))
    elif kind.startswith(("checkout.session.", "payment_intent.")):
        order = _order_of(obj, account_id)
        if order is not None:
            session_id = obj.get("id", "") if kind.startswith("checkout.session.") else ""
            card_sync(order=order, session_id=session_id)
    elif kind.startswith(("refund.", "charge.refund.")):
        refund = Payment.objects.filter(kind=CARD, amount__lt=0, reference=obj.get("id") or "").first()
        if refund is not None and refund.state == PENDING:
            refund_sync(refund)


def _order_of(obj: dict, account_id: str) -> Order | None:
    """The order a session or PaymentIntent of a connected account was made for (its metadata),
    if that account is the order's seller's."""
    try:
        order_uuid = uuid_lib.UUID(str((obj.get("metadata") or {}).get("order", "")))
    except ValueError:
        return None
    if not account_id:
        return None
    return Order.objects.filter(uuid=order_uuid, seller__stripe_account__account_id=account_id).first()
