"""Domain errors of order cycles, fees and shipping, each with a French message for the user."""

from cabas.errors import DomainError


class CycleError(DomainError):
    """A change to an order cycle that cannot be made (bad dates, orders exist, not allowed...)."""


class ApprovalError(CycleError):
    """A step of the co-decision of a cycle's prices that cannot be taken."""
