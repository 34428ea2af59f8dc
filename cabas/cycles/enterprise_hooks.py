"""What cycles adds to the public enterprise page through cabas.enterprises.registry.

Registered in CyclesConfig.ready(): whether the enterprise has a shop open for orders now,
computed in the enterprise's own query; and which shops the home page features (those selling in
a cycle still to close).
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from cabas.cycles.models import CycleDistributor, OrderCycle
from cabas.enterprises import registry
from cabas.enterprises.models import Enterprise, Sells


def sells_in_open_cycle() -> Exists:
    """Annotation: the enterprise sells in a cycle open for orders now (OrderCycle.objects.sellable)."""
    return Exists(
        CycleDistributor.objects.filter(distributor=OuterRef("pk"), cycle__in=OrderCycle.objects.sellable())
    )


def sells_in_coming_cycle() -> Exists:
    """Condition: the enterprise distributes in a cycle open or upcoming (its close is to come)."""
    return Exists(
        CycleDistributor.objects.filter(distributor=OuterRef("pk"), cycle__closes_at__gt=timezone.now())
    )


def shop_section(enterprise: Enterprise) -> dict:
    """`shop_open`: the page links to the shop when a cycle is open and the enterprise sells."""
    return {"shop_open": enterprise.sells_in_open_cycle and enterprise.sells != Sells.NONE}


def register() -> None:
    """Hook cycles into the public enterprise page (called once, from CyclesConfig.ready())."""
    registry.register_public_page_section(
        shop_section, annotations={"sells_in_open_cycle": sells_in_open_cycle}
    )
    registry.register_featured_shop_condition(sells_in_coming_cycle)
