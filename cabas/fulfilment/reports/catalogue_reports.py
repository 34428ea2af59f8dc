"""Customers and products reports: every customer of the enterprise with what they ordered, and the
products it sold with their current price and stock. A fixed number of queries each."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabas.catalogue.models import Variant
from cabas.catalogue.services_inventory import offers_for
from cabas.fulfilment.reports.base import (
    DATE,
    INT,
    MONEY,
    Column,
    Filters,
    Report,
    orders_for,
    register,
    reported_lines,
)
from cabas.lib import money
from cabas.orders.models import Customer
from cabas.orders.offers import is_hub

CHUNK = 2000
ON_DEMAND = _("à la demande")


@register
class Customers(Report):
    name = "customers"
    title = _("Clients")
    group = "catalogue"
    description = _("Chaque client, ses coordonnées, le nombre de ses commandes et ce qu'il a dépensé.")
    filters = ("from", "to", "cycle", "distribution_date", "shipping_method")
    columns = (
        Column("customer", _("Client")),
        Column("email", _("E-mail")),
        Column("phone", _("Téléphone")),
        Column("tags", _("Étiquettes")),
        Column("orders", _("Commandes"), INT, total=True),
        Column("spent", _("Total dépensé"), MONEY, total=True),
        Column("last_order", _("Dernière commande"), DATE),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        """Every customer the enterprise knows (those without a reported order too, at zero), by
        name; the figures count its reported orders only, with the filters applied. One query."""
        reported = Q(**orders_for(filters, "orders__"))
        customers = (
            Customer.objects.filter(enterprise=filters.enterprise)
            .annotate(
                n_orders=Count("orders", filter=reported),
                spent=Sum("orders__total", filter=reported),
                last_placed_at=Max("orders__placed_at", filter=reported),
            )
            .order_by("last_name", "first_name", "email", "pk")
            .values_list(
                "first_name", "last_name", "email", "phone", "tags", "n_orders", "spent", "last_placed_at"
            )
        )
        for first, last, email, phone, tags, n_orders, spent, last_placed_at in customers.iterator(
            chunk_size=CHUNK
        ):
            yield {
                "customer": " ".join(p for p in (first, last) if p) or email,
                "email": email,
                "phone": phone,
                "tags": ", ".join(str(t) for t in tags or ()),
                "orders": n_orders,
                "spent": spent or money.ZERO,
                "last_order": timezone.localdate(last_placed_at) if last_placed_at else None,
            }


def _stocks(enterprise, variants) -> dict[int, tuple]:
    """(price, on hand, on demand) of the `variants` (a queryset) as the enterprise's shop uses
    them now, by variant id: a hub's own price and stock override the producer's. One query, two
    for a hub (a variant it may no longer sell keeps the producer's figures)."""
    stocks = {
        pk: (price, on_hand, on_demand)
        for pk, price, on_hand, on_demand in variants.values_list("pk", "price", "on_hand", "on_demand")
    }
    if is_hub(enterprise):
        offers = offers_for(enterprise, variants).values_list(
            "pk", "offer_price", "offer_on_hand", "offer_on_demand"
        )
        stocks.update({pk: (price, on_hand, on_demand) for pk, price, on_hand, on_demand in offers})
    return stocks


@register
class ProductsStock(Report):
    name = "products-stock"
    title = _("Produits et stock")
    group = "catalogue"
    description = _("Les produits vendus sur la période, la quantité vendue, le prix et le stock actuels.")
    filters = ("from", "to", "cycle", "distribution_date", "producer")
    columns = (
        Column("producer", _("Producteur")),
        Column("product", _("Produit")),
        Column("variant", _("Variante")),
        Column("size", _("Conditionnement")),
        Column("price", _("Prix actuel"), MONEY),
        Column("stock", _("Stock")),
        Column("sold", _("Quantité vendue"), INT, total=True),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        """One row per variant sold in the reported orders (its names and size as on its lines,
        the last in alphabetical order if they changed), by producer, product and variant; its
        stock as a number, or « à la demande ». Two queries (three for a hub) whatever the size."""
        lines = reported_lines(filters).order_by()
        groups = (
            lines.values("variant_id", "producer__name")
            .annotate(
                product=Max("product_name"),
                variant=Max("variant_name"),
                size=Max("size"),
                sold=Sum("quantity"),
            )
            .order_by("producer__name", "product", "variant", "size", "variant_id")
        )
        stocks = _stocks(filters.enterprise, Variant.objects.filter(pk__in=lines.values("variant_id")))
        on_demand_label = str(ON_DEMAND)
        for group in groups.iterator(chunk_size=CHUNK):
            price, on_hand, on_demand = stocks[group["variant_id"]]
            yield {
                "producer": group["producer__name"],
                "product": group["product"],
                "variant": group["variant"],
                "size": group["size"],
                "price": price,
                "stock": on_demand_label if on_demand else on_hand,
                "sold": group["sold"],
            }
