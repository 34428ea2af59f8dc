"""Standing orders: the orders a commitment places in advance — an AMAP subscription's basket at
each distribution. Their lines are at the prices agreed in the commitment (no cycle, no fee, no
stock taken: the producer grows for the season), their numbers are taken from the seller's sequence
in one go, and no email goes out per order (the commitment sends its own). They are ordinary
placed orders afterwards: reports, the distribution, payments and invoices read them like any other.

The writes here are used inside the caller's transaction (`transaction.atomic` is nested).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from cabas.cycles.pricing import order_totals, product_tax_rate
from cabas.lib import money
from cabas.orders.models import Customer, FeeLine, Line, Order, OrderEvent, OrderNumberSequence
from cabas.orders.placing import _customer_for, number_prefix, order_number

SOURCE = "standing"  # the `detail["source"]` of a standing order's events


@dataclass(frozen=True)
class StandingLine:
    variant: object  # a catalogue Variant with product and product.producer loaded
    quantity: int
    unit_price: Decimal  # VAT included, as agreed


@dataclass(frozen=True)
class StandingFee:
    """A fee line agreed with the commitment: a solidarity tier's reduction (negative) or
    supplement, a donation per distribution (no VAT: not a sale)."""

    enterprise: object
    name: str
    fee_type: str
    amount: Decimal
    tax_rate: Decimal = Decimal(0)  # a reduction of a product's price carries the product's VAT rate


@dataclass
class StandingOrder:
    pickup_at: datetime.datetime
    shipping_method: object  # the pickup point
    lines: list[StandingLine] = field(default_factory=list)
    fees: list[StandingFee] = field(default_factory=list)
    note: str = ""


def standing_customer(*, seller, email: str, full_name: str, phone: str = "", user=None) -> Customer:
    """The seller's record of the buyer (created on first use; an existing one keeps its details)."""
    return _customer_for(
        seller=seller,
        user=user,
        email=email,
        full_name=full_name,
        phone=phone,
        address="",
        postcode="",
        city="",
    )


def _numbers_take(seller, count: int) -> list[str]:
    """`count` consecutive order numbers of `seller` (one UPDATE; the row stays locked until commit)."""
    OrderNumberSequence.objects.get_or_create(seller=seller)
    table = connection.ops.quote_name(OrderNumberSequence._meta.db_table)
    last = connection.ops.quote_name("last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + %s WHERE seller_id = %s RETURNING {last}",  # noqa: S608
            [count, seller.pk],
        )
        end = cursor.fetchone()[0]
    prefix, year = number_prefix(seller.slug), timezone.localdate().year
    return [order_number(prefix, year, n) for n in range(end - count + 1, end + 1)]


def _line(order: Order, item: StandingLine) -> Line:
    variant = item.variant
    return Line(
        order=order,
        variant=variant,
        producer_id=variant.product.producer_id,
        quantity=item.quantity,
        product_name=variant.product.name[:150],
        variant_name=variant.name[:150],
        size=variant.measure.display()[:60],
        unit_price=item.unit_price,
        tax_rate=product_tax_rate(variant),
        total=money.round_money(item.unit_price * item.quantity),
    )


def standing_orders_place(
    *, seller, customer: Customer, user=None, orders: list[StandingOrder]
) -> list[Order]:
    """Place `orders` for `customer` (the seller's record, see `standing_customer`): one placed order
    each, numbered, with its lines and totals, in a few queries whatever their number."""
    if not orders:
        return []
    now = timezone.now()
    with transaction.atomic():
        numbers = _numbers_take(seller, len(orders))
        rows = []
        for number, standing in zip(numbers, orders, strict=True):
            order = Order(
                number=number,
                seller=seller,
                customer=customer,
                user=user,
                status=Order.Status.PLACED,
                shipping_method=standing.shipping_method,
                pickup_at=standing.pickup_at,
                email=customer.email,
                full_name=customer.full_name or customer.email,
                phone=customer.phone,
                note=standing.note[:1000],
                placed_at=now,
            )
            lines = [_line(order, item) for item in standing.lines if item.quantity > 0]
            fees = [_fee_line(order, fee) for fee in standing.fees if fee.amount]
            _totals_set(order, lines, fees)
            rows.append((order, lines, fees))
        created = Order.objects.bulk_create([order for order, _lines, _fees in rows])
        Line.objects.bulk_create([line for (order, lines, _f) in rows for line in _attach(order, lines)])
        FeeLine.objects.bulk_create([fee for (order, _l, fees) in rows for fee in _attach(order, fees)])
        OrderEvent.objects.bulk_create(
            OrderEvent(
                order=order,
                kind="status",
                from_status=Order.Status.CART,
                to_status=Order.Status.PLACED,
                user=user,
                detail={"source": SOURCE},
                created_at=now,
            )
            for order in created
        )
    return created


