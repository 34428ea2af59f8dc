"""The sign-in sheet (« feuille d'émargement ») of a distribution: for one pickup point and one
date, the baskets grouped by contract, one line per basket with the member who collects it, what it
holds — read from its order's lines, so the sheet shows exactly what the orders hold —, its marks
(shared, absent, moved, postponed) and room for a signature.

A basket is on the sheet of the distribution its order is picked up at (the order's pickup point and
local date): a basket moved after an absence or a postponed delivery shows at its new distribution.
A basket moved away still shows at the distribution it was planned for, marked « reporté au … »,
with nothing to hand over there. A few queries whatever the number of baskets and distributions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cabas.amap.models import Basket, Delivery, Distribution, Share
from cabas.orders.models import Line, Order


@dataclass(frozen=True)
class SheetItem:
    product: str
    variant: str
    size: str
    quantity: int


@dataclass
class SheetLine:
    """One basket on a sheet: who collects it, what it holds, what to write beside it."""

    basket: Basket
    member: str  # who collects it: the sharer whose turn it is, else the subscriber
    shared_with: list[str]  # the other members sharing it
    items: list[SheetItem]
    marks: list[str]
    to_hand_over: bool  # False: moved away or not delivered (nothing to give at this distribution)

    @property
    def order(self) -> Order:
        return self.basket.order

    @property
    def collected(self) -> bool:
        return self.basket.order.status == Order.Status.FULFILLED


@dataclass
class SheetContract:
    name: str
    season: str
    producer: str
    lines: list[SheetLine] = field(default_factory=list)


@dataclass
class Sheet:
    distribution: Distribution
    contracts: list[SheetContract] = field(default_factory=list)

    @property
    def lines(self) -> int:
        """The lines of the sheet (what its layout costs)."""
        return sum(len(c.lines) for c in self.contracts)

    @property
    def baskets(self) -> int:
        """The baskets to hand over at this distribution."""
        return sum(1 for c in self.contracts for line in c.lines if line.to_hand_over)

    @property
    def totals(self) -> list[tuple[str, list[SheetItem]]]:
        """Per contract, the quantity of each product to hand over (what the producer brings)."""
        found = []
        for contract in self.contracts:
            sums: dict[tuple, int] = {}
            for line in contract.lines:
                for item in line.items if line.to_hand_over else ():
                    key = (item.product, item.variant, item.size)
                    sums[key] = sums.get(key, 0) + item.quantity
            found.append((contract.name, [SheetItem(*key, qty) for key, qty in sorted(sums.items())]))
        return found


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def _baskets(distributions: list[Distribution]):
    """The baskets picked up at `distributions` (by their orders) or planned there (by their
    delivery), with what the sheet shows: four queries."""
    points_by_day: dict[datetime.date, set[int]] = {}
    for distribution in distributions:
        points_by_day.setdefault(distribution.date, set()).add(distribution.place_id)
    picked_up = Q()
    for day, points in points_by_day.items():
        start, end = _day_bounds(day)
        picked_up |= Q(shipping_method_id__in=points, pickup_at__gte=start, pickup_at__lt=end)
    # Two indexed look-ups (orders by point and day, deliveries by distribution), not a join of every
    # basket with its order and delivery.
    where = Q(order_id__in=Order.objects.filter(picked_up).values("pk")) | Q(
        delivery_id__in=Delivery.objects.filter(distribution__in=distributions).values("pk")
    )
    lines = Line.objects.only("order_id", "product_name", "variant_name", "size", "quantity").order_by(
        "product_name", "variant_name", "pk"
    )
    return (
        Basket.objects.filter(where)
        .select_related(
            "order",
            "collector",
            "moved_to",
            "subscription__customer",
            "subscription__contract__producer",
            "delivery__distribution",
            "delivery__planned",
        )
        .only(*BASKET_FIELDS)
        .prefetch_related(
            Prefetch("order__lines", queryset=lines),
            Prefetch(
                "subscription__shares",
                queryset=Share.objects.select_related("customer").only(
                    "subscription_id", *_person("customer")
                ),
            ),
        )
    )


def _person(path: str) -> tuple[str, ...]:
    return tuple(f"{path}__{name}" for name in ("first_name", "last_name", "email"))


# What a sheet reads of a basket and its relations (a date's sheets load a thousand baskets: the
# rows of orders, contracts and producers are wide).
BASKET_FIELDS = (
    "absence",
    "moved_to__date",
    "order__status",
    "order__pickup_at",
    "order__shipping_method_id",
    *_person("collector"),
    *_person("subscription__customer"),
    "subscription__contract__name",
    "subscription__contract__season",
    "subscription__contract__producer__name",
    "delivery__distribution__date",
    "delivery__planned__date",
)


def _short(day: datetime.date) -> str:
    return formats.date_format(day, "l j F")


def _marks(basket: Basket, distribution: Distribution, here: bool) -> tuple[list[str], bool]:
    """What to write beside `basket` on `distribution`'s sheet, and whether it is handed over there."""
    marks, hand_over = [], here and basket.order.status != Order.Status.CANCELLED
    delivery = basket.delivery
    if basket.absence == Basket.Absence.SOLIDARITY:
        marks.append(_("absent : panier solidaire"))
    elif basket.absence == Basket.Absence.SKIPPED:
        marks.append(_("absent : non livré"))
        hand_over = False
    elif basket.absence == Basket.Absence.MOVED and basket.moved_to_id:
        if not here:
            marks.append(_("reporté au %(day)s") % {"day": _short(basket.moved_to.date)})
        else:
            marks.append(_("panier reporté du %(day)s") % {"day": _short(delivery.distribution.date)})
    if (
        here
        and delivery.planned_id
        and delivery.distribution_id == distribution.pk
        and not basket.moved_to_id
    ):
        marks.append(_("livraison reportée du %(day)s") % {"day": _short(delivery.planned.date)})
    if here and basket.order.status == Order.Status.CANCELLED and basket.absence != Basket.Absence.SKIPPED:
        marks.append(_("commande annulée"))
    if basket.order.status == Order.Status.FULFILLED:
        marks.append(_("remis"))
    return marks, hand_over


