"""Card payments through Stripe Connect: charged on the seller's own Stripe account, never lost,
never taken twice.

How an order is paid by card:

1. `order_place` places it "awaiting payment" (`card_prepare`, the checkout handler): its stock is
   taken — reserved — until `payment_due_by` (now + the method's reservation minutes).
2. The buyer is sent to a Stripe Checkout Session created on the seller's account for the order's
   total (`card_checkout_url`), recorded as a pending card payment (reference: the session id).
3. Whatever tells us something happened — the buyer coming back (return URL), a webhook, the
   periodic job — calls `card_sync`, which asks Stripe the state of the order's sessions and
   applies it under a lock on the order row: paid → the payment succeeds and the order is placed
   (confirmation emailed); ended unpaid → the payment is cancelled; still open once the
   reservation is over → the session is expired at Stripe first (so that it can no longer be
   paid), then the order is cancelled and its stock given back. Signals may come twice, late or
   shuffled: each one only reads Stripe's state and applies it once.
4. A charge that finds no order waiting for it (the order was cancelled, or paid already) is
   refunded in full, automatically, and the refund recorded: no path leaves a charge without a
   placed order, nor an order paid twice. `card_reconcile` retries what could not be done.

Stripe is never called inside a transaction of ours (no lock is held while waiting on the
network), except by `refund_card` when the refund service calls it under its lock on the payment.
"""

from __future__ import annotations

import logging
import uuid as uuid_lib
from collections import Counter
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.accounts.emails import enqueue_templated_email
from cabas.cycles.models import Fee
from cabas.lib import money
from cabas.orders.changes import order_payment_confirmed, order_release
from cabas.orders.exceptions import CheckoutInvalid
from cabas.orders.links import order_url
from cabas.orders.models import Order, OrderEvent
from cabas.payments import stripe_client
from cabas.payments.exceptions import PaymentError
from cabas.payments.goodwill import goodwill_record, order_lock
from cabas.payments.models import Payment, PaymentMethod, ProviderEvent, StripeAccount
from cabas.payments.services_payments import payment_record
from cabas.payments.stripe_client import StripeRefused, StripeUnavailable

log = logging.getLogger(__name__)

CARD = PaymentMethod.Kind.CARD
PENDING, SUCCEEDED = Payment.State.PENDING, Payment.State.SUCCEEDED
FAILED, CANCELLED = Payment.State.FAILED, Payment.State.CANCELLED
AWAITING, PLACED = Order.Status.AWAITING, Order.Status.PLACED

# Stripe's smallest card charge in euros.
MINIMUM = Decimal("0.50")
# A Checkout Session cannot be paid more than 24 hours after it was created.
SESSION_LIFETIME = timedelta(hours=24)
# The periodic job keeps asking Stripe about unsettled payments for this long.
RECONCILE_WINDOW = timedelta(days=30)
DEFAULT_RESERVATION = 30  # minutes

# What a Checkout Session says, once read from Stripe.
OPEN, PAID, EXPIRED, DECLINED, UNKNOWN = "open", "paid", "expired", "declined", "unknown"


# --- money ---------------------------------------------------------------------------------------


def to_cents(amount) -> int:
    """Euros (Decimal) → integer cents, as Stripe counts (half up, like the project's rounding)."""
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_cents(cents) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(money.CENT)


def _clean_amount(amount) -> Decimal:
    try:
        value = money.round_money(money.to_decimal(amount))
    except (ArithmeticError, ValueError):
        raise PaymentError(_("Montant invalide : indiquez un nombre, par exemple 12,50."))
    if value <= 0:
        raise PaymentError(_("Indiquez un montant à rembourser supérieur à zéro."))
    return value


# --- the seller's Stripe account (Connect) -------------------------------------------------------


def card_configured() -> bool:
    """Whether this platform takes card payments at all (a Stripe secret key is set)."""
    return stripe_client.configured()


def card_account(enterprise) -> StripeAccount | None:
    return StripeAccount.objects.filter(enterprise=enterprise).first()


def card_ready(enterprise) -> bool:
    """Whether `enterprise` can be paid by card now: the platform is configured and the seller's
    own Stripe account can take charges."""
    return (
        card_configured()
        and StripeAccount.objects.filter(enterprise=enterprise, charges_enabled=True).exists()
    )


def card_methods_offerable(methods, enterprise) -> list:
    """`methods` without the card ones when `enterprise` cannot take card payments now (a query
    only when a card method is among them)."""
    methods = list(methods)
    if any(m.kind == CARD for m in methods) and not card_ready(enterprise):
        methods = [m for m in methods if m.kind != CARD]
    return methods


def _account_save(account: StripeAccount, data: dict) -> StripeAccount:
    account.charges_enabled = bool(data.get("charges_enabled"))
    account.details_submitted = bool(data.get("details_submitted"))
    account.save(update_fields=["charges_enabled", "details_submitted", "updated_at"])
    return account


