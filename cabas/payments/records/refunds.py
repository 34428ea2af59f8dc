"""Refunds of received payments: how much a payment can still give back, where a refund may go
(the customer's account, cash, cheque, transfer or the card it came from), and the refund itself.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from cabas.lib import money
from cabas.orders.models import Order
from cabas.payments.accounts import ledger
from cabas.payments.card import refunds as card_refunds
from cabas.payments.exceptions import PaymentError
from cabas.payments.goodwill import order_lock
from cabas.payments.models import Payment, PaymentMethod
from cabas.payments.records.services import SUCCEEDED, clean_amount, order_paid, payment_record

# Where a refund goes: back to the customer's account (credit), or given back outside the site.
REFUND_TO_CREDIT = "credit"
REFUND_TO_CARD = "card"
REFUND_OFFLINE = (PaymentMethod.Kind.CASH, PaymentMethod.Kind.CHEQUE, PaymentMethod.Kind.TRANSFER)
# Refunds that count against what a payment can still give back (a card refund may be pending).
REFUND_COUNTS = (Payment.State.PENDING, SUCCEEDED)


def _refunds_under_way(order: Order) -> Decimal:
    """What pending refunds of `order` (card refunds Stripe has not confirmed) will give back."""
    pending = order.payments.filter(state=Payment.State.PENDING, amount__lt=0).aggregate(s=Sum("amount"))["s"]
    return -money.round_money(pending) if pending is not None else money.ZERO


def payment_refunded(payment: Payment) -> Decimal:
    """What was already given back on `payment` (pending card refunds included), as a positive sum."""
    total = payment.refunds.filter(state__in=REFUND_COUNTS).aggregate(s=Sum("amount"))["s"]
    return -money.round_money(total) if total is not None else money.ZERO


def payment_refundable(payment: Payment, refunded: Decimal | None = None) -> Decimal:
    """What can still be given back on `payment`: 0 unless it is a received (succeeded, positive)
    payment, otherwise its amount minus what was already refunded."""
    if payment.state != SUCCEEDED or payment.amount <= 0 or payment.refund_of_id is not None:
        return money.ZERO
    refunded = payment_refunded(payment) if refunded is None else refunded
    return max(payment.amount - refunded, money.ZERO)


def card_refunds_available() -> bool:
    """Whether card refunds can be made (the card package provides `refund_card`)."""
    return _card_refunder() is not None


def _card_refunder():
    return getattr(card_refunds, "refund_card", None)


def refund_destinations(payment: Payment) -> list[tuple[str, str]]:
    """[(value, label)] of where a refund of `payment` may go."""
    choices = []
    if payment.kind == PaymentMethod.Kind.CARD and payment.reference and card_refunds_available():
        choices.append((REFUND_TO_CARD, _("sur la carte bancaire utilisée (Stripe)")))
    if payment.customer_id is not None or (payment.order_id is not None and payment.order.customer_id):
        choices.append((REFUND_TO_CREDIT, _("sur le compte client (crédit utilisable pour ses commandes)")))
    choices += [
        (PaymentMethod.Kind.CASH.value, _("en espèces")),
        (PaymentMethod.Kind.CHEQUE.value, _("par chèque")),
        (PaymentMethod.Kind.TRANSFER.value, _("par virement")),
    ]
    return choices


@transaction.atomic
def payment_refund(
    *, payment: Payment, amount, to: str, user=None, note: str = "", idempotency_key: str = ""
) -> Payment:
    """Give back `amount` (positive) of the received `payment`, never more than it can still give
    back. `to`: "credit" (the customer's account is credited: a negative payment and a `refund`
    ledger entry, together), "cash" / "cheque" / "transfer" (a negative payment of that kind), or
    "card" (through `cabas.payments.card.refunds.refund_card(payment, amount)`, which refunds on
    the seller's Stripe account and records the negative payment). Returns the refund (a negative
    Payment).

    With an `idempotency_key` already used by the seller, returns the refund made the first time
    (a double submit refunds once). Raises PaymentError (French message); nothing is written then."""
    key = (idempotency_key or "")[:80]
    if key:
        done = Payment.objects.filter(seller_id=payment.seller_id, idempotency_key=key).first()
        if done is not None:
            return done
    # The order's row lock (first, as everywhere else) queues the refunds of all its payments, the
    # payment's row lock those of a payment without order: each sees the ones before.
    if payment.order_id is not None:
        order_lock(payment.order_id)
    locked = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("seller", "order", "customer")
        .get(pk=payment.pk)
    )
    value = clean_amount(amount)
    if value < 0:
        raise PaymentError(_("Indiquez le montant à rembourser en positif."))
    if locked.state != SUCCEEDED or locked.amount <= 0 or locked.refund_of_id is not None:
        raise PaymentError(_("Seul un paiement reçu peut être remboursé."))
    refunded = payment_refunded(locked)
    refundable = payment_refundable(locked, refunded)
    if value > refundable:
        raise PaymentError(
            _(
                "Vous ne pouvez pas rembourser plus que ce qui a été reçu : %(amount)s reçus, %(refunded)s "
                "déjà remboursés, %(left)s au plus."
            )
            % {
                "amount": money.format_eur(locked.amount),
                "refunded": money.format_eur(refunded),
                "left": money.format_eur(refundable),
            }
        )
    if locked.order is not None:
        # Never more than the order still holds (other refunds may have gone without this payment).
        held = order_paid(locked.order) - _refunds_under_way(locked.order)
        if value > held:
            raise PaymentError(
                _("Vous ne pouvez pas rembourser plus que ce que la commande a reçu : %(left)s au plus.")
                % {"left": money.format_eur(max(held, money.ZERO))}
            )
    note = (note or "").strip()
    if to == REFUND_TO_CARD:
        refund_card = _card_refunder()
        if locked.kind != PaymentMethod.Kind.CARD or not locked.reference:
            raise PaymentError(
                _("Seul un paiement fait par carte en ligne peut être remboursé sur la carte.")
            )
        if refund_card is None:
            raise PaymentError(
                _("Le remboursement sur la carte n'est pas disponible : choisissez un autre moyen.")
            )
        return refund_card(locked, value, user=user, note=note, idempotency_key=key)
    if to == REFUND_TO_CREDIT:
        customer = locked.customer or (locked.order.customer if locked.order is not None else None)
        if customer is None:
            raise PaymentError(_("Ce paiement n'a pas de client connu : remboursez-le autrement."))
        refund = payment_record(
            seller=locked.seller,
            kind=PaymentMethod.Kind.CREDIT,
            amount=-value,
            order=locked.order,
            customer=customer,
            note=note,
            idempotency_key=key,
            refund_of=locked,
            user=user,
        )
        label = (
            _("Remboursement de la commande %(number)s") % {"number": locked.order.number}
            if locked.order
            else ""
        )
        ledger.account_post(
            customer=customer,
            kind="refund",
            amount=value,
            order=locked.order,
            payment=refund,
            note=note or label,
            user=user,
        )
        return refund
    if to in REFUND_OFFLINE:
        return payment_record(
            seller=locked.seller,
            kind=to,
            amount=-value,
            order=locked.order,
            customer=locked.customer,
            note=note,
            idempotency_key=key,
            refund_of=locked,
            user=user,
        )
    raise PaymentError(
        _("Choisissez comment rembourser : compte client, espèces, chèque, virement ou carte.")
    )
