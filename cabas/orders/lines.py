"""Order lines as a buyer fills them: the quantity asked (checked), what a line records of its variant
when it is priced (names, size, producer price, VAT rate) and the fee lines written on an order.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from cabas.catalogue.models import Variant
from cabas.cycles.pricing import FeeContext
from cabas.lib import units
from cabas.orders.exceptions import InvalidQuantity
from cabas.orders.models import FeeLine, Line, Order

MAX_QUANTITY = 999


def weight_unit(variant: Variant) -> str:
    """« kg » or « L »: the unit a variable-weight product is priced and weighed in."""
    return "L" if units.dimension(variant.unit) == units.VOLUME else "kg"


def display_name(variant: Variant) -> str:
    return " ".join(p for p in [variant.product.name, variant.name] if p)


def line_snapshot(line: Line, variant: Variant, quantity: int, context: FeeContext) -> Line:
    """Fill `line` with what `variant` is now: names, size, producer price and VAT rate."""
    data = context.order_lines([(variant, quantity)])[0]
    line.variant = variant
    line.producer_id = variant.product.producer_id
    line.quantity = quantity
    line.product_name = variant.product.name[:150]
    line.variant_name = variant.name[:150]
    size = variant.measure.display()
    line.size = (_("environ %(size)s") % {"size": size} if variant.variable_weight else size)[:60]
    line.unit_price = data.unit_price
    line.tax_rate = data.tax_rate
    line.total = data.total
    line.weight_price = variant.reference_price() if variant.variable_weight else None
    line.weight_unit = weight_unit(variant) if variant.variable_weight else ""
    return line


# What `line_snapshot` writes on a line.
LINE_SNAPSHOT_FIELDS = (
    "quantity",
    "product_name",
    "variant_name",
    "size",
    "unit_price",
    "tax_rate",
    "total",
    "producer",
    "weight_price",
    "weight_unit",
)


def line_values(line: Line) -> tuple:
    """What `line_snapshot` writes on `line`, to tell whether it changed."""
    return tuple(getattr(line, Line._meta.get_field(name).attname) for name in LINE_SNAPSHOT_FIELDS)


def clean_quantity(quantity) -> int:
    try:
        value = int(str(quantity).strip())
    except (TypeError, ValueError):
        raise InvalidQuantity(_("La quantité doit être un nombre entier, par exemple 2."))
    if value < 0:
        raise InvalidQuantity(_("La quantité ne peut pas être négative."))
    if value > MAX_QUANTITY:
        raise InvalidQuantity(_("Au plus %(max)s par produit.") % {"max": MAX_QUANTITY})
    return value


def fee_lines_write(order: Order, fee_data) -> None:
    """Snapshot the computed fee lines on `order` (names cut to the column size)."""
    FeeLine.objects.bulk_create(
        FeeLine(
            order=order,
            fee=f.fee,
            enterprise=f.enterprise,
            name=f.name[:120],
            fee_type=f.fee_type,
            amount=f.amount,
            tax_rate=f.tax_rate,
        )
        for f in fee_data
    )
