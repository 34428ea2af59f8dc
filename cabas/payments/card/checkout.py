"""Paying an order by card: the order placed "awaiting payment" (`card_prepare`), the buyer sent
to a Stripe Checkout Session (`card_checkout_url`), then the order brought in line with what Stripe
says of its sessions (`card_sync`): placed once paid, released when its reservation is over.
See the package's docstring for the whole flow."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.cycles.models import Fee
from cabas.lib import money
from cabas.orders.changes import order_payment_confirmed, order_release
from cabas.orders.exceptions import CheckoutInvalid
from cabas.orders.models import Order, OrderEvent
from cabas.payments.card import stripe_client
from cabas.payments.card.connect import CARD, card_configured, card_ready, seller_account_id
from cabas.payments.card.refunds import card_email_enqueue, refund_unowed_quietly
from cabas.payments.card.stripe_client import StripeRefused, StripeUnavailable, from_cents, to_cents
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import Payment, PaymentMethod
from cabas.payments.records.services import payment_record

log = logging.getLogger(__name__)

PENDING, SUCCEEDED = Payment.State.PENDING, Payment.State.SUCCEEDED
FAILED, CANCELLED = Payment.State.FAILED, Payment.State.CANCELLED
AWAITING = Order.Status.AWAITING

# Stripe's smallest card charge in euros.
MINIMUM = Decimal("0.50")
DEFAULT_RESERVATION = 30  # minutes

# What a Checkout Session says, once read from Stripe.
OPEN, PAID, EXPIRED, DECLINED, UNKNOWN = "open", "paid", "expired", "declined", "unknown"


# --- checkout ------------------------------------------------------------------------------------


def card_prepare(*, order: Order, method: PaymentMethod, user=None) -> str:
    """The checkout handler of the card kind (inside `order_place`'s transaction): the order
    awaits its payment, its stock reserved until `payment_due_by`."""
    if not card_ready(order.seller):
        raise CheckoutInvalid(
            "payment_method",
            _(
                "Le paiement par carte n'est pas disponible chez ce vendeur pour le moment : choisissez un "
                "autre moyen de paiement."
            ),
        )
    if order.total < MINIMUM:
        raise CheckoutInvalid(
            "payment_method",
            _("Le paiement par carte demande une commande d'au moins %(minimum)s.")
            % {"minimum": money.format_eur(MINIMUM)},
        )
    minutes = method.reservation_minutes or DEFAULT_RESERVATION
    order.payment_due_by = timezone.now() + timedelta(minutes=minutes)
    return Order.Status.AWAITING


def platform_fee(order: Order) -> Decimal:
    """The platform's share of `order`: its fee lines of type "platform" charged by the platform
    operator (0 when there is none)."""
    total = order.fee_lines.filter(
        fee_type=Fee.Type.PLATFORM, enterprise__slug=settings.PLATFORM_ENTERPRISE_SLUG
    ).aggregate(s=Sum("amount"))["s"]
    return max(total or money.ZERO, money.ZERO)


def _return_url(order: Order) -> str:
    return settings.SITE_URL + reverse("pay:card_return", args=[order.uuid])


def _session_params(order: Order) -> dict:
    """What the Checkout Session of `order` asks (the same every time for the same order, as
    Stripe's idempotency requires)."""
    metadata = {"order": str(order.uuid), "number": order.number}
    intent = {"metadata": metadata, "description": f"{order.seller.name} {order.number}"[:1000]}
    fee = min(platform_fee(order), order.total)
    if fee > 0:
        intent["application_fee_amount"] = to_cents(fee)
    params = {
        "mode": "payment",
        "payment_method_types": ["card"],
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "eur",
                    "unit_amount": to_cents(order.total),
                    "product_data": {"name": f"{order.seller.name} — {order.number}"[:250]},
                },
            }
        ],
        "metadata": metadata,
        "client_reference_id": str(order.uuid),
        "payment_intent_data": intent,
        "locale": "auto",
        "success_url": _return_url(order) + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": _return_url(order) + "?abandoned=1",
    }
    if order.email:
        params["customer_email"] = order.email
    return params


def _payment_key(session_id: str) -> str:
    return f"stripe:{session_id}"[:80]


