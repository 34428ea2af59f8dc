"""The member portal's reads (« Mon AMAP »): a person's AMAPs, contracts, baskets by date with what
each holds and what may still be done with it, payments, memberships and volunteer shifts — in a
fixed number of queries whatever the number of contracts, baskets or instalments.

What a subscription still owes is `plans.subscription_due − plans.subscription_received`, both
read here for all the subscriptions at once (`due` annotated the way `subscription_due` sums, the
received part from the prefetched instalments).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cabas.amap.baskets import absence_deadline, order_closes_at
from cabas.amap.member_selectors import my_customers
from cabas.amap.models import (
    Basket,
    Contract,
    ContractProduct,
    Delivery,
    Distribution,
    Instalment,
    Membership,
    Share,
    Shift,
    Subscription,
)
from cabas.amap.plans import PAID
from cabas.amap.selectors_shifts import shifts_of_user
from cabas.lib.money import round_money
from cabas.orders.models import Line, Order

ZERO = Decimal("0.00")
PAST_DAYS = 14  # past baskets still listed (locked)
BASKETS_SHOWN = 60


def _due() -> Subquery:
    """What `plans.subscription_due` sums, per subscription, as a subquery."""
    orders = (
        Order.objects.filter(amap_basket__subscription=OuterRef("pk"))
        .exclude(status=Order.Status.CANCELLED)
        .order_by()
        .values("amap_basket__subscription")
        .annotate(s=Sum("total"))
        .values("s")
    )
    return Coalesce(Subquery(orders), Value(ZERO), output_field=DecimalField(max_digits=12, decimal_places=2))


def _absences() -> Subquery:
    used = (
        Basket.objects.filter(subscription=OuterRef("pk"))
        .exclude(absence="")
        .order_by()
        .values("subscription")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(used), Value(0))


def my_subscriptions(customer_ids: list[int]) -> list[Subscription]:
    """The person's subscriptions (theirs or shared with them), not cancelled, each with `due`,
    `received`, `owed`, `absences_left`, its instalments, shares and contract products."""
    if not customer_ids:
        return []
    mine = Subscription.objects.filter(
        Q(customer_id__in=customer_ids) | Q(shares__customer_id__in=customer_ids)
    ).values("pk")
    subscriptions = list(
        Subscription.objects.filter(pk__in=mine)
        .exclude(status=Subscription.Status.CANCELLED)
        .select_related("contract__amap", "contract__producer", "customer", "tier")
        .annotate(due=_due(), absences=_absences())
        .prefetch_related(
            Prefetch("instalments", queryset=Instalment.objects.order_by("number")),
            Prefetch("shares", queryset=Share.objects.select_related("customer").order_by("position")),
            Prefetch(
                "contract__products",
                queryset=ContractProduct.objects.select_related("variant__product").order_by(
                    "position", "pk"
                ),
            ),
        )
        .order_by("contract__amap__name", "-status", "contract__name", "pk")
    )
    for sub in subscriptions:
        sub.due = round_money(sub.due)
        sub.received = round_money(sum((i.amount for i in sub.instalments.all() if i.state in PAID), ZERO))
        sub.owed = sub.due - sub.received
        sub.absences_left = max(sub.contract.absence_quota - sub.absences, 0)
    return subscriptions


@dataclass
class BasketRow:
    """One basket as its member sees it, and what they may still do with it."""

    basket: Basket
    subscription: Subscription
    distribution: Distribution  # where it is collected (the later one when moved)
    lines: list[Line]
    collector: object  # Customer or None
    locked: bool
    deadline: datetime.date | None = None  # the last day to declare an absence
    can_declare: bool = False
    can_cancel: bool = False
    can_change: bool = False
    move_targets: list[Distribution] = field(default_factory=list)
    quantities: list[tuple[ContractProduct, int]] = field(default_factory=list)
    collectors: list = field(default_factory=list)


def _move_targets(subscriptions: list[Subscription]) -> dict[int, list[Distribution]]:
    """Per contract whose absences move the basket, its later distributions (one query)."""
    moved = [
        s.contract_id for s in subscriptions if s.contract.absence_policy == Contract.AbsencePolicy.MOVED
    ]
    targets: dict[int, list[Distribution]] = {}
    if not moved:
        return targets
    deliveries = (
        Delivery.objects.filter(
            contract_id__in=moved,
            cancelled_at=None,
            distribution__cancelled_at=None,
            distribution__date__gt=timezone.localdate(),
        )
        .select_related("distribution__place")
        .order_by("distribution__date", "pk")
    )
    for delivery in deliveries:
        targets.setdefault(delivery.contract_id, []).append(delivery.distribution)
    return targets


def _row(basket: Basket, sub: Subscription, targets: dict, now: datetime.datetime) -> BasketRow:
    contract, today = sub.contract, timezone.localdate(now)
    planned = basket.delivery.distribution
    placed = basket.order.status == Order.Status.PLACED
    row = BasketRow(
        basket=basket,
        subscription=sub,
        distribution=basket.moved_to or planned,
        lines=list(basket.order.lines.all()),
        collector=basket.collector or sub.customer,
        locked=planned.date < today,
    )
    row.deadline = absence_deadline(contract, planned)
    before_deadline = not row.locked and today <= row.deadline
    row.can_declare = before_deadline and placed and not basket.absence and sub.absences_left > 0
    row.can_cancel = before_deadline and basket.absence not in ("", Basket.Absence.SKIPPED)
    if row.can_declare and contract.absence_policy == Contract.AbsencePolicy.MOVED:
        row.move_targets = [d for d in targets.get(contract.pk, []) if d.date > planned.date]
        row.can_declare = bool(row.move_targets)
    if contract.kind == Contract.Kind.VARIABLE and placed and not basket.absence:
        row.can_change = now < order_closes_at(contract, planned)
        have = {line.variant_id: line.quantity for line in row.lines}
        row.quantities = [(p, have.get(p.variant_id, 0)) for p in contract.products.all()]
    shares = list(sub.shares.all())
    if shares and not row.locked:
        row.collectors = [s.customer for s in shares]
    return row


def my_baskets(subscriptions: list[Subscription]) -> list[BasketRow]:
    """The active subscriptions' baskets from two weeks ago on, by date (3 queries)."""
    active = {s.pk: s for s in subscriptions if s.status == Subscription.Status.ACTIVE}
    if not active:
        return []
    since = timezone.localdate() - datetime.timedelta(days=PAST_DAYS)
    baskets = (
        Basket.objects.filter(subscription_id__in=list(active), delivery__distribution__date__gte=since)
        .select_related(
            "delivery__distribution__place", "delivery__planned", "moved_to__place", "order", "collector"
        )
        .prefetch_related(Prefetch("order__lines", queryset=Line.objects.order_by("pk")))
        .order_by("delivery__distribution__date", "subscription__contract__name", "pk")[:BASKETS_SHOWN]
    )
    targets, now = _move_targets(list(active.values())), timezone.now()
    return [_row(b, active[b.subscription_id], targets, now) for b in baskets]


