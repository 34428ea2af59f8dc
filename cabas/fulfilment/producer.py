"""The producer's side of the orders: what a producer brings to each distribution of the hubs, AMAPs
and shops it supplies, and the orders its products are in.

A producer rarely sells itself: its products are on the lines (`Line.producer`) of orders placed
with other sellers. A distribution is one seller's pickup or delivery day in one cycle (the order's
seller × cycle × local date of `pickup_at`); within it, what goes to each pickup point or delivery
round (the order's shipping method) and the quantity of each product as ordered. Only placed and
handed-over orders count (`REPORTED`). Read with database aggregates: two queries whatever the size.

An order the producer sells itself but hands over at another enterprise's pickup point (an AMAP's
basket, a standing order) belongs to that enterprise's distribution: its distributor is the pickup
point's enterprise. Such an order has no cycle; a higher app names what it belongs to instead (an
AMAP contract) through `register_cycle_label`.

The customers' names leave the database only when the seller lets its producers see them
(`Enterprise.share_customer_names_with_producers`); otherwise an order is « Client n° <number> ».
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, F, Min, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from cabas.cycles.models import ShippingMethod
from cabas.cycles.services import PARIS
from cabas.enterprises.models import Enterprise
from cabas.fulfilment.reports.base import REPORTED
from cabas.orders.models import Line, Order

CHUNK = 2000

# The local day of the order's pickup or delivery (the distribution's date).
LOCAL_DAY = TruncDate("order__pickup_at", tzinfo=PARIS)

# Functions returning an expression on a Line (the order as `order__`) that names what a cycle-less
# order belongs to, or NULL: see `register_cycle_label`.
_CYCLE_LABELS: list[Callable[[], Combinable]] = []


def register_cycle_label(function: Callable[[], Combinable]) -> None:
    """Let a higher app name the orders it places outside a cycle: `function()` returns an
    expression over a Line (its order as `order__...`) giving the name or NULL. Called from
    `AppConfig.ready()`; the first non-NULL name wins, after the cycle's own name."""
    _CYCLE_LABELS.append(function)


def _other_point() -> Q:
    """The order is handed over at a pickup point of another enterprise than its seller."""
    return Q(order__shipping_method__isnull=False) & ~Q(
        order__shipping_method__enterprise_id=F("order__seller_id")
    )


def distribution_annotations() -> dict:
    """`distributor_id` and `distributor` (the seller, or the enterprise of the pickup point when
    another's) and `cycle_label` (the cycle's name, or what a higher app names the order by)."""
    labels = [function() for function in _CYCLE_LABELS]
    return {
        "distributor_id": Case(
            When(_other_point(), then=F("order__shipping_method__enterprise_id")),
            default=F("order__seller_id"),
        ),
        "distributor": Case(
            When(_other_point(), then=F("order__shipping_method__enterprise__name")),
            default=F("order__seller__name"),
        ),
        "cycle_label": Coalesce(F("order__cycle__name"), *labels, Value(""), output_field=CharField()),
    }


# What identifies a distribution, a pickup point within it and a product as ordered.
DISTRIBUTION_KEYS = ("distributor_id", "distributor", "order__cycle_id", "cycle_label", "day")
POINT_KEYS = (
    "order__shipping_method_id",
    "order__shipping_method__name",
    "order__shipping_method__kind",
    "order__shipping_method__address",
    "order__shipping_method__postcode",
    "order__shipping_method__city",
)
ITEM_KEYS = ("variant_id", "product_name", "variant_name", "size")


@dataclass
class Item:
    product: str
    variant: str
    size: str
    quantity: int = 0
    amount: Decimal = Decimal("0.00")


@dataclass
class Point:
    """A pickup point or a delivery round of a distribution, with what goes there."""

    method_id: int | None
    name: str
    delivery: bool
    address: str
    items: list[Item] = field(default_factory=list)


@dataclass
class OrderSummary:
    number: str
    placed_at: datetime.datetime | None
    customer: str  # the name when the seller shares it, else « Client n° <number> »
    named: bool  # whether `customer` is the name
    point: str
    lines: list[Item] = field(default_factory=list)


@dataclass
class Distribution:
    distributor: str
    cycle: str
    day: datetime.date | None
    pickup_at: datetime.datetime | None = None  # the earliest pickup of its orders
    points: list[Point] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)  # every point together
    orders: list[OrderSummary] = field(default_factory=list)

    @property
    def quantity(self) -> int:
        return sum(item.quantity for item in self.items)

    @property
    def amount(self) -> Decimal:
        return sum((item.amount for item in self.items), Decimal("0.00"))


def producer_lines(producer: Enterprise) -> QuerySet:
    """The lines of `producer` in the reported orders of every seller (a queryset)."""
    return Line.objects.filter(producer=producer, order__status__in=REPORTED)