def card_checkout_url(*, order: Order, now=None) -> str | None:
    """Where the buyer pays `order` now: the URL of its open Checkout Session on the seller's
    account (created when there is none, recorded as a pending card payment). None when nothing
    is left to pay — the order was placed or released meanwhile: see its status. Raises
    PaymentError (StripeUnavailable...) with a French message."""
    now = now or timezone.now()
    order, opened = _sync(order=order, now=now)
    if order.status != AWAITING:
        return None
    if opened:
        return opened[0]["url"]
    account_id = seller_account_id(order.seller)
    # One session per attempt: the same key while the attempt runs (two clicks at once get the same
    # session), a new one only after a session ended unpaid.
    ended = Payment.objects.filter(order=order, kind=CARD, amount__gt=0, state__in=(FAILED, CANCELLED))
    attempt = ended.count()
    session = stripe_client.session_create(
        account_id=account_id,
        params=_session_params(order),
        idempotency_key=f"cabas-order-{order.uuid}-{attempt}",
    )
    with transaction.atomic():
        locked = _lock(order)
        if locked.status == AWAITING:
            payment_record(
                seller=locked.seller,
                kind=CARD,
                amount=from_cents(session["amount_total"]),
                order=locked,
                method=locked.payment_method if _is_card(locked.payment_method) else None,
                state=PENDING,
                reference=session["id"],
                idempotency_key=_payment_key(session["id"]),
            )
            return session["url"]
    # Released while the session was being created: it must never be paid.
    try:
        stripe_client.session_expire(account_id=account_id, session_id=session["id"])
    except PaymentError:
        log.warning("order %s released, session %s left open", order.uuid, session["id"])
    return None


def _is_card(method) -> bool:
    return method is not None and method.kind == CARD


# --- completion ----------------------------------------------------------------------------------


def _lock(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("seller", "payment_method")
        .get(pk=order.pk)
    )


def _fresh(order: Order) -> Order:
    return Order.objects.select_related("seller", "payment_method").get(pk=order.pk)


def _past_due(order: Order, now) -> bool:
    return order.payment_due_by is not None and now >= order.payment_due_by


def _classify(account_id: str, session: dict) -> tuple[str, dict]:
    """What `session` (as read from Stripe) means: PAID (with the PaymentIntent that paid it),
    OPEN, EXPIRED or DECLINED (expired after a refused card)."""
    intent = {}
    paid = session.get("payment_status") in ("paid", "no_payment_required")
    if session.get("status") == "complete" and paid:
        return PAID, intent
    if session.get("payment_intent"):
        # The PaymentIntent can succeed a moment before its session completes: it is the charge.
        intent = stripe_client.payment_intent_retrieve(
            account_id=account_id, intent_id=session["payment_intent"]
        )
        if intent.get("status") == "succeeded":
            return PAID, intent
    if session.get("status") == "expired":
        return (DECLINED if intent.get("last_payment_error") else EXPIRED), intent
    return OPEN, intent


def _read(account_id: str, session_id: str, order: Order) -> tuple[str, dict]:
    try:
        session = stripe_client.session_retrieve(account_id=account_id, session_id=session_id)
    except StripeRefused:
        # Not a session of this seller's account: it cannot be paid there.
        return UNKNOWN, {"id": session_id}
    if (session.get("metadata") or {}).get("order") != str(order.uuid):
        log.warning("session %s does not belong to order %s", session_id, order.uuid)
        return UNKNOWN, session
    state, _intent = _classify(account_id, session)
    return state, session


def _end(account_id: str, session_id: str, order: Order) -> tuple[str, dict]:
    """Expire an open session so that it can no longer be paid; if it completed or expired in the
    meantime, what it became."""
    try:
        session = stripe_client.session_expire(account_id=account_id, session_id=session_id)
    except StripeRefused:
        return _read(account_id, session_id, order)
    state, _intent = _classify(account_id, session)
    return state, session


def card_sync(*, order: Order, now=None, session_id: str = "") -> Order:
    """Bring `order` in line with what Stripe knows of its card payments; returns it, fresh.

    Each pending Checkout Session of the order (and `session_id`, one a webhook named) is read
    from Stripe: paid → the payment succeeds and the order, if it still awaits it, is placed and
    confirmed by email — otherwise the charge is refunded; ended unpaid → the payment is
    cancelled (failed after a refused card); still open once the reservation is over → expired
    at Stripe first, then treated as ended. An order still awaiting with nothing pending once its
    reservation is over is cancelled and its stock given back.

    Safe to call any number of times, concurrently, in any order. Raises StripeUnavailable when
    Stripe cannot be asked (what was read before is applied)."""
    order, _opened = _sync(order=order, now=now or timezone.now(), session_id=session_id)
    return order