def card_connect(*, enterprise, return_url: str, refresh_url: str) -> str:
    """The Stripe page where `enterprise` sets up its own Stripe account for card payments (the
    account is created on first use: a Standard account — the seller is the merchant, pays
    Stripe's fees and sees its payments in its own Stripe dashboard). Raises PaymentError."""
    account = card_account(enterprise)
    if account is None:
        params = {
            "type": "standard",
            "country": enterprise.country or "FR",
            "business_profile": {"name": enterprise.name},
            "metadata": {"enterprise": str(enterprise.uuid)},
        }
        if enterprise.email:
            params["email"] = enterprise.email
        # One account per enterprise even if the button is pressed twice at once.
        data = stripe_client.account_create(params=params, idempotency_key=f"cabas-account-{enterprise.uuid}")
        account, created = StripeAccount.objects.get_or_create(
            enterprise=enterprise,
            defaults={
                "account_id": data["id"],
                "charges_enabled": bool(data.get("charges_enabled")),
                "details_submitted": bool(data.get("details_submitted")),
            },
        )
    link = stripe_client.account_link_create(
        account_id=account.account_id, refresh_url=refresh_url, return_url=return_url
    )
    return link["url"]


def card_account_refresh(*, enterprise) -> StripeAccount | None:
    """Read again from Stripe whether the seller's account can take charges (None: no account)."""
    account = card_account(enterprise)
    if account is None:
        return None
    return _account_save(account, stripe_client.account_retrieve(account.account_id))


def _account_id(seller) -> str:
    accounts = StripeAccount.objects.filter(enterprise_id=seller.pk)
    account_id = accounts.values_list("account_id", flat=True).first()
    if account_id is None:
        raise StripeUnavailable(
            _("Ce vendeur n'a plus de compte Stripe relié : le paiement par carte est impossible.")
        )
    return account_id


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
    account_id = _account_id(order.seller)
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
        account_id = _account_id(order.seller)
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
        order = _release(order, reason="abandoned" if abandon else "expired")
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
        _refund_unowed_quietly(unowed)
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


def _release(order: Order, *, reason: str, forced: bool = False) -> Order:
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
        if reason != "abandoned" and locked.email:
            enqueue_templated_email(
                "emails/payments/card_expired",
                to=[locked.email],
                context=_email_context(locked),
                reply_to=[locked.seller.email] if locked.seller.email else None,
                from_name=locked.seller.name,
            )
    return locked


def _email_context(order: Order, amount: Decimal | None = None) -> dict:
    return {
        "number": order.number,
        "seller": order.seller.name,
        "full_name": order.full_name,
        "total": money.format_eur(order.total),
        "amount": money.format_eur(amount) if amount is not None else "",
        "url": order_url(order),  # a guest's is signed: it opens in any browser
    }


# --- webhooks ------------------------------------------------------------------------------------


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
            _account_save(account, stripe_client.account_retrieve(account.account_id))
    elif kind.startswith(("checkout.session.", "payment_intent.")):
        order = _order_of(obj, account_id)
        if order is not None:
            session_id = obj.get("id", "") if kind.startswith("checkout.session.") else ""
            card_sync(order=order, session_id=session_id)
    elif kind.startswith(("refund.", "charge.refund.")):
        refund = Payment.objects.filter(kind=CARD, amount__lt=0, reference=obj.get("id") or "").first()
        if refund is not None and refund.state == PENDING:
            _refund_sync(refund)


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


# --- refunds -------------------------------------------------------------------------------------


def _refunded(payment: Payment) -> Decimal:
    total = payment.refunds.filter(state__in=(PENDING, SUCCEEDED)).aggregate(s=Sum("amount"))["s"]
    return -total if total is not None else money.ZERO


def _intent_of(payment: Payment, account_id: str) -> str:
    reference = payment.reference
    if reference.startswith("pi_"):
        return reference
    session = stripe_client.session_retrieve(account_id=account_id, session_id=reference)
    if not session.get("payment_intent"):
        raise PaymentError(
            _("Stripe ne connaît aucun débit pour ce paiement : rien à rembourser sur la carte.")
        )
    return session["payment_intent"]


