"""Reads of order cycles shared by pages, the API and services: the cycles of a derived status, a
coordinator's cycles as listed, one cycle of a coordinator, and what a cycle's pages show (counts,
producers, variants, supplier and distributor rows). Querysets, Q objects and rows; no writes.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from cabas.cycles import services
from cabas.cycles.models import CycleDistributor, CycleSupplier, CycleVariant, OrderCycle
from cabas.enterprises.models import Enterprise

# The variant fields the products step of a cycle shows.
VARIANT_PAGE_FIELDS = (
    "id",
    "uuid",
    "name",
    "sku",
    "unit",
    "quantity",
    "unit_name",
    "price",
    "variable_weight",
    "product__id",
    "product__name",
    "product__producer__id",
    "product__producer__name",
    "product__category__id",
    "product__category__name",
    "product__category__name_en",
)


def cycle_counts(cycle: OrderCycle) -> dict[str, int]:
    """How many suppliers, variants and distributors `cycle` has."""
    return {
        "suppliers": CycleSupplier.objects.filter(cycle=cycle).count(),
        "variants": CycleVariant.objects.filter(cycle=cycle).count(),
        "distributors": CycleDistributor.objects.filter(cycle=cycle).count(),
    }


def cycle_producers(cycle: OrderCycle) -> list[Enterprise]:
    """The suppliers of `cycle` by name (id, slug and name only)."""
    return list(
        Enterprise.objects.filter(pk__in=CycleSupplier.objects.filter(cycle=cycle).values("supplier_id"))
        .only("id", "slug", "name")
        .order_by("name")
    )


def cycle_variants_for_page(cycle: OrderCycle, filters) -> QuerySet:
    """The catalogue variants the products step lists for `cycle` with `filters`, by producer and
    product, with only the fields the page shows."""
    return (
        services.cycle_variants(cycle, filters)
        .select_related("product__producer", "product__category")
        .only(*VARIANT_PAGE_FIELDS)
        .order_by("product__producer__name", "product__name", "position", "id")
    )


def cycle_supplier_rows(cycle: OrderCycle) -> list[CycleSupplier]:
    """The suppliers of `cycle` by name, with their enterprise and fees."""
    return list(
        CycleSupplier.objects.filter(cycle=cycle)
        .select_related("supplier")
        .prefetch_related("fees")
        .order_by("supplier__name")
    )


def cycle_distributor_rows(cycle: OrderCycle, *, with_choices: bool = False) -> list[CycleDistributor]:
    """The distributors of `cycle` by name, with their enterprise; `with_choices` also fetches
    their shipping and payment methods and fees."""
    rows = CycleDistributor.objects.filter(cycle=cycle).select_related("distributor")
    if with_choices:
        rows = rows.prefetch_related("shipping_methods", "payment_methods", "fees")
    return list(rows.order_by("distributor__name"))


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
