"""What the chosen payment method does when an order is placed, inside `order_place`'s transaction.

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
