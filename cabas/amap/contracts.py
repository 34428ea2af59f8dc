"""Contracts: created for an AMAP, a producer and a season, with the distributions they deliver at,
their products at a price per distribution, and their solidarity tiers."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from cabas.amap.exceptions import AmapError
from cabas.amap.models import Contract, ContractProduct, Delivery, Distribution, PriceTier
from cabas.catalogue.models import Variant

CONTRACT_FIELDS = (
    "name",
    "season",
    "kind",
    "description",
    "terms",
    "signup_opens_on",
    "signup_closes_on",
    "capacity",
    "main_contract",
    "referent",
    "order_closes_days_before",
    "minimum_per_distribution",
    "minimum_per_season",
    "absence_quota",
    "absence_deadline_days",
    "absence_policy",
    "payee",
    "max_instalments",
    "sepa_offered",
    "solidarity_donation",
    "published",
)


def _check(amap, producer, data: dict, distributions) -> None:
    if not producer.is_producer:
        raise AmapError(_("Choisissez un producteur."), field="producer")
    if data["signup_closes_on"] < data["signup_opens_on"]:
        raise AmapError(_("La fin des inscriptions doit suivre leur ouverture."), field="signup_closes_on")
    if not 1 <= int(data.get("max_instalments") or 1) <= 12:
        raise AmapError(_("Entre 1 et 12 versements."), field="max_instalments")
    if any(d.amap_id != amap.pk or d.cancelled_at is not None for d in distributions):
        raise AmapError(_("Choisissez des distributions de l'AMAP."), field="distributions")
    if not distributions:
        raise AmapError(_("Choisissez au moins une distribution."), field="distributions")
    main = data.get("main_contract")
    if main is not None and main.amap_id != amap.pk:
        raise AmapError(_("Le contrat principal doit être un contrat de l'AMAP."), field="main_contract")


def contract_create(*, amap, producer, data: dict, distributions: list[Distribution]) -> Contract:
    """A new contract delivering at `distributions` (`data`: the fields of CONTRACT_FIELDS)."""
    _check(amap, producer, data, distributions)
    with transaction.atomic():
        contract = Contract.objects.create(
            amap=amap, producer=producer, **{k: v for k, v in data.items() if k in CONTRACT_FIELDS}
        )
        Delivery.objects.bulk_create(Delivery(contract=contract, distribution=d) for d in distributions)
    return contract


def contract_update(*, contract: Contract, data: dict) -> Contract:
    """Change a contract's terms (not its producer nor its distributions)."""
    merged = {k: getattr(contract, k) for k in CONTRACT_FIELDS} | data
    _check(
        contract.amap,
        contract.producer,
        merged,
        [d.distribution for d in contract.deliveries.all()] or [None],
    )
    for key, value in data.items():
        if key in CONTRACT_FIELDS:
            setattr(contract, key, value)
    contract.save()
    return contract


def contract_deliveries_add(*, contract: Contract, distributions: list[Distribution]) -> list[Delivery]:
    """Add distributions to a contract (the subscriptions already there get no basket for them)."""
    have = set(contract.deliveries.values_list("distribution_id", flat=True))
    return Delivery.objects.bulk_create(
        Delivery(contract=contract, distribution=d)
        for d in distributions
        if d.pk not in have and d.amap_id == contract.amap_id
    )


def contract_product_set(
    *, contract: Contract, variant: Variant, price: Decimal, quantity: int = 1, max_quantity: int = 20
) -> ContractProduct:
    """Add a product of the contract's producer, or change its price and quantities."""
    if variant.product.producer_id != contract.producer_id:
        raise AmapError(_("Choisissez un produit du producteur du contrat."), field="variant")
    if price is None or price <= 0:
        raise AmapError(_("Indiquez un prix par distribution supérieur à zéro."), field="price")
    if contract.subscriptions.exists():
        existing = contract.products.filter(variant=variant).first()
        if existing is None or existing.price != price:
            raise AmapError(
                _("Des adhérents ont souscrit : les prix et produits du contrat ne changent plus.")
            )
    product, _created = ContractProduct.objects.update_or_create(
        contract=contract,
        variant=variant,
        defaults={"price": price, "quantity": quantity, "max_quantity": max_quantity},
    )
    return product


def contract_tier_set(*, contract: Contract, name: str, percent: int) -> PriceTier:
    name = " ".join((name or "").split())
    if not name:
        raise AmapError(_("Nommez le tarif."), field="name")
    if not 10 <= percent <= 300:
        raise AmapError(_("Un tarif va de 10 % à 300 % du prix."), field="percent")
    tier, _created = PriceTier.objects.update_or_create(
        contract=contract, name=name, defaults={"percent": percent}
    )
    return tier
