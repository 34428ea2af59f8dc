"""Reports for the coordinator of cycles: what each producer sold at each distributor (points of
sale, usually other hubs) and what each distributor made, over the cycles `filters.enterprise`
coordinates. The orders are those of every distributor of these cycles, placed or collected, with
the common filters applied as `base.orders_for` applies them (its seller lookup replaced by the
cycle's coordinator). One query each (two for the revenue by hub)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from cabas.fulfilment.reports.base import INT, MONEY, REPORTED, Column, Filters, Report, orders_for, register
from cabas.lib import money
from cabas.orders.models import Line, Order

COORDINATION_FILTERS = ("from", "to", "cycle", "distribution_date", "producer")
CHUNK = 2000

PRODUCER = Column("producer", _("Producteur"))
DISTRIBUTOR = Column("distributor", _("Point de vente"))
QUANTITY = Column("quantity", _("Quantité"), INT, total=True)
AMOUNT = Column("amount", _("Montant"), MONEY, total=True)


def coordinated_orders_for(filters: Filters, prefix: str = "") -> dict:
    """The lookups of `base.orders_for` with its seller replaced: the reported orders of every
    distributor in the cycles `filters.enterprise` coordinates."""
    lookups = orders_for(filters, prefix)
    del lookups[f"{prefix}seller"]
    lookups[f"{prefix}cycle__coordinator"] = filters.enterprise
    return lookups


def coordinated_scope(enterprise) -> QuerySet:
    """The reported orders of every distributor in the cycles `enterprise` coordinates."""
    return Order.objects.filter(cycle__coordinator=enterprise, status__in=REPORTED)


class Coordinated(Report):
    """A report over the cycles the enterprise coordinates: its filters offer those cycles'
    producers and methods."""

    def scope(self, enterprise) -> QuerySet:
        return coordinated_scope(enterprise)


def coordinated_orders(filters: Filters) -> QuerySet:
    return Order.objects.filter(**coordinated_orders_for(filters))


def coordinated_lines(filters: Filters) -> QuerySet:
    """The lines of the coordinated orders, only `filters.producer`'s when set (a queryset)."""
    lines = Line.objects.filter(**coordinated_orders_for(filters, "order__"))
    if filters.producer:
        lines = lines.filter(producer=filters.producer)
    return lines


def _pairs(filters: Filters, first: str, second: str) -> Iterator[dict]:
    """Quantity and amount of the coordinated lines per (producer, distributor) pair, grouped and
    ordered by `first` then `second` (each "producer" or "distributor"). One query."""
    fields = {
        "producer": ("producer__name", "producer_id"),
        "distributor": ("order__seller__name", "order__seller_id"),
    }
    group_by = (*fields[first], *fields[second])
    groups = (
        coordinated_lines(filters)
        .order_by()
        .values(*group_by)
        .annotate(quantity=Sum("quantity"), amount=Sum("total"))
        .order_by(*group_by)
    )
    for group in groups.iterator(chunk_size=CHUNK):
        yield {
            "producer": group["producer__name"],
            "distributor": group["order__seller__name"],
            "quantity": group["quantity"],
            "amount": group["amount"],
        }


@register
class SupplierByDistributor(Coordinated):
    name = "supplier-by-distributor"
    title = _("Producteurs par point de vente")
    group = "orders"
    description = _(
        "Pour chaque producteur des cycles que vous coordonnez, ce qu'il a vendu dans chaque point de vente."
    )
    filters = COORDINATION_FILTERS
    columns = (PRODUCER, DISTRIBUTOR, QUANTITY, AMOUNT)

    def rows(self, filters: Filters) -> Iterator[dict]:
        return _pairs(filters, "producer", "distributor")


@register
class DistributorBySupplier(Coordinated):
    name = "distributor-by-supplier"
    title = _("Points de vente par producteur")
    group = "orders"
    description = _(
        "Pour chaque point de vente des cycles que vous coordonnez, ce qu'y a vendu chaque producteur."
    )
    filters = COORDINATION_FILTERS
    columns = (DISTRIBUTOR, PRODUCER, QUANTITY, AMOUNT)

    def rows(self, filters: Filters) -> Iterator[dict]:
        return _pairs(filters, "distributor", "producer")


@register
class RevenueByHub(Coordinated):
    name = "revenue-by-hub"
    title = _("Chiffre d'affaires par point de vente")
    group = "orders"
    description = _(
        "Les commandes, articles, frais et le total de chaque point de vente des cycles que vous coordonnez."
    )
    filters = ("from", "to", "cycle", "distribution_date")
    columns = (
        DISTRIBUTOR,
        Column("orders", _("Commandes"), INT, total=True),
        Column("items", _("Articles"), INT, total=True),
        Column("items_total", _("Produits"), MONEY, total=True),
        Column("fees", _("Frais"), MONEY, total=True),
        Column("total", _("Total"), MONEY, total=True),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        """One row per distributor with reported orders, by name. Two queries: the orders' sums,
        the lines' quantities (summed apart, so that an order's total is counted once)."""
        filters = dataclasses.replace(filters, producer=None)  # every producer's lines
        items = dict(
            coordinated_lines(filters)
            .order_by()
            .values("order__seller_id")
            .annotate(items=Sum("quantity"))
            .values_list("order__seller_id", "items")
        )
        groups = (
            coordinated_orders(filters)
            .order_by()
            .values("seller__name", "seller_id")
            .annotate(
                n_orders=Count("pk"),
                items_total=Sum("items_total"),
                fees=Sum("fees_total"),
                total=Sum("total"),
            )
            .order_by("seller__name", "seller_id")
        )
        for group in groups:
            yield {
                "distributor": group["seller__name"],
                "orders": group["n_orders"],
                "items": items.get(group["seller_id"], 0),
                "items_total": group["items_total"] or money.ZERO,
                "fees": group["fees"] or money.ZERO,
                "total": group["total"] or money.ZERO,
            }
