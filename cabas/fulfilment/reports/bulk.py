"""Bulk co-op reports: a buying group orders from its suppliers by the case (a 25 kg sack of flour,
a 10 kg crate of apples) and shares the cases out among its members' smaller orders.

A product's case size is `Product.bulk_unit_size`, in the reference unit of its variants (kg, L or
items, `cabas.lib.units.reference_quantity`). What a line orders in that unit is its quantity times
its variant's quantity (for a variable weight, the estimated weight of one piece). The database
sums the lines per variant (or per customer and variant); the conversion to the reference unit is
exact Decimal arithmetic on those sums, a product's variants being consecutive in the rows read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cabas.fulfilment.reports.base import (
    INT,
    MONEY,
    QUANTITY,
    RATE,
    Column,
    Filters,
    Report,
    register,
    reported_lines,
)
from cabas.lib.units import DISPLAY_SYMBOL, REFERENCE, dimension, format_number, reference_quantity

BULK_FILTERS = ("from", "to", "cycle", "distribution_date", "producer", "shipping_method")
CHUNK = 2000
ZERO = Decimal(0)
NO_SIZE = "—"

PRODUCER = Column("producer", _("Producteur"))
PRODUCT = Column("product", _("Produit"))
UNIT = Column("unit", _("Unité"))
BULK_SIZE = Column("bulk_size", _("Colis de gros"))
QUANTITY_ORDERED = Column("quantity", _("Quantité"), INT, total=True)
AMOUNT = Column("amount", _("Montant"), MONEY, total=True)


def unit_label(reference: str) -> str:
    """The reference unit as shown: « kg », « L » or « pièces »."""
    return gettext("pièces") if reference == "item" else DISPLAY_SYMBOL[reference]


def size_text(size: Decimal | None, reference: str) -> str:
    """A case size with its unit (« 10 kg », « 180 pièces »), « — » without one."""
    if size is None:
        return NO_SIZE
    return f"{format_number(size)} {unit_label(reference)}"


def tidy(value: Decimal | None) -> Decimal | None:
    """A quantity without its trailing zeros, never in exponent form (21.000000 -> 21, 0.750 -> 0.75)."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def cases_for(total: Decimal, size: Decimal | None) -> tuple[int | None, Decimal | None]:
    """The cases of `size` to order for `total`, and what is left unallocated in the last one
    (None, None without a case size)."""
    if size is None:
        return None, None
    cases = int((total / size).to_integral_value(rounding=ROUND_CEILING))
    return cases, cases * size - total


@dataclass
class ProductSum:
    """What was ordered of one product in one dimension (weight, volume or items)."""

    producer: str
    product: str
    reference: str  # "kg", "l" or "item"
    size: Decimal | None
    quantity: int = 0
    total: Decimal = ZERO  # in the reference unit
    amount: Decimal = ZERO


def _reference(unit: str) -> str:
    return REFERENCE[dimension(unit)][0]


def _variant_sums(filters: Filters):
    """The reported lines summed per variant, a product's variants together, ordered by producer
    then product (a queryset of dicts, not evaluated)."""
    return (
        reported_lines(filters)
        .order_by()
        .values(
            "variant_id",
            "producer__name",
            "variant__product_id",
            "variant__product__name",
            "variant__product__bulk_unit_size",
            "variant__quantity",
            "variant__unit",
        )
        .annotate(quantity=Sum("quantity"), amount=Sum("total"))
        .order_by("producer__name", "variant__product__name", "variant__product_id", "variant_id")
    )


def product_sums(filters: Filters) -> Iterator[ProductSum]:
    """One ProductSum per product and dimension of its variants ordered, by producer then product.
    One query, read row by row; only the current product's sums are kept."""
    current, sums = None, {}
    for row in _variant_sums(filters).iterator(chunk_size=CHUNK):
        if row["variant__product_id"] != current:
            yield from sums.values()
            current, sums = row["variant__product_id"], {}
        reference = _reference(row["variant__unit"])
        item = sums.get(reference)
        if item is None:
            item = sums[reference] = ProductSum(
                row["producer__name"],
                row["variant__product__name"],
                reference,
                row["variant__product__bulk_unit_size"],
            )
        item.quantity += row["quantity"]
        item.total += row["quantity"] * reference_quantity(row["variant__quantity"], row["variant__unit"])
        item.amount += row["amount"]
    yield from sums.values()


