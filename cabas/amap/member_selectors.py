"""What an AMAP's members read on its public pages: the contracts open to sign-up with their
products, dates and places left, one contract in full, and which of the AMAP's customers a logged-in
person is.

Each page reads in a fixed number of queries: the contracts list annotates its counts (deliveries,
places taken — the same count as `subscribing.places_left`) and prefetches products and dates.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cabas.amap.models import Contract, ContractProduct, Delivery, PriceTier, Subscription
from cabas.amap.subscribing import TAKING
from cabas.enterprises.models import Enterprise
from cabas.enterprises.selectors import enterprise_by_slug
from cabas.orders.models import Customer

LIVE_DELIVERY = Q(deliveries__cancelled_at=None, deliveries__distribution__cancelled_at=None)


def amap_public(slug: str) -> Enterprise:
    """The enterprise `slug` whose contracts are asked for, or 404."""
    amap = enterprise_by_slug(slug)
    if amap is None:
        raise Http404
    return amap


def _products() -> Prefetch:
    return Prefetch(
        "products",
        queryset=ContractProduct.objects.select_related("variant__product").order_by("position", "pk"),
    )


def _deliveries() -> Prefetch:
    return Prefetch(
        "deliveries",
        queryset=Delivery.objects.filter(cancelled_at=None, distribution__cancelled_at=None)
        .select_related("distribution__place")
        .order_by("distribution__date", "pk"),
        to_attr="live_deliveries",
    )


def _with_counts(contracts: QuerySet) -> QuerySet:
    return contracts.annotate(
        deliveries_total=Count("deliveries", filter=LIVE_DELIVERY, distinct=True),
        first_date=Min("deliveries__distribution__date", filter=LIVE_DELIVERY),
        last_date=Max("deliveries__distribution__date", filter=LIVE_DELIVERY),
        taken=Count("subscriptions", filter=Q(subscriptions__status__in=TAKING), distinct=True),
    )


def places_of(contract: Contract) -> int | None:
    """`subscribing.places_left` from the `taken` annotation (None: no limit)."""
    if contract.capacity is None:
        return None
    return max(contract.capacity - contract.taken, 0)


def signup_state(contract: Contract, today: datetime.date | None = None) -> str:
    """« open », « soon » (not yet open) or « closed »."""
    today = today or timezone.localdate()
    if today < contract.signup_opens_on:
        return "soon"
    return "open" if today <= contract.signup_closes_on else "closed"


def open_contracts(amap: Enterprise) -> list[Contract]:
    """The AMAP's published contracts whose sign-up has not closed, with their producer, products,
    dates and places left (`places`), in 4 queries whatever their number."""
    today = timezone.localdate()
    contracts = list(
        _with_counts(Contract.objects.filter(amap=amap, published=True, signup_closes_on__gte=today))
        .select_related("producer")
        .prefetch_related(_products(), _deliveries(), "tiers")
        .order_by("signup_opens_on", "name", "pk")
    )
    for contract in contracts:
        contract.places = places_of(contract)
        contract.signup = signup_state(contract, today)
    return contracts


def public_contract(amap: Enterprise, uuid) -> Contract:
    """One published contract of the AMAP, with what its page shows, or 404."""
    contract = get_object_or_404(
        _with_counts(Contract.objects.filter(amap=amap, published=True))
        .select_related("producer", "amap", "main_contract")
        .prefetch_related(_products(), _deliveries(), "tiers"),
        uuid=uuid,
    )
    contract.places = places_of(contract)
    contract.signup = signup_state(contract)
    return contract


def my_customers(user) -> QuerySet:
    """The customer records that are this person: linked to the account, or with its address and no
    account while the address is confirmed."""
    if not user.is_authenticated:
        return Customer.objects.none()
    mine = Q(user=user)
    if user.email_confirmed_at is not None:
        mine |= Q(user=None, email__iexact=user.email)
    return Customer.objects.filter(mine)


def member_of(amap: Enterprise, user) -> Customer | None:
    """The AMAP's customer record of this person, if any."""
    return my_customers(user).filter(enterprise=amap).order_by("-user_id", "pk").first()


def my_subscription(contract: Contract, customer: Customer | None) -> Subscription | None:
    """The person's subscription to the contract (not cancelled), if any."""
    if customer is None:
        return None
    return (
        Subscription.objects.filter(contract=contract, customer=customer)
        .exclude(status=Subscription.Status.CANCELLED)
        .prefetch_related("items__product__variant__product", "instalments")
        .first()
    )


def tier_of(contract: Contract, pk) -> PriceTier | None:
    for tier in contract.tiers.all():
        if str(tier.pk) == str(pk):
            return tier
    return None