def _fee_line(order: Order, fee: StandingFee) -> FeeLine:
    return FeeLine(
        order=order,
        enterprise=fee.enterprise,
        name=fee.name[:120],
        fee_type=fee.fee_type,
        amount=money.round_money(fee.amount),
        tax_rate=fee.tax_rate,
    )


def _totals_set(order: Order, lines: list, fees: list) -> None:
    totals = order_totals(lines, fees)
    order.items_total, order.fees_total = totals.items_total, totals.fees_total
    order.total, order.vat_total = totals.total, totals.vat_total


def _attach(order: Order, lines: list) -> list:
    for line in lines:
        line.order = order  # the saved order, with its primary key
    return lines


def standing_order_lines_set(
    *, order: Order, lines: list[StandingLine], fees: list[StandingFee], user=None
) -> Order:
    """Replace a placed standing order's lines and fee lines (a variable basket's new quantities)
    and its totals."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        before = {line.variant_id: line.quantity for line in order.lines.all()}
        order.lines.all().delete()
        order.fee_lines.all().delete()
        new = Line.objects.bulk_create([_line(order, item) for item in lines if item.quantity > 0])
        new_fees = FeeLine.objects.bulk_create([_fee_line(order, fee) for fee in fees if fee.amount])
        _totals_set(order, new, new_fees)
        order.save(update_fields=["items_total", "fees_total", "total", "vat_total", "updated_at"])
        after = {line.variant_id: line.quantity for line in new}
        OrderEvent.objects.create(
            order=order,
            kind="edited",
            user=user,
            detail={
                "source": SOURCE,
                "changes": [
                    {"variant": pk, "from": before.get(pk, 0), "to": after.get(pk, 0)}
                    for pk in sorted(set(before) | set(after))
                    if before.get(pk, 0) != after.get(pk, 0)
                ],
            },
        )
    return order


def standing_orders_cancel(*, orders, reason: str, user=None) -> int:
    """Cancel placed standing orders (a cancelled distribution, a basket not delivered): no stock
    to give back, no email here. Returns how many were cancelled."""
    with transaction.atomic():
        locked = list(
            Order.objects.select_for_update().filter(
                pk__in=[o.pk for o in orders], status=Order.Status.PLACED
            )
        )
        now = timezone.now()
        events = []
        for order in locked:
            events.append(
                order.transition(
                    Order.Status.CANCELLED, user=user, detail={"reason": reason, "source": SOURCE}
                )
            )
            order.updated_at = now
        Order.objects.bulk_update(locked, ["status", "updated_at"])
        OrderEvent.objects.bulk_create(events)
    return len(locked)


def standing_orders_move(*, orders, pickup_at: datetime.datetime, shipping_method, user=None) -> int:
    """Move standing orders to another pickup date and point (a postponed delivery)."""
    ids = [o.pk for o in orders]
    with transaction.atomic():
        count = Order.objects.filter(pk__in=ids).update(
            pickup_at=pickup_at, shipping_method=shipping_method, updated_at=timezone.now()
        )
        OrderEvent.objects.bulk_create(
            OrderEvent(
                order_id=pk,
                kind="moved",
                user=user,
                detail={"source": SOURCE, "pickup_at": pickup_at.isoformat()},
            )
            for pk in ids
        )
    return count