def refund_card(payment: Payment, amount, *, user=None, note: str = "", idempotency_key: str = "") -> Payment:
    """Give `amount` of the card `payment` back to the card it came from: a refund on the
    seller's Stripe account, recorded as a negative card payment (pending until Stripe confirms
    it, when it does not at once). The same request twice (same `idempotency_key`, or same
    payment, amount and refunds before) refunds once. Raises PaymentError (French message):
    then Stripe refunded nothing and nothing is recorded."""
    value = _clean_amount(amount)
    if payment.kind != CARD or not payment.reference or payment.refund_of_id is not None:
        raise PaymentError(_("Seul un paiement fait par carte en ligne peut être remboursé sur la carte."))
    if payment.state != SUCCEEDED or payment.amount <= 0:
        raise PaymentError(_("Seul un paiement reçu peut être remboursé."))
    refunded = _refunded(payment)
    left = payment.amount - refunded
    if value > left:
        raise PaymentError(
            _("Vous ne pouvez pas rembourser plus que ce qui reste sur ce paiement : %(left)s au plus.")
            % {"left": money.format_eur(max(left, money.ZERO))}
        )
    account_id = _account_id(payment.seller)
    key = (
        f"cabas-refund-{payment.seller_id}-{idempotency_key}"
        if idempotency_key
        else f"cabas-refund-{payment.uuid}-{to_cents(refunded)}-{to_cents(value)}"
    )
    refund = stripe_client.refund_create(
        account_id=account_id,
        params={
            "payment_intent": _intent_of(payment, account_id),
            "amount": to_cents(value),
            "metadata": {
                "payment": str(payment.uuid),
                "order": str(payment.order.uuid) if payment.order else "",
            },
        },
        idempotency_key=key[:255],
    )
    state = {"succeeded": SUCCEEDED, "pending": PENDING, "requires_action": PENDING}.get(refund.get("status"))
    if state is None:
        raise StripeRefused(_("Stripe a refusé ce remboursement."))
    # Recorded with its goodwill reduction, if any (see payments.goodwill), in one transaction.
    return payment_record(
        seller=payment.seller,
        kind=CARD,
        amount=-from_cents(refund["amount"]),
        order=payment.order,
        customer=payment.customer,
        method=payment.method,
        state=state,
        reference=refund["id"],
        idempotency_key=idempotency_key or f"stripe:{refund['id']}",
        refund_of=payment,
        note=note,
        user=user,
    )


def _refund_sync(refund: Payment) -> Payment:
    """A pending card refund, as Stripe now says it is."""
    data = stripe_client.refund_retrieve(account_id=_account_id(refund.seller), refund_id=refund.reference)
    state = {"succeeded": SUCCEEDED, "failed": FAILED, "canceled": CANCELLED}.get(data.get("status"))
    if state is not None:
        with transaction.atomic():
            if refund.order_id is not None:
                order_lock(refund.order_id)
            locked = Payment.objects.select_for_update().get(pk=refund.pk)
            if locked.state == PENDING:
                locked.transition(state)
                locked.save(update_fields=["state", "updated_at"])
                if state == SUCCEEDED:  # given back now: the part the order did not owe is goodwill
                    goodwill_record(refund=locked)
            return locked
    return refund


def _refund_unowed(payment: Payment) -> Payment | None:
    """Refund what is left of a charge no order is waiting for, and tell the buyer (once)."""
    payment = Payment.objects.select_related("seller", "order", "order__seller").get(pk=payment.pk)
    left = payment.amount - _refunded(payment)
    if left <= 0:
        return None
    existing = set(payment.refunds.values_list("pk", flat=True))
    refund = refund_card(
        payment,
        left,
        note=_("Remboursement automatique : aucune commande n'attendait ce paiement."),
        idempotency_key=f"auto-{payment.uuid}-{to_cents(left)}",
    )
    order = payment.order
    if refund.pk not in existing and order is not None and order.email:
        enqueue_templated_email(
            "emails/payments/card_refunded",
            to=[order.email],
            context=_email_context(order, amount=-refund.amount),
            reply_to=[order.seller.email] if order.seller.email else None,
            from_name=order.seller.name,
        )
    return refund


def card_refunded_late(order: Order) -> bool:
    """Whether a card charge reached `order` after it stopped waiting for one (it is refunded)."""
    return order.events.filter(kind="card_unowed").exists()


def _refund_unowed_quietly(payment: Payment) -> None:
    try:
        _refund_unowed(payment)
    except PaymentError as error:
        # Recorded as received and unowed: `card_reconcile` refunds it at its next run.
        log.warning("refund of unowed card payment %s postponed: %s", payment.uuid, error.message)


def _unowed(since) -> list[Payment]:
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


# --- the periodic job ----------------------------------------------------------------------------


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
            after = _release(order, reason="expired", forced=True)
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
    for payment in _unowed(since):
        try:
            if _refund_unowed(payment) is not None:
                counts["refunded"] += 1
        except PaymentError as error:
            counts["errors"] += 1
            log.warning("reconcile: refund of %s failed: %s", payment.uuid, error.message)
    for refund in Payment.objects.filter(kind=CARD, state=PENDING, amount__lt=0, created_at__gte=since):
        try:
            _refund_sync(refund)
        except PaymentError:
            counts["errors"] += 1
    return dict(counts)
