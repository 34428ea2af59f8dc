"""Payments of orders and customer accounts: record one (by hand, from a bank line, from a provider),
change its state, and derive what an order has received.

A payment is never deleted: a mistake is cancelled (if pending) or compensated by a refund.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Round
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.lib import money
from cabas.orders.models import Customer, Order
from cabas.payments.exceptions import PaymentError
from cabas.payments.goodwill import goodwill_record, order_lock
from cabas.payments.models import Payment, PaymentMethod, PaymentState, payment_state

SUCCEEDED = Payment.State.SUCCEEDED


def _clean_amount(amount) -> Decimal:
    try:
        value = money.round_money(Decimal(str(amount).replace(",", ".").replace("\u00a0", "").strip()))
    except (ArithmeticError, ValueError):
        raise PaymentError(_("Montant invalide : indiquez un nombre, par exemple 12,50."))
    if value == 0:
        raise PaymentError(_("Le montant ne peut pas être nul."))
    if abs(value) >= Decimal("1e9"):
        raise PaymentError(_("Montant trop élevé."))
    return value


@transaction.atomic
def payment_record(
    *,
    seller,
    kind: str,
    amount,
    order: Order | None = None,
    customer: Customer | None = None,
    method: PaymentMethod | None = None,
    state: str = SUCCEEDED,
    received_on: date | None = None,
    cheque_number: str = "",
    note: str = "",
    reference: str = "",
    idempotency_key: str = "",
    refund_of: Payment | None = None,
    user=None,
) -> Payment:
    """Record a payment received by `seller` (negative `amount`: money given back) for `order` or,
    without an order, for the account of `customer`. With an `idempotency_key` already used by
    this seller, returns the payment recorded the first time. Raises PaymentError (French message)
    on bad input; nothing is written then."""
    if kind not in PaymentMethod.Kind.values:
        raise PaymentError(_("Moyen de paiement inconnu."))
    if method is not None and (method.enterprise_id != seller.pk or method.kind != kind):
        raise PaymentError(_("Ce moyen de paiement n'est pas celui de ce vendeur."))
    if order is not None and order.seller_id != seller.pk:
        raise PaymentError(_("Cette commande n'est pas une commande de ce vendeur."))
    if order is not None and order.status == Order.Status.CART:
        raise PaymentError(_("Un panier ne se paie pas : la commande doit d'abord être passée."))
    if customer is not None and customer.enterprise_id != seller.pk:
        raise PaymentError(_("Ce client n'est pas un client de ce vendeur."))
    if order is None and customer is None:
        raise PaymentError(_("Un paiement concerne une commande ou le compte d'un client."))
    value = _clean_amount(amount)
    if idempotency_key:
        existing = Payment.objects.filter(seller=seller, idempotency_key=idempotency_key[:80]).first()
        if existing is not None:
            return existing
    payment = Payment.objects.create(
        seller=seller,
        order=order,
        customer=customer if customer is not None else (order.customer if order else None),
        method=method,
        kind=kind,
        amount=value,
        state=state,
        received_on=received_on or timezone.localdate(),
        cheque_number=(cheque_number or "").strip()[:30],
        note=(note or "").strip()[:200],
        reference=(reference or "")[:120],
        idempotency_key=(idempotency_key or "")[:80],
        refund_of=refund_of,
        recorded_by=user,
    )
    if refund_of is not None:
        # A refund never makes the customer owe: what the order did not owe back is a goodwill
        # reduction of the order (for a pending card refund: once Stripe confirms it).
        goodwill_record(refund=payment)
    return payment


@transaction.atomic
def payment_set_state(*, payment: Payment, state: str) -> Payment:
    """Move `payment` (locked) to `state` along Payment.TRANSITIONS; the same state again is a
    no-op (a provider may confirm twice). Raises PaymentError on a forbidden transition."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.state != state:
        try:
            locked.transition(state)
        except ValueError:
            raise PaymentError(
                _("Ce paiement est déjà « %(state)s ».") % {"state": locked.get_state_display()}
            )
        locked.save(update_fields=["state", "updated_at"])
    return locked


def order_paid(order: Order) -> Decimal:
    """What `order` has received: Σ succeeded payments (refunds are negative)."""
    paid = order.payments.filter(state=SUCCEEDED).aggregate(s=Sum("amount"))["s"]
    # Rounded: SQLite sums decimals as floats.
    return money.round_money(paid) if paid is not None else money.ZERO


