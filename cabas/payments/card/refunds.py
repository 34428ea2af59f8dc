"""Card refunds, made on the seller's Stripe account: asked by a manager (through the refund
service of payments.records), or automatic for a charge no order waits for (the order was
cancelled, or paid already)."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from cabas.lib import money
from cabas.orders.models import Order
from cabas.orders.tasks import buyer_email_enqueue
from cabas.payments.card import stripe_client
from cabas.payments.card.connect import CARD, seller_account_id
from cabas.payments.card.stripe_client import StripeRefused, from_cents, to_cents
from cabas.payments.exceptions import PaymentError
from cabas.payments.goodwill import goodwill_record, order_lock
from cabas.payments.models import Payment
from cabas.payments.records.services import payment_record

log = logging.getLogger(__name__)

PENDING, SUCCEEDED = Payment.State.PENDING, Payment.State.SUCCEEDED
FAILED, CANCELLED = Payment.State.FAILED, Payment.State.CANCELLED


def _clean_amount(amount) -> Decimal:
    try:
        value = money.round_money(money.to_decimal(amount))
    except (ArithmeticError, ValueError):
        raise PaymentError(_("Montant invalide : indiquez un nombre, par exemple 12,50."))
    if value <= 0:
        raise PaymentError(_("Indiquez un montant à rembourser supérieur à zéro."))
    return value


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
    account_id = seller_account_id(payment.seller)
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


def refund_sync(refund: Payment) -> Payment:
    """A pending card refund, as Stripe now says it is."""
    data = stripe_client.refund_retrieve(
        account_id=seller_account_id(refund.seller), refund_id=refund.reference
    )
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


def refund_unowed(payment: Payment) -> Payment | None:
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
    if refund.pk not in existing and order is not None:
        card_email_enqueue(order, "emails/payments/card_refunded", amount=-refund.amount)
    return refund


def card_refunded_late(order: Order) -> bool:
    """Whether a card charge reached `order` after it stopped waiting for one (it is refunded)."""
    return order.events.filter(kind="card_unowed").exists()


def refund_unowed_quietly(payment: Payment) -> None:
    """`refund_unowed`, postponed to the periodic job when Stripe cannot do it now."""
    try:
        refund_unowed(payment)
    except PaymentError as error:
        # Recorded as received and unowed: `card_reconcile` refunds it at its next run.
        log.warning("refund of unowed card payment %s postponed: %s", payment.uuid, error.message)


def card_email_enqueue(order: Order, template_prefix: str, amount: Decimal | None = None) -> None:
    """Email the buyer of `order` a card email (expired reservation, automatic refund) in their
    language, with the order's total and `amount`, after commit."""
    buyer_email_enqueue(
        order,
        template_prefix,
        lambda: {
            "total": money.format_eur(order.total),
            "amount": money.format_eur(amount) if amount is not None else "",
        },
    )
