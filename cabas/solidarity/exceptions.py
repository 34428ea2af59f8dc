"""Domain errors of solidarity, each with a French message."""

from cabas.errors import DomainError
from cabas.orders.exceptions import OrderError
from cabas.payments.exceptions import PaymentError


class SolidarityError(DomainError):
    """A fund or a solidarity price that cannot be saved."""


class AllowanceRefused(OrderError, PaymentError):
    """An order cannot be paid with a solidarity allowance (no fund, seller not approved, balance
    too low). An OrderError too, so the checkout shows its message and places nothing."""
