"""Fees, pickup points and delivery methods of an enterprise: create, edit, withdraw, put back.

Nothing is ever deleted: orders keep snapshots of their fees and refer to their shipping method,
so a fee or a method that is no longer used is deactivated. A change to a fee's amount (or its
withdrawal) changes the prices of the cycles using it: a submitted or approved price list of such
a cycle, not yet closed, goes back to draft so the actors decide again.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.cycles.models import Fee, OrderCycle, ShippingMethod
from cabas.enterprises.models import Enterprise
from cabas.errors import DomainError

PRICE_FIELDS = ("calculator", "amount", "tiers", "tax_rate_id", "active")


class FeeError(DomainError):
    """A fee, a pickup point or a delivery method that cannot be saved."""


@dataclass
class FeeData:
    name: str
    fee_type: str
    calculator: str
    amount: Decimal
    tiers: list
    tax_rate: object = None
    description: str = ""


def is_platform_operator(enterprise: Enterprise) -> bool:
    return enterprise.slug == settings.PLATFORM_ENTERPRISE_SLUG


def fee_type_choices(enterprise: Enterprise) -> list[tuple[str, str]]:
    """The fee types an enterprise may use: "platform" is the platform operator's only."""
    return [
        (value, label)
        for value, label in Fee.Type.choices
        if value != Fee.Type.PLATFORM or is_platform_operator(enterprise)
    ]


def fees_for_list(enterprise: Enterprise):
    """The enterprise's fees, active first, with their tax rate (one query)."""
    return (
        Fee.objects.filter(enterprise=enterprise).select_related("tax_rate").order_by("-active", "name", "id")
    )


def fee_for_enterprise(enterprise: Enterprise, uuid) -> Fee:
    """One fee of the enterprise (Fee.DoesNotExist for another's: the view answers 404)."""
    return Fee.objects.select_related("tax_rate", "enterprise").get(enterprise=enterprise, uuid=uuid)


def cycles_using(fee: Fee):
    """The cycles not yet closed whose prices include `fee`."""
    now = timezone.now()
    if fee.fee_type == Fee.Type.PLATFORM and is_platform_operator(fee.enterprise):
        uses = Q()
    else:
        uses = Q(coordinator_fees=fee) | Q(suppliers__fees=fee) | Q(distributors__fees=fee)
    return OrderCycle.objects.filter(uses, closes_at__gt=now).distinct()


def _reopen_price_decisions(fee: Fee) -> int:
    """Send back to draft the submitted or approved price lists of the cycles using `fee`."""
    decided = (OrderCycle.Approval.SUBMITTED, OrderCycle.Approval.APPROVED)
    pks = list(cycles_using(fee).filter(approval__in=decided).values_list("pk", flat=True))
    return OrderCycle.objects.filter(pk__in=pks).update(
        approval=OrderCycle.Approval.DRAFT, updated_at=timezone.now()
    )


def _check_fee(enterprise: Enterprise, data: FeeData) -> None:
    if data.fee_type not in dict(fee_type_choices(enterprise)):
        raise FeeError(_("Seule la coopérative qui gère la plateforme peut créer des frais de plateforme."))
    if data.calculator not in Fee.Calculator.values:
        raise FeeError(_("Choisissez comment ces frais sont calculés."))
    if data.calculator == Fee.Calculator.TIERED:
        if not data.tiers:
            raise FeeError(_("Indiquez au moins un palier."))
    elif data.amount is None or data.amount <= 0:
        raise FeeError(_("Le montant des frais doit être supérieur à zéro."))
    if data.calculator == Fee.Calculator.PERCENT and data.amount > 100:
        raise FeeError(_("Un pourcentage ne peut pas dépasser 100 %."))


@transaction.atomic
def fee_create(*, enterprise: Enterprise, data: FeeData) -> Fee:
    """Create a fee of `enterprise` (available to add to its cycles)."""
    _check_fee(enterprise, data)
    return Fee.objects.create(
        enterprise=enterprise,
        name=data.name.strip(),
        fee_type=data.fee_type,
        calculator=data.calculator,
        amount=Decimal(0) if data.calculator == Fee.Calculator.TIERED else data.amount,
        tiers=data.tiers if data.calculator == Fee.Calculator.TIERED else [],
        tax_rate=data.tax_rate,
        description=data.description.strip(),
    )


