"""A season contract in one go: its distributions generated from a rhythm (or the AMAP's ones
already on those days at that place), then the contract delivering at them — all or nothing."""

from __future__ import annotations

import datetime

from django.db import transaction

from cabas.amap.contracts import contract_create
from cabas.amap.distributions import distributions_generate
from cabas.amap.models import Contract, Distribution
from cabas.cycles.models import ShippingMethod


def contract_create_from_rhythm(
    *,
    amap,
    producer,
    data: dict,
    place: ShippingMethod,
    rhythm: str,
    first: datetime.date,
    last: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    nth: int | None = None,
    weekday: int | None = None,
) -> tuple[Contract, int]:
    """Create the contract and the distributions of its rhythm; a day that already has a
    distribution at `place` keeps it and the contract delivers there. Returns (contract, number of
    distributions created). Raises DistributionError or AmapError (nothing is created then)."""
    with transaction.atomic():
        created, skipped = distributions_generate(
            amap=amap,
            place=place,
            rhythm=rhythm,
            first=first,
            last=last,
            starts_at=starts_at,
            ends_at=ends_at,
            nth=nth,
            weekday=weekday,
        )
        days = [d.date for d in created] + list(skipped)
        distributions = list(
            Distribution.objects.filter(place=place, date__in=days, cancelled_at=None).order_by("date")
        )
        contract = contract_create(amap=amap, producer=producer, data=data, distributions=distributions)
    return contract, len(created)