def order_payment_state(order: Order, paid: Decimal | None = None) -> PaymentState:
    """unpaid / partial / paid / overpaid, from what `order` owes (`order_owed`: its total, nothing
    once cancelled) and what it received: the same as what is left to pay or to give back. A
    cancelled order that received something is overpaid (to give back); one that received nothing
    stays unpaid."""
    paid = order_paid(order) if paid is None else paid
    if order.status == Order.Status.CANCELLED:
        return PaymentState.OVERPAID if paid > 0 else PaymentState.UNPAID
    return payment_state(order.total, paid)


def with_paid(orders):
    """`orders` annotated with `paid` (Σ succeeded payments), in the same query."""
    paid = (
        Payment.objects.filter(order=OuterRef("pk"), state=SUCCEEDED)
        .values("order")
        .annotate(s=Round(Sum("amount"), 2))  # SQLite sums decimals as floats: back to cents
        .values("s")
    )
    field = DecimalField(max_digits=12, decimal_places=2)
    paid = Coalesce(Subquery(paid, output_field=field), Value(money.ZERO), output_field=field)
    return orders.annotate(paid=paid)


def filter_by_payment_state(orders, state: str):
    """`orders` (annotated by `with_paid`) in payment `state`, as `order_payment_state` says."""
    cancelled = Q(status=Order.Status.CANCELLED)
    conditions = {
        PaymentState.UNPAID: (~cancelled & Q(paid__lte=0, total__gt=0)) | (cancelled & Q(paid__lte=0)),
        PaymentState.PARTIAL: ~cancelled & Q(paid__gt=0, paid__lt=F("total")),
        PaymentState.PAID: ~cancelled & Q(paid=F("total")),
        PaymentState.OVERPAID: (~cancelled & Q(paid__gt=F("total"))) | (cancelled & Q(paid__gt=0)),
    }
    return orders.filter(conditions[PaymentState(state)])


# --- refunds -------------------------------------------------------------------------------------

# Where a refund goes: back to the customer's account (credit), or given back outside the site.
REFUND_TO_CREDIT = "credit"
REFUND_TO_CARD = "card"
REFUND_OFFLINE = (PaymentMethod.Kind.CASH, PaymentMethod.Kind.CHEQUE, PaymentMethod.Kind.TRANSFER)
# Refunds that count against what a payment can still give back (a card refund may be pending).
_REFUND_COUNTS = (Payment.State.PENDING, SUCCEEDED)


def _refunds_under_way(order: Order) -> Decimal:
    """What pending refunds of `order` (card refunds Stripe has not confirmed) will give back."""
    pending = order.payments.filter(state=Payment.State.PENDING, amount__lt=0).aggregate(s=Sum("amount"))["s"]
    return -money.round_money(pending) if pending is not None else money.ZERO


def payment_refunded(payment: Payment) -> Decimal:
    """What was already given back on `payment` (pending card refunds included), as a positive sum."""
    total = payment.refunds.filter(state__in=_REFUND_COUNTS).aggregate(s=Sum("amount"))["s"]
    return -money.round_money(total) if total is not None else money.ZERO


def payment_refundable(payment: Payment, refunded: Decimal | None = None) -> Decimal:
    """What can still be given back on `payment`: 0 unless it is a received (succeeded, positive)
    payment, otherwise its amount minus what was already refunded."""
    if payment.state != SUCCEEDED or payment.amount <= 0 or payment.refund_of_id is not None:
        return money.ZERO
    refunded = payment_refunded(payment) if refunded is None else refunded
    return max(payment.amount - refunded, money.ZERO)


def card_refunds_available() -> bool:
    """Whether card refunds can be made (the card module provides `refund_card`)."""
    return _card_refunder() is not None


def _card_refunder():
    try:
        from cabas.payments import card
    except ImportError:
        return None
    return getattr(card, "refund_card", None)


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
    "card" (through `cabas.payments.card.refund_card(payment, amount)`, which refunds on the seller's
    Stripe account and records the negative payment). Returns the refund (a negative Payment).

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
    value = _clean_amount(amount)
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
        from cabas.payments.ledger import account_post

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
        account_post(
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