def item_groups(lines: QuerySet) -> QuerySet:
    """`lines` summed per distribution, pickup point and product as ordered: dicts with the keys of
    DISTRIBUTION_KEYS, POINT_KEYS and ITEM_KEYS, `quantity`, `amount` and `pickup_at` (the earliest
    pickup), by date, distributor, point and product. One query, not evaluated."""
    return (
        lines.annotate(day=LOCAL_DAY, **distribution_annotations())
        .order_by()
        .values(*DISTRIBUTION_KEYS, *POINT_KEYS, *ITEM_KEYS)
        .annotate(quantity=Sum("quantity"), amount=Sum("total"), pickup_at=Min("order__pickup_at"))
        .order_by(
            F("day").asc(nulls_last=True),
            "distributor",
            "distributor_id",
            "order__cycle_id",
            "cycle_label",
            "order__shipping_method__name",
            "order__shipping_method_id",
            "product_name",
            "variant_name",
            "size",
            "variant_id",
        )
    )


def point_name(kind: str | None, name: str | None) -> str:
    if name is None:
        return _("Sans mode de retrait")
    return _("Livraison : %(name)s") % {"name": name} if kind == ShippingMethod.Kind.DELIVERY else name


def _window(lines: QuerySet, since: datetime.date) -> QuerySet:
    """The lines of the distributions from `since` (local day) on, and the placed orders with no
    date yet (still to bring)."""
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=PARIS)
    return lines.filter(
        Q(order__pickup_at__gte=start) | Q(order__pickup_at__isnull=True, order__status=Order.Status.PLACED)
    )


def _distribution_key(row: dict) -> tuple:
    return (row["distributor_id"], row["order__cycle_id"], row["cycle_label"], row["day"])


def _add_group(found: dict, row: dict) -> None:
    key = _distribution_key(row)
    distribution = found.get(key)
    if distribution is None:
        distribution = found[key] = Distribution(
            distributor=row["distributor"], cycle=row["cycle_label"] or "", day=row["day"]
        )
    if row["pickup_at"] and (distribution.pickup_at is None or row["pickup_at"] < distribution.pickup_at):
        distribution.pickup_at = row["pickup_at"]
    method_id = row["order__shipping_method_id"]
    if not distribution.points or distribution.points[-1].method_id != method_id:
        name = point_name(row["order__shipping_method__kind"], row["order__shipping_method__name"])
        address = " ".join(
            p
            for p in (
                row["order__shipping_method__address"],
                row["order__shipping_method__postcode"],
                row["order__shipping_method__city"],
            )
            if p
        )
        delivery = row["order__shipping_method__kind"] == ShippingMethod.Kind.DELIVERY
        distribution.points.append(Point(method_id, name, delivery, "" if delivery else address))
    item = Item(row["product_name"], row["variant_name"], row["size"], row["quantity"], row["amount"])
    distribution.points[-1].items.append(item)


def _sum_items(distribution: Distribution) -> None:
    """Every point's items together, per product as ordered, by product name."""
    totals: dict[tuple, Item] = {}
    for point in distribution.points:
        for item in point.items:
            key = (item.product, item.variant, item.size)
            total = totals.setdefault(key, Item(*key))
            total.quantity += item.quantity
            total.amount += item.amount
    distribution.items = [totals[key] for key in sorted(totals)]


def _order_lines(lines: QuerySet) -> QuerySet:
    """One row per line with its order's number, date, point and — when the producer sold it
    itself (its own customer, e.g. an AMAP basket) or its seller shares them — customer name, by
    distribution then order number. One query, not evaluated."""
    shared = Case(
        When(order__seller_id=F("producer_id"), then=F("order__full_name")),
        When(order__seller__share_customer_names_with_producers=True, then=F("order__full_name")),
        default=Value(""),
    )
    return (
        lines.annotate(day=LOCAL_DAY, customer=shared, **distribution_annotations())
        .values_list(
            "distributor_id",
            "order__cycle_id",
            "cycle_label",
            "day",
            "order_id",
            "order__number",
            "order__placed_at",
            "customer",
            "order__shipping_method__kind",
            "order__shipping_method__name",
            "product_name",
            "variant_name",
            "size",
            "quantity",
            "total",
        )
        .order_by("distributor_id", "order__cycle_id", "order__placed_at", "order_id", "product_name", "pk")
    )


def _add_orders(found: dict, lines: QuerySet) -> None:
    current = None
    for row in _order_lines(lines).iterator(chunk_size=CHUNK):
        distributor_id, cycle_id, label, day, order_id, number, placed_at, customer, kind, method = row[:10]
        distribution = found.get((distributor_id, cycle_id, label, day))
        if distribution is None:
            continue
        if current is None or current[0] != order_id:
            summary = OrderSummary(
                number=number,
                placed_at=placed_at,
                customer=customer or _("Client n° %(number)s") % {"number": number},
                named=bool(customer),
                point=point_name(kind, method),
            )
            distribution.orders.append(summary)
            current = (order_id, summary)
        current[1].lines.append(Item(*row[10:]))


def distributions(producer: Enterprise, *, since: datetime.date) -> list[Distribution]:
    """The distributions of every seller that `producer` brings products to, from the local day
    `since` on (and those not dated yet, last), by date then distributor: what goes to each point,
    the totals per product and the orders with its lines of `producer`. Two queries."""
    lines = _window(producer_lines(producer), since)
    found: dict[tuple, Distribution] = {}
    for row in item_groups(lines).iterator(chunk_size=CHUNK):
        _add_group(found, row)
    for distribution in found.values():
        _sum_items(distribution)
    _add_orders(found, lines)
    return list(found.values())
