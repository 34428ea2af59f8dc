"""Reads of the AMAP's payments and memberships pages: the producers paid through the AMAP and
what is waiting for them, a producer's instalments filtered by state, contract and month of
cashing, the hand-overs and their slips, each subscription's balance, the memberships of a year and
the members who have not paid theirs. Each returns in a constant number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, Min, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from cabas.amap.models import AmapSettings, Contract, HandOver, Instalment, Membership, Subscription
from cabas.amap.payments import Balance, balance_of
from cabas.enterprises.models import Enterprise
from cabas.lib.money import ZERO, round_money
from cabas.orders.models import Customer, Order

State = Instalment.State
AMOUNT = DecimalField(max_digits=12, decimal_places=2)


def _sum(condition: Q):
    condition &= Q(subscriptions__status=Subscription.Status.ACTIVE)
    return Coalesce(
        Sum("subscriptions__instalments__amount", filter=condition), Value(ZERO), output_field=AMOUNT
    )


def amap_producers(amap):
    """The producers of `amap`'s contracts, each with the `to_provide`, `received` (waiting to be
    handed over) and `handed_over` amounts of the active subscriptions, and `contracts_count`.
    Two queries."""
    instalment = "subscriptions__instalments__"
    contracts = (
        Contract.objects.filter(amap=amap)
        .values("producer_id")
        .annotate(
            to_provide=_sum(Q(**{instalment + "state": State.TO_PROVIDE})),
            received=_sum(Q(**{instalment + "state": State.RECEIVED})),
            handed_over=_sum(Q(**{instalment + "state": State.HANDED_OVER})),
            contracts=Count("pk", distinct=True),
        )
    )
    rows = {row["producer_id"]: row for row in contracts}
    producers = list(Enterprise.objects.filter(pk__in=rows).order_by("name"))
    for producer in producers:
        row = rows[producer.pk]
        producer.to_provide = round_money(row["to_provide"])
        producer.received = round_money(row["received"])
        producer.handed_over = round_money(row["handed_over"])
        producer.contracts_count = row["contracts"]
    return producers


def amap_producer_or_404(amap, producer_slug: str) -> Enterprise:
    """A producer of one of `amap`'s contracts, or 404."""
    return get_object_or_404(
        Enterprise.objects.filter(pk__in=Contract.objects.filter(amap=amap).values("producer_id")),
        slug=producer_slug,
    )


def producer_contracts(amap, producer):
    return Contract.objects.filter(amap=amap, producer=producer).order_by("-signup_opens_on", "name")


def amap_contract_or_404(amap, contract_uuid) -> Contract:
    return get_object_or_404(Contract.objects.select_related("producer"), amap=amap, uuid=contract_uuid)


def amap_instalment_or_404(amap, pk: int) -> Instalment:
    return get_object_or_404(
        Instalment.objects.select_related("subscription__contract"), subscription__contract__amap=amap, pk=pk
    )


def producer_instalments(
    amap,
    producer,
    *,
    state: str = "",
    month: datetime.date | None = None,
    contract: Contract | None = None,
):
    """`producer`'s instalments in `amap`'s contracts, by date of cashing then member; filtered by
    `state`, by the `month` of cashing (its first day) and by `contract` when given."""
    instalments = Instalment.objects.filter(
        subscription__contract__amap=amap,
        subscription__contract__producer=producer,
        subscription__status=Subscription.Status.ACTIVE,
    )
    if state in State.values:
        instalments = instalments.filter(state=state)
    if month is not None:
        instalments = instalments.filter(cash_on__year=month.year, cash_on__month=month.month)
    if contract is not None:
        instalments = instalments.filter(subscription__contract=contract)
    return instalments.select_related(
        "subscription__customer", "subscription__contract", "handover"
    ).order_by(
        "cash_on", "subscription__customer__last_name", "subscription__customer__first_name", "number", "pk"
    )


def cash_months(amap, producer) -> list[datetime.date]:
    """The months (their first day) in which `producer`'s instalments are to be cashed."""
    return list(
        Instalment.objects.filter(
            subscription__contract__amap=amap, subscription__contract__producer=producer
        ).dates("cash_on", "month")
    )