def _line(basket: Basket, distribution: Distribution, here: bool) -> SheetLine:
    subscriber = basket.subscription.customer
    collector = basket.collector or subscriber
    shares = [s.customer for s in basket.subscription.shares.all()]
    marks, hand_over = _marks(basket, distribution, here)
    return SheetLine(
        basket=basket,
        member=collector.full_name or collector.email,
        shared_with=[c.full_name or c.email for c in shares if c.pk != collector.pk],
        items=[
            SheetItem(line.product_name, line.variant_name, line.size, line.quantity)
            for line in basket.order.lines.all()
        ],
        marks=marks,
        to_hand_over=hand_over,
    )


def _where(basket: Basket, by_point: dict) -> tuple[Distribution | None, Distribution | None]:
    """(the distribution its order is picked up at, the one it was planned at if elsewhere)."""
    order = basket.order
    at = None
    if order.pickup_at is not None:
        at = by_point.get((order.shipping_method_id, timezone.localtime(order.pickup_at).date()))
    planned = basket.delivery.distribution if basket.moved_to_id else None
    if planned is not None and at is not None and planned.pk == at.pk:
        planned = None
    return at, planned


def _sort_key(line: SheetLine) -> tuple:
    customer = line.basket.collector or line.basket.subscription.customer
    return (customer.last_name.lower(), customer.first_name.lower(), line.member, line.basket.pk)


def sign_in_sheets(distributions: list[Distribution]) -> list[Sheet]:
    """The sheets of `distributions` (of one AMAP), in the same order; contracts by name, members
    by last name. Four queries whatever their size."""
    distributions = list(distributions)
    if not distributions:
        return []
    by_point = {(d.place_id, d.date): d for d in distributions}
    by_pk = {d.pk: d for d in distributions}
    found: dict[int, dict[int, SheetContract]] = {d.pk: {} for d in distributions}
    for basket in _baskets(distributions):
        at, planned = _where(basket, by_point)
        for distribution, here in ((at, True), (planned, False)):
            if distribution is None or distribution.pk not in by_pk:
                continue
            contract = basket.subscription.contract
            group = found[distribution.pk].get(contract.pk)
            if group is None:
                group = found[distribution.pk][contract.pk] = SheetContract(
                    contract.name, contract.season, contract.producer.name
                )
            group.lines.append(_line(basket, distribution, here))
    made = []
    for distribution in distributions:
        contracts = sorted(found[distribution.pk].values(), key=lambda c: (c.name.lower(), c.producer))
        for contract in contracts:
            contract.lines.sort(key=_sort_key)
        made.append(Sheet(distribution, contracts))
    return made


def sign_in_sheet(distribution: Distribution) -> Sheet:
    """The sheet of one distribution (one pickup point, one date)."""
    return sign_in_sheets([distribution])[0]


def distributions_on(amap, day: datetime.date) -> list[Distribution]:
    """The AMAP's distributions of `day` that take place, every pickup point, by time and place."""
    return list(
        Distribution.objects.filter(amap=amap, date=day, cancelled_at=None)
        .select_related("place")
        .order_by("starts_at", "place__name", "pk")
    )


def distributions_from(amap, since: datetime.date, limit: int = 60) -> list[Distribution]:
    """The AMAP's next distributions from `since`, cancelled ones included (they say so)."""
    return list(
        Distribution.objects.filter(amap=amap, date__gte=since)
        .select_related("place")
        .order_by("date", "starts_at", "place__name", "pk")[:limit]
    )
