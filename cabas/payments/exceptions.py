"""Domain errors of payments, each with a French message for the user."""

from cabas.errors import DomainError


class PaymentError(DomainError):
    """Base of the payment errors."""


class PaymentMethodError(PaymentError):
    """A payment method that cannot be saved."""