def card_abandon(*, order: Order, now=None) -> Order:
    """The buyer gives up paying: the open session is expired at Stripe and the order cancelled,
    its stock given back — unless the payment went through meanwhile (then the order is placed)."""
    order, _opened = _sync(order=order, now=now or timezone.now(), abandon=True)
    return order


def _sync(*, order: Order, now, session_id: str = "", abandon: bool = False) -> tuple[Order, list[dict]]:
    order = _fresh(order)
    payments = Payment.objects.filter(order=order, kind=CARD, amount__gt=0, refund_of__isnull=True)
    pending = list(payments.filter(state=PENDING).exclude(reference="").values_list("reference", flat=True))
    ids = list(dict.fromkeys(pending))
    # A session Stripe told us about is read unless it is settled as paid here (we may have no
    # record of it, or have closed it before Stripe's last word).
    settled = payments.filter(reference=session_id, state=SUCCEEDED)
    if session_id and session_id not in ids and not settled.exists():
        ids.append(session_id)
    opened = []
    if ids:
        if not card_configured():
            raise StripeUnavailable(_("Le paiement par carte n'est pas configuré sur cette plateforme."))
        account_id = seller_account_id(order.seller)
        for sid in ids:
            state, session = _read(account_id, sid, order)
            ending = abandon or order.status != AWAITING or _past_due(order, now)
            if state == OPEN and ending:
                state, session = _end(account_id, sid, order)
            if state == PAID:
                order = _settle_paid(order, session)
            elif state in (EXPIRED, DECLINED, UNKNOWN):
                order = _settle_ended(order, sid, failed=state == DECLINED, known=state != UNKNOWN)
            else:
                opened.append(session)
    if order.status == AWAITING and not opened and (abandon or _past_due(order, now)):
        order = card_release(order, reason="abandoned" if abandon else "expired")
    return order, opened


def _settle_paid(order: Order, session: dict) -> Order:
    """Stripe says `session` was paid: record it once; place the order if it awaits it, refund
    the charge if it does not."""
    key = _payment_key(session["id"])
    unowed = None
    with transaction.atomic():
        locked = _lock(order)
        payments = Payment.objects.select_for_update().filter(seller=locked.seller, idempotency_key=key)
        payment = payments.first()
        if payment is not None and payment.state == SUCCEEDED:
            return locked  # done before (a replayed or concurrent signal)
        if payment is not None and payment.state == PENDING:
            payment.transition(SUCCEEDED)
            payment.save(update_fields=["state", "updated_at"])
        else:
            # No record of this session, or one we had closed: the money is there all the same.
            if payment is not None:
                key = f"{key}:paid"
                if Payment.objects.filter(seller=locked.seller, idempotency_key=key).exists():
                    return locked  # recorded before
            payment = payment_record(
                seller=locked.seller,
                kind=CARD,
                amount=from_cents(session["amount_total"]),
                order=locked,
                method=locked.payment_method if _is_card(locked.payment_method) else None,
                state=SUCCEEDED,
                reference=session["id"],
                idempotency_key=key,
            )
        if locked.status == AWAITING:
            order_payment_confirmed(order=locked, detail={"payment": "card", "reference": session["id"]})
        else:
            OrderEvent.objects.create(
                order=locked,
                kind="card_unowed",
                detail={"reference": session["id"], "amount": str(payment.amount), "status": locked.status},
            )
            unowed = payment
    if unowed is not None:
        refund_unowed_quietly(unowed)
    return locked


def _settle_ended(order: Order, session_id: str, *, failed: bool, known: bool) -> Order:
    with transaction.atomic():
        locked = _lock(order)
        payment = (
            Payment.objects.select_for_update()
            .filter(seller=locked.seller, idempotency_key=_payment_key(session_id))
            .first()
        )
        if payment is not None and payment.state == PENDING:
            payment.transition(FAILED if failed else CANCELLED)
            if not known:
                payment.note = _("Session de paiement introuvable chez Stripe.")[:200]
            payment.save(update_fields=["state", "note", "updated_at"])
    return locked


def card_release(order: Order, *, reason: str, forced: bool = False) -> Order:
    """Cancel an order still awaiting its card payment and give its stock back. Unless `forced`
    (Stripe could not be asked for a whole session lifetime), only when no payment is pending."""
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != AWAITING:
            return locked
        pending = Payment.objects.filter(order=locked, kind=CARD, state=PENDING, amount__gt=0)
        if not forced and pending.exists():
            return locked
        order_release(order=locked, reason=reason)
        if reason != "abandoned":
            card_email_enqueue(locked, "emails/payments/card_expired")
    return locked
