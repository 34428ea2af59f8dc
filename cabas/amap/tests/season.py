"""A season of an AMAP to test with: an AMAP and its pickup point, a market gardener with two basket
sizes, an egg farm, weekly distributions from next week on, and a fixed and a variable contract."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from cabas.amap.contracts import contract_create, contract_product_set
from cabas.amap.distributions import distributions_generate
from cabas.amap.models import AmapSettings, Contract, Distribution, Membership
from cabas.cycles.models import ShippingMethod
from cabas.enterprises.models import ModelPreset, Role, Sells
from cabas.orders.models import Customer
from tests.factories import EnterpriseFactory, ProductFactory, RoleFactory, UserFactory, VariantFactory


@dataclass
class Season:
    amap: object
    place: ShippingMethod
    farm: object
    eggs_farm: object
    distributions: list[Distribution]
    vegetables: Contract
    eggs: Contract
    big: object  # ContractProduct: « Grand panier », 18 €
    small: object  # « Petit panier », 11 €
    dozen: object  # « Douzaine d'œufs », 4.20 €
    half: object  # « Demi-douzaine », 2.30 €
    owner: object


def next_weekday(weekday: int, after: datetime.date | None = None) -> datetime.date:
    day = (after or timezone.localdate()) + datetime.timedelta(days=1)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def member(
    amap, email: str, name: str = "Camille Martin", *, user=True, membership=True, year=None
) -> Customer:
    """An AMAP member (a customer of the AMAP), with an account and this year's membership."""
    first, _sep, last = name.partition(" ")
    account = UserFactory(email=email, full_name=name) if user else None
    customer = Customer.objects.create(
        enterprise=amap, email=email, first_name=first, last_name=last, user=account
    )
    if membership:
        Membership.objects.create(
            amap=amap,
            customer=customer,
            year=year or _season_year(amap),
            amount=Decimal("15.00"),
            paid_at=timezone.now(),
            method="cheque",
        )
    return customer


def _season_year(amap) -> int:
    first = Distribution.objects.filter(amap=amap).order_by("date").values_list("date", flat=True).first()
    return (first or timezone.localdate()).year


def season(*, weeks: int = 10, capacity: int | None = None, published: bool = True) -> Season:
    amap = EnterpriseFactory(
        name="AMAP des Pentes",
        slug="amap-des-pentes",
        model=ModelPreset.AMAP,
        is_producer=False,
        sells=Sells.ANY,
    )
    owner = RoleFactory(enterprise=amap, role=Role.Level.OWNER).user
    AmapSettings.objects.create(
        amap=amap,
        membership_required=True,
        membership_minimum=Decimal("10.00"),
        membership_suggested=Decimal("15.00"),
    )
    place = ShippingMethod.objects.create(
        enterprise=amap, kind="pickup", name="Salle des Canuts", city="Lyon"
    )
    farm = EnterpriseFactory(name="Jardins du Garon", slug="jardins-du-garon")
    eggs_farm = EnterpriseFactory(name="Poules de la Coise", slug="poules-de-la-coise")
    first = next_weekday(1)  # a Tuesday
    distributions, _skipped = distributions_generate(
        amap=amap,
        place=place,
        rhythm="weekly",
        first=first,
        last=first + datetime.timedelta(weeks=weeks - 1),
        starts_at=datetime.time(18, 30),
        ends_at=datetime.time(19, 30),
    )
    today = timezone.localdate()
    common = {
        "season": "Été",
        "signup_opens_on": today - datetime.timedelta(days=10),
        "signup_closes_on": first + datetime.timedelta(weeks=weeks),
        "published": published,
        "absence_quota": 2,
        "absence_deadline_days": 3,
        "max_instalments": 10,
        "payee": "EARL Jardins du Garon",
    }
    vegetables = contract_create(
        amap=amap,
        producer=farm,
        distributions=distributions,
        data={**common, "name": "Légumes", "kind": Contract.Kind.FIXED, "capacity": capacity},
    )
    eggs = contract_create(
        amap=amap,
        producer=eggs_farm,
        distributions=distributions[::2],
        data={
            **common,
            "name": "Œufs",
            "kind": Contract.Kind.VARIABLE,
            "minimum_per_distribution": Decimal("2.00"),
            "minimum_per_season": Decimal("20.00"),
            "order_closes_days_before": 2,
        },
    )
    big = contract_product_set(
        contract=vegetables, variant=_variant(farm, "Panier de légumes", "Grand"), price=Decimal("18.00")
    )
    small = contract_product_set(
        contract=vegetables, variant=_variant(farm, "Panier de légumes", "Petit"), price=Decimal("11.00")
    )
    dozen = contract_product_set(
        contract=eggs,
        variant=_variant(eggs_farm, "Œufs", "Douzaine"),
        price=Decimal("4.20"),
        quantity=1,
        max_quantity=4,
    )
    half = contract_product_set(
        contract=eggs,
        variant=_variant(eggs_farm, "Œufs", "Demi-douzaine"),
        price=Decimal("2.30"),
        quantity=0,
        max_quantity=4,
    )
    return Season(
        amap, place, farm, eggs_farm, distributions, vegetables, eggs, big, small, dozen, half, owner
    )


def _variant(farm, product: str, name: str):
    existing = farm.products.filter(name=product).first()
    return VariantFactory(
        product=existing or ProductFactory(producer=farm, name=product),
        name=name,
        unit="item",
        quantity=Decimal("1"),
        price=Decimal("1.00"),
    )
