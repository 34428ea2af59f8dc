"""What solidarity adds to orders and payments, registered in SolidarityConfig.ready().

- In cabas.orders.registry, a price reducer: the solidarity prices a tagged customer gets, as
  negative fee lines (cabas/solidarity/services_prices.py).
- In cabas.payments.checkout, the allowance payment kind: placing an order debits the member's
  allowance, cancelling it gives the allowance back, and such an order is cancelled rather than
  edited (cabas/solidarity/services_allowances.py).
"""

from cabas.orders import registry
from cabas.orders.models import Order
from cabas.payments import checkout
from cabas.payments.models import PaymentMethod
from cabas.solidarity.services_allowances import allowance_refund, order_pay_by_allowance
from cabas.solidarity.services_prices import solidarity_fee_lines


def _allowance_settle(*, order: Order, user) -> None:
    if order.status == Order.Status.CANCELLED:
        allowance_refund(order=order, user=user)  # back to the member's allowance


def register() -> None:
    registry.register_price_reducer(solidarity_fee_lines)
    checkout.register_payment_kind(
        PaymentMethod.Kind.ALLOWANCE, prepare=order_pay_by_allowance, settle=_allowance_settle, fixed=True
    )
