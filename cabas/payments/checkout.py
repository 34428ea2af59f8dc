"""What the chosen payment method does when an order is placed, edited or cancelled, inside the
transaction that changes the order.

`order_payment_prepare` returns the status the order takes: "placed" for the methods paid later or
on the spot (cash, cheque, transfer, SEPA: the order is placed unpaid), or "awaiting" when the
customer must still pay online (the stock stays reserved meanwhile). A method may also raise a
domain error (e.g. a balance too low), which cancels the whole placing.
"""

from collections.abc import Callable

from cabas.orders.models import Order
from cabas.payments.models import PaymentMethod
from cabas.payments.references import order_reference


def _transfer(*, order: Order, method: PaymentMethod, user) -> str:
    order.payment_reference = order_reference(order.number)
    return Order.Status.PLACED


def _allowance(*, order: Order, method: PaymentMethod, user) -> str:
    from cabas.solidarity.services_allowances import order_pay_by_allowance

    return order_pay_by_allowance(order=order, method=method, user=user)


def _credit(*, order: Order, method: PaymentMethod, user) -> str:
    from cabas.payments.services_accounts import order_pay_by_credit

    return order_pay_by_credit(order=order, method=method, user=user)


def _card(*, order: Order, method: PaymentMethod, user) -> str:
    from cabas.payments.card import card_prepare

    return card_prepare(order=order, method=method, user=user)


# One entry per kind that does something at placing time; the others simply place the order.
HANDLERS: dict[str, Callable[..., str]] = {
    PaymentMethod.Kind.TRANSFER: _transfer,
    PaymentMethod.Kind.CREDIT: _credit,
    PaymentMethod.Kind.ALLOWANCE: _allowance,
    PaymentMethod.Kind.CARD: _card,
}


def order_payment_prepare(*, order: Order, method: PaymentMethod | None, user=None) -> str:
    """Prepare `order` (numbered, totals computed, not yet saved) for payment by `method`; returns
    the status it takes."""
    handler = HANDLERS.get(method.kind) if method is not None else None
    return handler(order=order, method=method, user=user) if handler else Order.Status.PLACED


# --- after placing: edit and cancel ---------------------------------------------------------------

# Payments fixed once made (a card charge, an allowance spent at this seller): such an order is
# cancelled — and refunded — rather than edited.
FIXED = {PaymentMethod.Kind.CARD, PaymentMethod.Kind.ALLOWANCE}


def payment_fixed(order: Order) -> bool:
    """Whether `order`'s payment cannot follow an edit of the order."""
    return order.payment_method_id is not None and order.payment_method.kind in FIXED


def _credit_settle(*, order: Order, user) -> None:
    from cabas.payments.services_accounts import order_credit_settle

    order_credit_settle(order=order, user=user)  # the difference, or all of it back on cancel


def _allowance_settle(*, order: Order, user) -> None:
    if order.status == Order.Status.CANCELLED:
        from cabas.solidarity.services_allowances import allowance_refund

        allowance_refund(order=order, user=user)  # back to the member's allowance


# Card payments of cancelled orders are refunded by the periodic `payments_reconcile` (the provider
# is not called inside the transaction).
SETTLERS: dict[str, Callable[..., None]] = {
    PaymentMethod.Kind.CREDIT: _credit_settle,
    PaymentMethod.Kind.ALLOWANCE: _allowance_settle,
}


def order_payment_settle(*, order: Order, user=None) -> None:
    """Bring what `order`'s payment took in line with the order just edited or cancelled."""
    method = order.payment_method if order.payment_method_id else None
    settle = SETTLERS.get(method.kind) if method is not None else None
    if settle is not None:
        settle(order=order, user=user)