@register
class BulkSupplier(Report):
    name = "bulk-supplier"
    title = _("Achats groupés : par fournisseur")
    group = "bulk"
    description = _(
        "Pour chaque fournisseur et produit, la quantité totale commandée, le nombre de colis de gros "
        "à commander et ce qui reste non attribué dans le dernier colis."
    )
    filters = BULK_FILTERS
    columns = (
        PRODUCER,
        PRODUCT,
        BULK_SIZE,
        QUANTITY_ORDERED,
        Column("total", _("Total commandé"), QUANTITY),
        UNIT,
        Column("cases", _("Colis à commander"), INT),
        Column("unallocated", _("Non attribué"), QUANTITY),
        AMOUNT,
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        for item in product_sums(filters):
            cases, unallocated = cases_for(item.total, item.size)
            yield {
                "producer": item.producer,
                "product": item.product,
                "bulk_size": size_text(item.size, item.reference),
                "quantity": item.quantity,
                "total": tidy(item.total),
                "unit": unit_label(item.reference),
                "cases": cases,
                "unallocated": tidy(unallocated),
                "amount": item.amount,
            }


def _share(quantity: Decimal, size: Decimal | None) -> Decimal | None:
    """`quantity` as a percentage of a case of `size`, to the tenth (None without a size)."""
    if size is None:
        return None
    return (quantity * 100 / size).quantize(Decimal("0.1"))


@register
class BulkAllocation(Report):
    name = "bulk-allocation"
    title = _("Achats groupés : répartition")
    group = "bulk"
    description = _(
        "Pour chaque produit, ce que chaque client a commandé, sa part du colis de gros et le total "
        "du produit."
    )
    filters = BULK_FILTERS
    columns = (
        PRODUCT,
        Column("customer", _("Client")),
        Column("variant", _("Variante")),
        Column("size", _("Conditionnement")),
        QUANTITY_ORDERED,
        Column("reference_quantity", _("Quantité en kg, L ou pièces"), QUANTITY),
        UNIT,
        Column("share", _("Part du colis"), RATE),
        Column("product_total", _("Total du produit"), QUANTITY),
        BULK_SIZE,
        AMOUNT,
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        """Two queries: the products' totals (one per product), then each customer's lines summed
        per variant, by product then customer, read row by row."""
        totals = {}
        for row in _variant_sums(filters).iterator(chunk_size=CHUNK):
            key = (row["variant__product_id"], _reference(row["variant__unit"]))
            ordered = row["quantity"] * reference_quantity(row["variant__quantity"], row["variant__unit"])
            totals[key] = totals.get(key, ZERO) + ordered
        groups = (
            reported_lines(filters)
            .order_by()
            .values(
                "variant__product_id",
                "variant__product__name",
                "variant__product__bulk_unit_size",
                "variant_id",
                "variant__quantity",
                "variant__unit",
                "variant_name",
                "size",
                "order__full_name",
                "order__email",
            )
            .annotate(quantity=Sum("quantity"), amount=Sum("total"))
            .order_by(
                "variant__product__name",
                "variant__product_id",
                "order__full_name",
                "order__email",
                "variant_name",
                "size",
                "variant_id",
            )
        )
        variants = {}  # what a row takes from its variant and product, worked out once per variant
        for group in groups.iterator(chunk_size=CHUNK):
            known = variants.get(group["variant_id"])
            if known is None:
                unit, size = group["variant__unit"], group["variant__product__bulk_unit_size"]
                reference = _reference(unit)
                known = variants[group["variant_id"]] = (
                    reference_quantity(group["variant__quantity"], unit),
                    size,
                    unit_label(reference),
                    tidy(totals.get((group["variant__product_id"], reference), ZERO)),
                    size_text(size, reference),
                )
            per_unit, size, unit_text, product_total, size_display = known
            ordered = group["quantity"] * per_unit
            yield {
                "product": group["variant__product__name"],
                "customer": group["order__full_name"],
                "variant": group["variant_name"],
                "size": group["size"],
                "quantity": group["quantity"],
                "reference_quantity": tidy(ordered),
                "unit": unit_text,
                "share": _share(ordered, size),
                "product_total": product_total,
                "bulk_size": size_display,
                "amount": group["amount"],
            }
