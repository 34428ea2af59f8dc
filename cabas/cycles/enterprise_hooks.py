"""What cycles adds to the public enterprise page through cabas.enterprises.registry.

Registered in CyclesConfig.ready(): whether the enterprise has a shop open for orders now,
computed in the enterprise's own query; and which shops the home page features (those selling in
a cycle still to close); and the dashboard's to-do items about cycles: prices waiting for the
member's decision, a seller with no cycle open or upcoming.
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.cycles import services_approval
from cabas.cycles.models import CycleDistributor, OrderCycle
from cabas.enterprises import registry
from cabas.enterprises.models import Enterprise, Role, Sells

AWAITING_SHOWN = 50


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


def _has_coming_cycle(enterprise: Enterprise) -> bool:
    """It coordinates or sells in a cycle open or upcoming."""
    sells_in = CycleDistributor.objects.filter(distributor=enterprise).values("cycle_id")
    return (
        OrderCycle.objects.filter(closes_at__gt=timezone.now())
        .filter(Q(coordinator=enterprise) | Q(pk__in=sells_in))
        .exists()
    )


def dashboard_items(enterprise: Enterprise, role: Role) -> list[dict]:
    """« Des prix attendent votre décision » for a member who may decide on a cycle's submitted
    prices not yet approved by the enterprise; « Ouvrez un cycle » for a seller's managers while it
    has no cycle open or upcoming."""
    items = []
    awaiting = services_approval.cycles_awaiting_decision(enterprise)[:AWAITING_SHOWN]
    if any(services_approval.can_decide(cycle=c, enterprise=enterprise, role=role) for c in awaiting):
        items.append(
            {
                "label": _("Des prix attendent votre décision"),
                "url": reverse("cycles:approvals", args=[enterprise.slug]),
            }
        )
    manager = role.at_least(Role.Level.MANAGER)
    if manager and enterprise.sells != Sells.NONE and not _has_coming_cycle(enterprise):
        items.append({"label": _("Ouvrez un cycle"), "url": reverse("cycles:new", args=[enterprise.slug])})
    return items


def register() -> None:
    """Hook cycles into the public enterprise page (called once, from CyclesConfig.ready())."""
    registry.register_public_page_section(
        shop_section, annotations={"sells_in_open_cycle": sells_in_open_cycle}
    )
    registry.register_featured_shop_condition(sells_in_coming_cycle)
    registry.register_dashboard_items(dashboard_items)
