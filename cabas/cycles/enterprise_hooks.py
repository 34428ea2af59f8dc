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
from django.utils.translation import ngettext

from cabas.cycles import services, services_approval
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
    """The to-do items about cycles, each gone once done: prices waiting for this member's answer
    (as a producer, a referent or the coordinator), a coordinator's cycle whose prices are still to
    submit or still discussed by others, « Ouvrez un cycle » for a seller's managers while it has
    no cycle open or upcoming."""
    items, answering = [], set()
    for cycle in services_approval.cycles_awaiting_decision(enterprise, role)[:AWAITING_SHOWN]:
        answering.add(cycle.pk)
        if cycle.coordinator_id == enterprise.pk and role.at_least(Role.Level.MANAGER):
            url = reverse("cycles:prices", args=[enterprise.slug, cycle.uuid])
        else:
            url = reverse("cycles:approval", args=[enterprise.slug, cycle.uuid])
        label = ngettext(
            "Prix à décider : « %(cycle)s » attend votre réponse sur %(count)d prix",
            "Prix à décider : « %(cycle)s » attend votre réponse sur %(count)d prix",
            cycle.waiting_lines,
        ) % {"cycle": cycle.name, "count": cycle.waiting_lines}
        items.append({"label": label, "url": url})
    manager = role.at_least(Role.Level.MANAGER)
    if manager and services.approval_required(enterprise):
        for cycle in _coordinated_undecided(enterprise):
            url = reverse("cycles:prices", args=[enterprise.slug, cycle.uuid])
            if cycle.approval == OrderCycle.Approval.DRAFT:
                label = _("Soumettez les prix du cycle « %(cycle)s » pour qu'il puisse ouvrir")
                items.append({"label": label % {"cycle": cycle.name}, "url": url})
            elif cycle.pk not in answering:
                label = _("Prix en discussion : « %(cycle)s » attend l'accord des autres parties")
                items.append({"label": label % {"cycle": cycle.name}, "url": url})
    if manager and enterprise.sells != Sells.NONE and not _has_coming_cycle(enterprise):
        items.append({"label": _("Ouvrez un cycle"), "url": reverse("cycles:new", args=[enterprise.slug])})
    return items


def _coordinated_undecided(enterprise: Enterprise) -> list[OrderCycle]:
    """The coordinator's cycles still to close whose prices are in preparation or discussed."""
    return list(
        OrderCycle.objects.filter(
            coordinator=enterprise,
            closes_at__gt=timezone.now(),
            approval__in=[OrderCycle.Approval.DRAFT, OrderCycle.Approval.SUBMITTED],
        ).order_by("opens_at", "id")[:AWAITING_SHOWN]
    )


def register() -> None:
    """Hook cycles into the public enterprise page (called once, from CyclesConfig.ready())."""
    registry.register_public_page_section(
        shop_section, annotations={"sells_in_open_cycle": sells_in_open_cycle}
    )
    registry.register_featured_shop_condition(sells_in_coming_cycle)
    registry.register_dashboard_items(dashboard_items)
