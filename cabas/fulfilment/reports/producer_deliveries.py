"""The producer's report: what it brings to each distribution of the hubs, AMAPs and shops it
supplies — `filters.enterprise` is the PRODUCER here, not the seller (one query)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cabas.fulfilment.producer import item_groups, point_name
from cabas.fulfilment.reports.base import (
    DATE,
    INT,
    MONEY,
    REPORTED,
    Column,
    Filters,
    Report,
    orders_for,
    register,
)
from cabas.orders.models import Line, Order

CHUNK = 2000


def producer_reported_lines(filters: Filters) -> QuerySet:
    """The lines of `filters.enterprise` as a producer in the reported orders of every seller, with
    the common filters applied by `orders_for` (its seller lookup left out). A queryset."""
    lookups = orders_for(filters, "order__")
    del lookups["order__seller"]
    return Line.objects.filter(producer=filters.enterprise, **lookups)


@register
class ProducerDeliveries(Report):
    name = "producer-deliveries"
    title = _("Ce que j'apporte")
    group = "orders"
    description = _(
        "Pour un producteur : la quantité de chacun de ses produits à apporter à chaque distribution "
        "des points de vente qu'il fournit, par point de retrait ou de livraison."
    )
    filters = ("from", "to", "cycle", "distribution_date", "shipping_method")

    def offered_to(self, enterprise) -> bool:
        return enterprise.is_producer

    def scope(self, enterprise) -> QuerySet:
        """The reported orders, of any seller, holding the producer's products."""
        return Order.objects.filter(
            pk__in=Line.objects.filter(producer=enterprise, order__status__in=REPORTED).values("order_id")
        )

    columns = (
        Column("distributor", _("Point de vente")),
        Column("cycle", _("Cycle")),
        Column("distribution_date", _("Date de distribution"), DATE),
        Column("pickup_point", _("Retrait ou livraison")),
        Column("product", _("Produit")),
        Column("variant", _("Variante")),
        Column("size", _("Conditionnement")),
        Column("quantity", _("Quantité"), INT, total=True),
        Column("amount", _("Montant TTC"), MONEY, total=True),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        for group in item_groups(producer_reported_lines(filters)).iterator(chunk_size=CHUNK):
            yield {
                "distributor": group["distributor"],
                "cycle": group["cycle_label"] or "",
                "distribution_date": group["day"],
                "pickup_point": point_name(
                    group["order__shipping_method__kind"], group["order__shipping_method__name"]
                ),
                "product": group["product_name"],
                "variant": group["variant_name"],
                "size": group["size"],
                "quantity": group["quantity"],
                "amount": group["amount"],
            }
