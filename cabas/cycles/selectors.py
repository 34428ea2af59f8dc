"""Reads of the order-cycle pages shared by views and the API: querysets and counts, no writes."""

from django.db.models import QuerySet

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
