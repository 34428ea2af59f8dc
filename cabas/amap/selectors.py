"""Reads of the AMAP back-office: its distributions, contracts, members and subscriptions, each as one
queryset with what its page shows loaded in a fixed number of queries (pages are paginated)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from cabas.amap.models import (
    Contract,
    Delivery,
    Distribution,
    Membership,
    Subscription,
    SubscriptionItem,
)
from cabas.catalogue.models import Variant
from cabas.orders.models import Customer, Order


def _deliveries():
    return Delivery.objects.select_related("contract__producer", "planned").order_by("contract__name", "pk")


def distributions_for_list(amap, *, past: bool = False):
    """The AMAP's distributions to come (soonest first), or past ones (latest first), with the
    contracts delivering at each."""
    today = timezone.localdate()
    if past:
        rows = Distribution.objects.filter(amap=amap, date__lt=today).order_by("-date", "-starts_at")
    else:
        rows = Distribution.objects.filter(amap=amap, date__gte=today).order_by("date", "starts_at")
    return rows.select_related("place").prefetch_related(Prefetch("deliveries", queryset=_deliveries()))


def distribution_deliveries(distribution: Distribution) -> list[Delivery]:
    """The contracts delivering at a distribution, each with its count of baskets to hand over."""
    handed = Q(baskets__order__status=Order.Status.PLACED)
    return list(
        _deliveries()
        .filter(distribution=distribution)
        .annotate(baskets_count=Count("baskets", filter=handed))
    )


def distribution_postponed_away(distribution: Distribution) -> list[Delivery]:
    """Deliveries planned at a distribution and postponed to another one."""
    return list(
        Delivery.objects.filter(planned=distribution)
        .exclude(distribution=distribution)
        .select_related("contract", "distribution__place")
    )


def distribution_targets(distribution: Distribution):
    """Where a delivery of `distribution` may be postponed: the AMAP's other distributions to come."""
    return (
        Distribution.objects.filter(
            amap_id=distribution.amap_id, cancelled_at=None, date__gte=timezone.localdate()
        )
        .exclude(pk=distribution.pk)
        .select_related("place")
    )


def upcoming_distributions(amap):
    return Distribution.objects.filter(
        amap=amap, cancelled_at=None, date__gte=timezone.localdate()
    ).select_related("place")


def contracts_for_list(amap):
    """The AMAP's contracts with their producer, active subscriptions, waiting members and deliveries."""
    return (
        Contract.objects.filter(amap=amap)
        .select_related("producer")
        .annotate(
            active_count=Count(
                "subscriptions", filter=Q(subscriptions__status=Subscription.Status.ACTIVE), distinct=True
            ),
            waiting_count=Count(
                "subscriptions", filter=Q(subscriptions__status=Subscription.Status.WAITING), distinct=True
            ),
            deliveries_count=Count("deliveries", filter=Q(deliveries__cancelled_at=None), distinct=True),
        )
        .order_by("-signup_opens_on", "name")
    )


def contract_products(contract: Contract):
    return contract.products.select_related("variant__product")


def contract_deliveries(contract: Contract):
    return contract.deliveries.select_related("distribution__place", "planned").order_by(
        "distribution__date", "pk"
    )


def _items():
    return SubscriptionItem.objects.select_related("product__variant__product").order_by(
        "product__position", "product_id"
    )


def subscriptions_for_list(amap, contract: Contract | None = None, status: str | None = None):
    """The AMAP's subscriptions (of one contract, in one status), with member, contract, tier and
    basket content: three queries whatever their number, and one more per page for the count."""
    rows = Subscription.objects.filter(contract__amap=amap)
    if contract is not None:
        rows = rows.filter(contract=contract)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.select_related("contract__producer", "customer", "tier")
        .prefetch_related(Prefetch("items", queryset=_items()))
        .order_by("contract__name", "contract_id", "customer__last_name", "customer__first_name", "pk")
    )


def members_for_list(amap, q: str = "", *, year: int | None = None):
    """The AMAP's members (its customers) by name, with their membership of `year` (this year by
    default) as `memberships_of_year` and their active subscriptions' contracts as
    `active_subscriptions`; `q` searches names and email addresses."""
    year = year or timezone.localdate().year
    rows = Customer.objects.filter(enterprise=amap)
    for word in (q or "").split():
        rows = rows.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return rows.order_by("last_name", "first_name", "email", "pk").prefetch_related(
        Prefetch(
            "amap_memberships",
            queryset=Membership.objects.filter(amap=amap, year=year),
            to_attr="memberships_of_year",
        ),
        Prefetch(
            "amap_subscriptions",
            queryset=Subscription.objects.filter(contract__amap=amap, status=Subscription.Status.ACTIVE)
            .select_related("contract")
            .order_by("contract__name"),
            to_attr="active_subscriptions",
        ),
    )


def amap_members(amap):
    return Customer.objects.filter(enterprise=amap).order_by("last_name", "first_name", "email")


def producer_variants(producer):
    """The variants of a producer's catalogue that may go in a contract (not archived)."""
    return (
        Variant.objects.filter(product__producer=producer, product__archived_at=None, archived_at=None)
        .select_related("product")
        .order_by("product__name", "position", "pk")
    )
