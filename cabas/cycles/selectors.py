"""Reads of order cycles shared by pages and services: the cycles of a derived status, a
coordinator's cycles as listed, one cycle of a coordinator. Plain functions returning querysets,
Q objects or rows; they write nothing.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from cabas.cycles.models import CycleDistributor, CycleSupplier, CycleVariant, OrderCycle
from cabas.enterprises.models import Enterprise


def status_q(status: str, at=None) -> Q:
    """The cycles with derived `status` ("upcoming", "open", "closed") at `at` (now)."""
    at = at or timezone.now()
    if status == OrderCycle.Status.UPCOMING:
        return Q(opens_at__gt=at)
    if status == OrderCycle.Status.OPEN:
        return Q(opens_at__lte=at, closes_at__gt=at)
    if status == OrderCycle.Status.CLOSED:
        return Q(closes_at__lte=at)
    raise ValueError(status)


def cycles_for_list(coordinator: Enterprise, status: str = "", at=None) -> QuerySet:
    """The coordinator's cycles with their number of suppliers, distributors and variants (three
    correlated counts: the page costs one query whatever the size of the cycles)."""

    def count(model):
        return Coalesce(
            Subquery(
                model.objects.filter(cycle=OuterRef("pk"))
                .order_by()
                .values("cycle")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    cycles = OrderCycle.objects.filter(coordinator=coordinator)
    if status:
        cycles = cycles.filter(status_q(status, at))
    order = ["opens_at", "id"] if status in ("upcoming", "open") else ["-opens_at", "-id"]
    return cycles.annotate(
        supplier_count=count(CycleSupplier),
        distributor_count=count(CycleDistributor),
        variant_count=count(CycleVariant),
    ).order_by(*order)


def cycle_for_coordinator(coordinator: Enterprise, uuid) -> OrderCycle:
    """The cycle `uuid` coordinated by `coordinator`, or Http404."""
    cycle = OrderCycle.objects.filter(coordinator=coordinator, uuid=uuid).first()
    if cycle is None:
        raise Http404
    cycle.coordinator = coordinator
    return cycle