def my_memberships(customer_ids: list[int]) -> list[Membership]:
    return list(
        Membership.objects.filter(customer_id__in=customer_ids)
        .select_related("amap")
        .order_by("-year", "amap__name")
    )


@dataclass
class BasketDay:
    """The baskets a member collects at one distribution (one date, one pickup point)."""

    distribution: Distribution
    rows: list[BasketRow]
    past: bool

    @property
    def key(self) -> str:
        return f"{self.distribution.date:%Y%m%d}-{self.distribution.place_id}"


def basket_days(rows: list[BasketRow]) -> list[BasketDay]:
    """`rows` grouped by the distribution they are collected at, in date order."""
    today = timezone.localdate()
    days: dict[tuple, BasketDay] = {}
    for row in rows:
        where = row.distribution
        key = (where.date, where.starts_at, where.place_id)
        if key not in days:
            days[key] = BasketDay(distribution=where, rows=[], past=where.date < today)
        days[key].rows.append(row)
    return [days[key] for key in sorted(days)]


@dataclass
class Portal:
    amaps: list
    subscriptions: list[Subscription]
    baskets: list[BasketRow]
    memberships: list[Membership]
    shifts: list[Shift]

    @property
    def upcoming(self) -> list[BasketDay]:
        return [day for day in basket_days(self.baskets) if not day.past]

    @property
    def past(self) -> list[BasketDay]:
        return [day for day in basket_days(self.baskets) if day.past]


def portal_for(user) -> Portal:
    """Everything the portal shows to `user`, in a fixed number of queries."""
    customers = list(my_customers(user).select_related("enterprise"))
    ids = [c.pk for c in customers]
    subscriptions = my_subscriptions(ids)
    memberships = my_memberships(ids)
    amaps = {m.amap_id: m.amap for m in memberships}
    amaps.update({s.contract.amap_id: s.contract.amap for s in subscriptions})
    return Portal(
        amaps=sorted(amaps.values(), key=lambda a: a.name.casefold()),
        subscriptions=subscriptions,
        baskets=my_baskets(subscriptions),
        memberships=memberships,
        shifts=list(shifts_of_user(user, upcoming=True)),
    )


def my_basket(user, pk: int) -> Basket:
    """A basket of one of the person's subscriptions (theirs or shared), or None."""
    ids = list(my_customers(user).values_list("pk", flat=True))
    return (
        Basket.objects.filter(pk=pk)
        .filter(Q(subscription__customer_id__in=ids) | Q(subscription__shares__customer_id__in=ids))
        .exclude(subscription__status=Subscription.Status.CANCELLED)
        .select_related("subscription__contract", "delivery__distribution__place", "order")
        .distinct()
        .first()
    )
