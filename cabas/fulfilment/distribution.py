"""The distribution evening: a seller's distribution dates (the local dates its placed or handed-over
orders are picked up or delivered) and, for one date, the orders to hand over, each with its lines
and whether it is paid or what is left to pay — read in a fixed number of queries.

The payment state and what is left to pay come from payments (`with_paid`, `order_payment_state`,
`order_owed`), exactly as the back-office orders list and order page show them.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from cabas.fulfilment.reports.base import REPORTED
from cabas.lib import money
from cabas.lib.days import day_bounds
from cabas.orders.models import Line, Order
from cabas.payments.goodwill import order_owed
from cabas.payments.models import PaymentState
from cabas.payments.records.services import order_payment_state, with_paid

RECENT_DAYS = 10  # past distribution dates listed after the upcoming ones
DAY_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class DistributionDay:
    day: datetime.date
    orders: int
    collected: int

    @property
    def key(self) -> str:
        return self.day.isoformat()


def parse_day(value: str) -> datetime.date | None:
    """The date of a YYYY-MM-DD `value`, None when it is not one."""
    if not DAY_FORMAT.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _of_day(seller, day: datetime.date, statuses=REPORTED) -> QuerySet:
    start, end = day_bounds(day)
    orders = Order.objects.filter(seller=seller, status__in=statuses)
    return orders.filter(pickup_at__gte=start, pickup_at__lt=end)


def _with_lines(orders: QuerySet) -> QuerySet:
    lines = Line.objects.only(
        "order_id",
        "variant_id",
        "quantity",
        "product_name",
        "variant_name",
        "size",
        "weight_price",
        "weight_unit",
        "final_weight",
    )
    return (
        with_paid(orders)
        .select_related("shipping_method")
        .prefetch_related(Prefetch("lines", queryset=lines.order_by("product_name", "variant_name", "id")))
    )


def _counts() -> dict:
    return {"orders": Count("pk"), "collected": Count("pk", filter=Q(status=Order.Status.FULFILLED))}


def distribution_days(seller, *, today: datetime.date | None = None) -> tuple[list, list]:
    """(upcoming, recent): the seller's distribution dates from `today` on, soonest first, and the
    last RECENT_DAYS before it, latest first; each with its number of orders and how many were
    handed over. One query."""
    today = today or timezone.localdate()
    rows = (
        Order.objects.filter(seller=seller, status__in=REPORTED, pickup_at__isnull=False)
        .annotate(day=TruncDate("pickup_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(**_counts())
        .order_by("day")
    )
    days = [DistributionDay(row["day"], row["orders"], row["collected"]) for row in rows]
    upcoming = [d for d in days if d.day >= today]
    recent = [d for d in reversed(days) if d.day < today][:RECENT_DAYS]
    return upcoming, recent


def day_orders(seller, day: datetime.date, *, remaining: bool = False) -> QuerySet:
    """The seller's orders to hand over on `day` (placed or handed over, picked up or delivered
    that local date; `remaining`: only those not handed over yet), by customer name, each annotated
    with `paid` and with its lines prefetched. Decorate them with `decorate` once read."""
    orders = _of_day(seller, day)
    if remaining:
        orders = orders.filter(status=Order.Status.PLACED)
    return _with_lines(orders).order_by("full_name", "number", "pk")


def day_order(seller, day: datetime.date, uuid) -> Order | None:
    """The seller's order `uuid` picked up or delivered on `day`, read as `day_orders` reads them
    (with its payment method too): placed, handed over or, since the page was shown, cancelled
    (what is asked of it is then refused with a message); None for any other."""
    orders = _of_day(seller, day, (*REPORTED, Order.Status.CANCELLED)).filter(uuid=uuid)
    return _with_lines(orders).select_related("payment_method").first()


def day_counter(seller, day: datetime.date) -> DistributionDay:
    """How many orders `day` has to hand over and how many were. One query."""
    counts = _of_day(seller, day).aggregate(**_counts())
    return DistributionDay(day, counts["orders"], counts["collected"])


def decorate(order: Order) -> Order:
    """Set on `order` (read by `day_orders`) what its card shows: `collected`, `payment_state`,
    `payment_state_label` and `due` (what is left to pay; nothing when paid or overpaid)."""
    order.collected = order.status == Order.Status.FULFILLED
    order.to_weigh = [line for line in order.lines.all() if line.weight_price is not None]
    order.payment_state = order_payment_state(order, order.paid)
    order.payment_state_label = PaymentState(order.payment_state).label
    order.due = max(money.round_money(order_owed(order) - order.paid), money.ZERO)
    return order