def producer_handovers(amap, producer):
    """The hand-overs to `producer`, newest first, each with `count` and `total`. One query."""
    return (
        HandOver.objects.filter(amap=amap, producer=producer)
        .annotate(
            count=Count("instalments"),
            total=Coalesce(Sum("instalments__amount"), Value(ZERO), output_field=AMOUNT),
        )
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


def amap_handover_or_404(amap, handover_uuid) -> HandOver:
    return get_object_or_404(
        HandOver.objects.select_related("amap", "producer", "created_by"), amap=amap, uuid=handover_uuid
    )


@dataclass(frozen=True)
class Slip:
    """A hand-over slip: its cheques (with member and contract loaded) and their total."""

    handover: HandOver
    lines: list[Instalment]

    @property
    def total(self) -> Decimal:
        return round_money(sum((line.amount for line in self.lines), ZERO))


def handover_slip(handover: HandOver) -> Slip:
    lines = list(
        handover.instalments.select_related("subscription__customer", "subscription__contract").order_by(
            "subscription__customer__last_name", "subscription__customer__first_name", "cash_on", "pk"
        )
    )
    return Slip(handover=handover, lines=lines)


def _due_subquery():
    orders = (
        Order.objects.filter(amap_basket__subscription=OuterRef("pk"))
        .exclude(status=Order.Status.CANCELLED)
        .values("amap_basket__subscription")
        .annotate(s=Sum("total"))
        .values("s")
    )
    return Coalesce(Subquery(orders, output_field=AMOUNT), Value(ZERO), output_field=AMOUNT)


def contract_balances(contract: Contract) -> list[tuple[Subscription, Balance]]:
    """Each active subscription of `contract` with its balance. Two queries."""
    subscriptions = (
        contract.subscriptions.filter(status=Subscription.Status.ACTIVE)
        .annotate(due=_due_subquery())
        .select_related("customer")
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
        .order_by("customer__last_name", "customer__first_name", "pk")
    )
    return [(s, balance_of(s.due, s.instalments.all())) for s in subscriptions]


# --- Memberships ---------------------------------------------------------------------------------


def amap_settings(amap) -> AmapSettings:
    """The AMAP's membership settings (unsaved defaults when it has none yet)."""
    return AmapSettings.objects.filter(amap=amap).first() or AmapSettings(amap=amap)


def amap_members(amap):
    """The AMAP's members (its customers), by name."""
    return Customer.objects.filter(enterprise=amap).order_by("last_name", "first_name", "email")


def amap_member_or_404(amap, customer_uuid) -> Customer:
    return get_object_or_404(Customer, enterprise=amap, uuid=customer_uuid)


def amap_membership_or_404(amap, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("customer"), amap=amap, pk=pk)


def memberships_of_year(amap, year: int):
    return (
        Membership.objects.filter(amap=amap, year=year)
        .select_related("customer")
        .order_by("customer__last_name", "customer__first_name", "pk")
    )


def _subscribers_of_year(amap, year: int):
    """The AMAP's active subscriptions to the contracts of season `year`: those whose first delivery
    is in `year` (the membership year subscribing asks for, `subscribing.season_year`)."""
    contracts = (
        Contract.objects.filter(amap=amap)
        .annotate(first=Min("deliveries__distribution__date"))
        .filter(first__gte=datetime.date(year, 1, 1), first__lte=datetime.date(year, 12, 31))
    )
    return Subscription.objects.filter(contract__in=contracts.values("pk"), status=Subscription.Status.ACTIVE)


def members_without_paid_membership(amap, year: int):
    """Members subscribed to a contract of season `year` with no paid membership for `year`."""
    paid = Membership.objects.filter(amap=amap, year=year, customer=OuterRef("pk"), paid_at__isnull=False)
    return (
        amap_members(amap)
        .filter(pk__in=_subscribers_of_year(amap, year).values("customer_id"))
        .exclude(Exists(paid))
    )


def membership_years(amap, current: int) -> list[int]:
    """The years with memberships, and the current one and the next."""
    years = set(Membership.objects.filter(amap=amap).values_list("year", flat=True).distinct())
    return sorted(years | {current, current + 1}, reverse=True)
