"""The price of an order, the one way it is assembled for a cart, a checkout and an edit: the cycle's
fee lines (per item, per order), the shipping fee and the payment method's fee
(`FeeContext.order_fee_lines`), the reductions the apps above give (`registry.price_reductions`,
e.g. solidarity prices), for a placed order being edited the goodwill reductions it carries
(`registry.totals_adjustments`), and the totals of it all (`cabas.cycles.pricing.order_totals`:
the total is exactly the sum of the lines and fee lines).

`order_bill` is how a cart or an order is shown to its buyer, everywhere (cart, checkout, order
page, emails, the seller's order page): each line at the shop's unit price, per-item fees
included, and the fee lines not in those prices as their own rows.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from cabas.catalogue.models import Variant
from cabas.cycles.pricing import VARIANT_PRICING_RELATED, FeeContext, Totals, line_amount, order_totals
from cabas.lib.money import ZERO, format_eur
from cabas.orders import registry
from cabas.orders.lines import fee_lines_write
from cabas.orders.models import Order

# What pricing an order's lines again reads of their variants.
VARIANT_PRICING_RELATED_OF_LINE = tuple(f"variant__{related}" for related in VARIANT_PRICING_RELATED)


@dataclass(frozen=True)
class OrderPrice:
    """An order's fee lines (`FeeLineData`, and for an edit the goodwill `FeeLine`s it carries)
    and its totals."""

    fee_lines: list
    totals: Totals

    def totals_set(self, order: Order) -> None:
        """Write the totals on `order` (not saved)."""
        order.items_total, order.fees_total = self.totals.items_total, self.totals.fees_total
        order.total, order.vat_total = self.totals.total, self.totals.vat_total


def _as_weighed(variant: Variant, line) -> Variant:
    """`variant` as a weighed `line` sold it, for its per-item fees: each piece at the weight
    measured on average and at the line's price per kg or L (a copy; the variant is left alone)."""
    if getattr(line, "final_weight", None) is None or line.weight_price is None:
        return variant
    weighed = copy.copy(variant)
    per_piece = Decimal(line.final_weight) / line.quantity  # in kg or L
    weighed.quantity = per_piece * (Decimal(variant.quantity) / variant.measure.reference_quantity())
    weighed.price = line.weight_price
    weighed.variable_weight = True
    return weighed


def order_price(
    *,
    context: FeeContext,
    lines: list,
    shipping_method,
    payment_method,
    seller,
    customer,
    user,
    order: Order | None = None,
    variants: dict[int, Variant] | None = None,
) -> OrderPrice:
    """The fee lines and totals of an order of `lines` (anything with variant, quantity,
    unit_price and tax_rate: `orders.Line`) sold by `seller` with `context`'s fees, bought by
    `customer` (the seller's record of the buyer, or None) logged in as `user` (or None).

    Per-item fees are priced on each line's variant, or on its variant in `variants` (by id:
    today's offers, for a placed order whose lines keep their price). With `order`, a placed order
    being edited (its other fee lines already deleted), the fee lines are stored on it, then the
    goodwill reductions it carries are split again over what it now holds (they rewrite themselves)
    and count in the totals.
    """
    variants = variants or {}
    pairs = [
        (_as_weighed(variants.get(line.variant_id) or line.variant, line), line.quantity) for line in lines
    ]
    fee_lines = context.order_fee_lines(pairs, shipping_method, payment_method) if pairs else []
    fee_lines += registry.price_reductions(seller=seller, customer=customer, user=user, lines=lines)
    if order is None:
        return OrderPrice(fee_lines=fee_lines, totals=order_totals(lines, fee_lines))
    fee_lines_write(order, fee_lines)
    adjusted = registry.totals_adjustments(order=order, lines=lines, fee_lines=fee_lines)
    fee_lines = [*fee_lines, *adjusted]
    return OrderPrice(fee_lines=fee_lines, totals=order_totals(lines, fee_lines))


