"""What the chosen payment method does when an order is placed, edited or cancelled, inside the
transaction that changes the order (the "placed", "edited" and "cancelled" handlers payments
registers in cabas.orders.registry, see cabas/payments/order_hooks.py).

`order_payment_prepare` returns the status the order takes: "placed" for the methods paid later or
on the spot (cash, cheque, transfer, SEPA: the order is placed unpaid), or "awaiting" when the
customer must still pay online (the stock stays reserved meanwhile). A method may also raise a
domain error (e.g. a balance too low), which cancels the whole placing.

What a kind does is registered here with `register_payment_kind(kind, prepare=..., settle=...,
fixed=...)`: payments registers its own kinds below; an app above payments registers its kind from
its `AppConfig.ready()` (solidarity: the allowance kind, cabas/solidarity/order_hooks.py).

- `prepare(*, order, method, user)` returns the status the order takes when it is placed;
- `settle(*, order, user)` brings what the payment took in line with the order just edited or
  cancelled;
- `fixed`: a payment fixed once made (a card charge, an allowance spent at this seller): such an
  order is cancelled — and refunded — rather than edited.
"""

from collections.abc import Callable

from cabas.orders.models import Order
from cabas.payments.accounts.services import order_credit_settle, order_pay_by_credit
from cabas.payments.card.checkout import card_prepare
from cabas.payments.models import PaymentMethod
from cabas.payments.references import order_reference

# One entry per kind that does something at placing time; the others simply place the order.
HANDLERS: dict[str, Callable[..., str]] = {}
# One entry per kind whose payment follows an edit or a cancel of the order.
SETTLERS: dict[str, Callable[..., None]] = {}
# The kinds whose payment cannot follow an edit of the order.
FIXED: set[str] = set()


def register_payment_kind(
    kind: str,
    *,
    prepare: Callable[..., str] | None = None,
    settle: Callable[..., None] | None = None,
    fixed: bool = False,
) -> None:
    """Say what payment kind `kind` does when an order is placed (`prepare`), edited or cancelled
    (`settle`), and whether its payment is `fixed` once made. A kind is registered once."""
    if kind not in PaymentMethod.Kind.values:
        raise ValueError(f"Unknown payment kind {kind!r}.")
    if kind in HANDLERS or kind in SETTLERS or kind in FIXED:
        raise ValueError(f"Payment kind {kind!r} is already registered.")
    if prepare is not None:
        HANDLERS[kind] = prepare
    if settle is not None:
        SETTLERS[kind] = settle
    if fixed:
        FIXED.add(kind)


def order_payment_prepare(*, order: Order, method: PaymentMethod | None, user=None) -> str:
    """Prepare `order` (numbered, totals computed, not yet saved) for payment by `method`; returns
    the status it takes."""
    handler = HANDLERS.get(method.kind) if method is not None else None
    return handler(order=order, method=method, user=user) if handler else Order.Status.PLACED


def payment_fixed(order: Order) -> bool:
    """Whether `order`'s payment cannot follow an edit of the order."""
    return order.payment_method_id is not None and order.payment_method.kind in FIXED


def order_payment_settle(*, order: Order, user=None) -> None:
    """Bring what `order`'s payment took in line with the order just edited or cancelled."""
    method = order.payment_method if order.payment_method_id else None
    settle = SETTLERS.get(method.kind) if method is not None else None
    if settle is not None:
        settle(order=order, user=user)


# --- payments' own kinds --------------------------------------------------------------------------


def _transfer(*, order: Order, method: PaymentMethod, user) -> str:
    order.payment_reference = order_reference(order.number)
    return Order.Status.PLACED


def _credit(*, order: Order, method: PaymentMethod, user) -> str:
    return order_pay_by_credit(order=order, method=method, user=user)


def _card(*, order: Order, method: PaymentMethod, user) -> str:
    return card_prepare(order=order, method=method, user=user)


def _credit_settle(*, order: Order, user) -> None:
    order_credit_settle(order=order, user=user)  # the difference, or all of it back on cancel


register_payment_kind(PaymentMethod.Kind.TRANSFER, prepare=_transfer)
register_payment_kind(PaymentMethod.Kind.CREDIT, prepare=_credit, settle=_credit_settle)
# Card payments of cancelled orders are refunded by the periodic `payments_reconcile` (the provider
# is not called inside the transaction).
register_payment_kind(PaymentMethod.Kind.CARD, prepare=_card, fixed=True)
