"""The price of an order, the one way it is assembled for a cart, a checkout and an edit: the cycle's
fee lines (per item, per order), the shipping fee and the payment method's fee
(`FeeContext.order_fee_lines`), the reductions the apps above give (`registry.price_reductions`,
e.g. solidarity prices), for a placed order being edited the goodwill reductions it carries
(`registry.totals_adjustments`), and the totals of it all (`cabas.cycles.pricing.order_totals`:
the total is exactly the sum of the lines and fee lines).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal

from cabas.catalogue.models import Variant
from cabas.cycles.pricing import FeeContext, Totals, order_totals
from cabas.orders import registry
from cabas.orders.lines import fee_lines_write
from cabas.orders.models import Order


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