@dataclass(frozen=True)
class Bill:
    """An order or a cart as its buyer reads it, at the shop's prices.

    Each of `lines` gets `shop_unit_price` (the price of one unit on the shelf: producer price +
    the per-item fees embedded in it), `shop_fees` (those fees on the whole line) and `shop_total`
    (the line's amount, `line_amount`, + `shop_fees`). `fee_lines` are the fee lines not embedded
    in those prices (per-order fees, shipping, the payment method's fee, reductions), each its own
    row. ``products_total + Σ fee_lines == total`` exactly."""

    lines: list
    fee_lines: list
    products_total: Decimal
    total: Decimal
    vat_total: Decimal
    # Some lines are sold by weight and not weighed yet: the total is an estimate.
    estimated: bool = False


def _fee_id(fee_line):
    """The id of the Fee a fee line (`FeeLine` or `FeeLineData`) charges, None for none."""
    if hasattr(fee_line, "fee_id"):
        return fee_line.fee_id
    return fee_line.fee.pk if fee_line.fee is not None else None


def order_bill(*, context: FeeContext, lines: list, fee_lines: list, total, vat_total) -> Bill:
    """The `Bill` of `lines` (each with its variant, product loaded) and their `fee_lines` (of a
    cart, `OrderPrice.fee_lines`; of a placed order, its `FeeLine`s), whose sum is `total`.

    The per-item fees of each line are priced again with `context` as `order_price` prices them
    (the line's producer price, a weighed line at its weight); a fee is embedded in the line prices
    only when its fee line is exactly the sum of what it adds to the lines (a fee changed since the
    order was placed stays its own row, so every sum holds)."""
    shares = []  # per line: {fee id: amount on one unit}
    sums: dict[int, Decimal] = {}
    for line in lines:
        weighed = _as_weighed(line.variant, line)
        price = None if weighed is not line.variant else line.unit_price
        per_unit = {f.fee.pk: f.amount for f in context.unit_fees(weighed, line.quantity, price=price)}
        shares.append(per_unit)
        for pk, amount in per_unit.items():
            sums[pk] = sums.get(pk, ZERO) + amount * line.quantity
    embedded, rows = set(), []
    for fee_line in fee_lines:
        pk = _fee_id(fee_line)
        if pk is not None and pk not in embedded and pk in sums and sums[pk] == fee_line.amount:
            embedded.add(pk)
        else:
            rows.append(fee_line)
    for line, per_unit in zip(lines, shares, strict=True):
        unit_fees = sum((a for pk, a in per_unit.items() if pk in embedded), ZERO)
        line.shop_unit_price = line.unit_price + unit_fees
        line.shop_fees = unit_fees * line.quantity
        line.shop_total = line_amount(line) + line.shop_fees
    return Bill(
        lines=lines,
        fee_lines=rows,
        products_total=sum((line.shop_total for line in lines), ZERO),
        total=total,
        vat_total=vat_total,
        estimated=any(line.estimated for line in lines),
    )


def placed_order_bill(order: Order, lines: list | None = None, fee_lines: list | None = None) -> Bill:
    """The `Bill` of a placed `order` (its lines and fee lines unless given: two queries, and one
    for the fees of its cycle)."""
    if lines is None:
        lines = list(order.lines.select_related(*VARIANT_PRICING_RELATED_OF_LINE))
    if fee_lines is None:
        fee_lines = list(order.fee_lines.select_related("enterprise"))
    context = FeeContext.for_cycle(order.cycle, order.seller) if order.cycle_id else FeeContext()
    bill = order_bill(
        context=context, lines=lines, fee_lines=fee_lines, total=order.total, vat_total=order.vat_total
    )
    if order.status == Order.Status.CANCELLED:  # nothing is owed: nothing left to weigh either
        return dataclasses.replace(bill, estimated=False)
    return bill


def line_unit_price_display(line) -> str:
    """The unit price of a `Bill` line as its buyer reads it: the shop's unit price, or for a
    weighed line its price per kg or L (« 24,00 € le kg »)."""
    if line.final_weight is not None and line.weight_price is not None:
        values = {"price": format_eur(line.weight_price), "unit": line.weight_unit or "kg"}
        return gettext("%(price)s le %(unit)s") % values
    return format_eur(line.shop_unit_price)
