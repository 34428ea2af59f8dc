"""What the AMAP services refuse, each with a French message for the person who asked."""


class AmapError(Exception):
    """A refused AMAP action; `message` says why in French, `field` names the form field if any."""

    default = ""

    def __init__(self, message: str = "", field: str = ""):
        self.message = str(message or self.default)
        self.field = field
        super().__init__(self.message)


class SubscriptionRefused(AmapError):
    """The member may not subscribe (window closed, membership missing, main contract, twice…)."""


class ContractFull(AmapError):
    """No place left: the member may join the waiting list."""


class AbsenceRefused(AmapError):
    """Too late, in the past, or over the contract's quota."""


class PlanInvalid(AmapError):
    """A payment plan that cannot be: too many instalments, a bad date."""


class DistributionError(AmapError):
    """A distribution that cannot be generated, moved or cancelled as asked."""


class PaymentStateError(AmapError):
    """A cheque or transfer that cannot go to the state asked (e.g. handed over before received)."""
