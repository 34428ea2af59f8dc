"""Packing reports: what goes in each customer's bag, what each producer brings and how much of
each product is to be sorted out, read from the lines of the reported orders (one query each)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from cabas.fulfilment.reports.base import INT, MONEY, Column, Filters, Report, register, reported_lines

PACKING_FILTERS = ("from", "to", "cycle", "distribution_date", "producer", "shipping_method")
CHUNK = 2000

CUSTOMER = Column("customer", _("Client"))
NUMBER = Column("number", _("Commande"))
SHIPPING_METHOD = Column("shipping_method", _("Retrait ou livraison"))
PRODUCER = Column("producer", _("Producteur"))
PRODUCT = Column("product", _("Produit"))
VARIANT = Column("variant", _("Variante"))
SIZE = Column("size", _("Conditionnement"))
QUANTITY = Column("quantity", _("Quantité"), INT, total=True)
AMOUNT = Column("amount", _("Montant"), MONEY, total=True)

# What a line's row reads, by column key: the order's snapshot and the line's snapshot.
LINE_FIELDS = {
    "customer": "order__full_name",
    "number": "order__number",
    "shipping_method": "order__shipping_method__name",
    "producer": "producer__name",
    "product": "product_name",
    "variant": "variant_name",
    "size": "size",
    "quantity": "quantity",
    "amount": "total",
}


def _line_rows(filters: Filters, keys: tuple[str, ...], order_by: tuple[str, ...]) -> Iterator[dict]:
    """One row per reported line, with the columns `keys` (of LINE_FIELDS), in `order_by` order
    (the line's id last, so that equal rows always come in the same order). One query."""
    fields = [LINE_FIELDS[key] for key in keys]
    lines = reported_lines(filters).order_by(*order_by, "pk").values_list(*fields)
    for values in lines.iterator(chunk_size=CHUNK):
        row = dict(zip(keys, values, strict=True))
        if "shipping_method" in row:
            row["shipping_method"] = row["shipping_method"] or ""
        yield row


@register
class PackingByCustomer(Report):
    name = "packing-by-customer"
    title = _("Colisage par client")
    group = "packing"
    description = _("Ce qui va dans le panier de chaque client, produit par produit.")
    filters = PACKING_FILTERS
    columns = (CUSTOMER, NUMBER, SHIPPING_METHOD, PRODUCER, PRODUCT, VARIANT, SIZE, QUANTITY, AMOUNT)

    def rows(self, filters: Filters) -> Iterator[dict]:
        return _line_rows(
            filters,
            tuple(c.key for c in self.columns),
            ("order__full_name", "order__number", "producer__name", "product_name", "variant_name"),
        )


@register
class PackingBySupplier(Report):
    name = "packing-by-supplier"
    title = _("Colisage par producteur")
    group = "packing"
    description = _("Pour chaque producteur, chaque produit et le client auquel il revient.")
    filters = PACKING_FILTERS
    columns = (PRODUCER, PRODUCT, VARIANT, SIZE, CUSTOMER, NUMBER, QUANTITY)

    def rows(self, filters: Filters) -> Iterator[dict]:
        return _line_rows(
            filters,
            tuple(c.key for c in self.columns),
            ("producer__name", "product_name", "variant_name", "size", "order__full_name", "order__number"),
        )


@register
class PackingByProduct(Report):
    name = "packing-by-product"
    title = _("Colisage par produit")
    group = "packing"
    description = _("La quantité totale de chaque produit à répartir, tous clients confondus.")
    filters = PACKING_FILTERS
    columns = (
        PRODUCER,
        PRODUCT,
        VARIANT,
        SIZE,
        Column("orders", _("Commandes"), INT),
        QUANTITY,
        AMOUNT,
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        """One row per variant as ordered (its names and size as on the lines), summed in the
        database over the reported orders. One query."""
        groups = (
            reported_lines(filters)
            .order_by()
            .values("variant_id", "producer__name", "product_name", "variant_name", "size")
            .annotate(orders=Count("order_id", distinct=True), quantity=Sum("quantity"), amount=Sum("total"))
            .order_by("product_name", "variant_name", "size", "producer__name", "variant_id")
        )
        for group in groups.iterator(chunk_size=CHUNK):
            yield {
                "producer": group["producer__name"],
                "product": group["product_name"],
                "variant": group["variant_name"],
                "size": group["size"],
                "orders": group["orders"],
                "quantity": group["quantity"],
                "amount": group["amount"],
            }
