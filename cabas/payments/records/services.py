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
from cabas.payments.goodwill import goodwill_record
from cabas.payments.models import Payment, PaymentMethod, PaymentState, payment_state
from cabas.payments.records.notify import payment_notify

SUCCEEDED = Payment.State.SUCCEEDED


def clean_amount(amount) -> Decimal:
    """`amount` (a number or a French-typed string) as a rounded non-zero Decimal; raises PaymentError."""
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
    value = clean_amount(amount)
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
    if order is not None:
        payment_notify(payment, paid=order_paid(order))  # the buyer is emailed, after commit
    return payment


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