@transaction.atomic
def fee_update(*, fee: Fee, data: FeeData) -> int:
    """Change a fee. Returns how many cycles had their price decision reopened by the change."""
    _check_fee(fee.enterprise, data)
    before = {name: getattr(fee, name) for name in PRICE_FIELDS}
    fee.name = data.name.strip()
    fee.fee_type = data.fee_type
    fee.calculator = data.calculator
    fee.amount = Decimal(0) if data.calculator == Fee.Calculator.TIERED else data.amount
    fee.tiers = data.tiers if data.calculator == Fee.Calculator.TIERED else []
    fee.tax_rate = data.tax_rate
    fee.description = data.description.strip()
    fee.save()
    after = {name: getattr(fee, name) for name in PRICE_FIELDS}
    return _reopen_price_decisions(fee) if before != after else 0


@transaction.atomic
def fee_set_active(*, fee: Fee, active: bool) -> int:
    """Withdraw a fee (no longer charged, even in cycles using it) or put it back. Returns how many
    cycles had their price decision reopened."""
    if fee.active == active:
        return 0
    if active and fee.fee_type not in dict(fee_type_choices(fee.enterprise)):
        raise FeeError(_("Seule la coopérative qui gère la plateforme peut créer des frais de plateforme."))
    fee.active = active
    fee.save(update_fields=["active"])
    return _reopen_price_decisions(fee)


# --- Pickup points and delivery methods ---------------------------------------------------------


SHIPPING_FIELDS = (
    "name",
    "address",
    "postcode",
    "city",
    "weekday",
    "opens_at",
    "closes_at",
    "instructions",
    "postcodes",
    "fee",
    "fee_tax_rate",
    "minimum_order",
    "position",
)


def shipping_methods_for_list(enterprise: Enterprise):
    return (
        ShippingMethod.objects.filter(enterprise=enterprise)
        .select_related("fee_tax_rate")
        .order_by("-active", "kind", "position", "name")
    )


def shipping_method_for_enterprise(enterprise: Enterprise, uuid) -> ShippingMethod:
    return ShippingMethod.objects.select_related("fee_tax_rate").get(enterprise=enterprise, uuid=uuid)


def _check_shipping(kind: str, values: dict) -> None:
    if kind == ShippingMethod.Kind.PICKUP and not values.get("address", "").strip():
        raise FeeError(_("Indiquez l'adresse du point de retrait."))
    if kind == ShippingMethod.Kind.DELIVERY and not values.get("postcodes", "").strip():
        raise FeeError(_("Indiquez au moins un code postal desservi."))
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if opens and closes and closes <= opens:
        raise FeeError(_("L'heure de fin doit être après l'heure de début."))


def _clean_shipping(kind: str, values: dict) -> dict:
    """Keep the fields of the kind: a pickup point has no zone nor fee, a delivery no address."""
    values = {k: v for k, v in values.items() if k in SHIPPING_FIELDS}
    if kind == ShippingMethod.Kind.PICKUP:
        values.update(postcodes="", fee=Decimal(0), fee_tax_rate=None, minimum_order=None)
    else:
        values.update(address="", postcode="", city="")
        values.setdefault("fee", Decimal(0))
        if values["fee"] is None:
            values["fee"] = Decimal(0)
    return values


@transaction.atomic
def shipping_method_create(*, enterprise: Enterprise, kind: str, values: dict) -> ShippingMethod:
    """Create a pickup point or a delivery method of `enterprise`."""
    if kind not in ShippingMethod.Kind.values:
        raise FeeError(_("Choisissez entre un point de retrait et une livraison."))
    _check_shipping(kind, values)
    return ShippingMethod.objects.create(enterprise=enterprise, kind=kind, **_clean_shipping(kind, values))


@transaction.atomic
def shipping_method_update(*, method: ShippingMethod, values: dict) -> ShippingMethod:
    """Change a pickup point or a delivery method (orders already placed keep their snapshot)."""
    _check_shipping(method.kind, values)
    for name, value in _clean_shipping(method.kind, values).items():
        setattr(method, name, value)
    method.save()
    return method


@transaction.atomic
def shipping_method_set_active(*, method: ShippingMethod, active: bool) -> None:
    """Stop offering a pickup point or a delivery method, or offer it again."""
    if method.active != active:
        method.active = active
        method.save(update_fields=["active"])
