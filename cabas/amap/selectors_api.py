"""The reads the AMAP part of the API makes: an AMAP's published contracts and one of them with its
distributions, products and tiers; a member's next baskets; the distributions and subscriptions a
manager follows, with what each subscription owes and what the AMAP has received of it, and the
instalments a manager marks received.

Each returns what its answer shows in a fixed number of queries (no query per row)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cabas.amap.models import (
    Basket,
    Contract,
    ContractProduct,
    Delivery,
    Distribution,
    Instalment,
    PriceTier,
    Subscription,
)
from cabas.amap.plans import PAID
from cabas.amap.subscribing import TAKING
from cabas.enterprises.models import Enterprise, ModelPreset
from cabas.orders.models import Customer, Line, Order

MONEY = DecimalField(max_digits=12, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def public_amap(slug: str) -> Enterprise | None:
    """The public AMAP `slug` (None: no such public enterprise, or not an AMAP)."""
    return Enterprise.objects.public().filter(slug=slug, model=ModelPreset.AMAP).first()


def _with_places(contracts: QuerySet) -> QuerySet:
    """`taken`: the subscriptions that hold a place (see `places_left_of`)."""
    return contracts.annotate(taken=Count("subscriptions", filter=Q(subscriptions__status__in=TAKING)))


def places_left_of(contract: Contract) -> int | None:
    """A contract's free places from its `taken` annotation (None: no limit)."""
    if contract.capacity is None:
        return None
    return max(contract.capacity - contract.taken, 0)


def published_contracts(amap: Enterprise) -> list[Contract]:
    """The AMAP's published contracts, sign-up window latest first, with their producer and the
    places taken (one query)."""
    return list(
        _with_places(Contract.objects.filter(amap=amap, published=True))
        .select_related("producer")
        .order_by("-signup_opens_on", "name", "pk")
    )


def published_contract(uuid) -> Contract | None:
    """A published contract of a public AMAP, with its AMAP, producer, the distributions it delivers
    at (not cancelled), its products and tiers, and the places taken (four queries)."""
    deliveries = (
        Delivery.objects.filter(cancelled_at=None, distribution__cancelled_at=None)
        .select_related("distribution__place")
        .order_by("distribution__date", "distribution__starts_at", "pk")
    )
    products = ContractProduct.objects.select_related("variant__product").order_by("position", "pk")
    return (
        _with_places(Contract.objects.filter(uuid=uuid, published=True))
        .filter(amap__in=Enterprise.objects.public())
        .select_related("amap", "producer")
        .prefetch_related(
            Prefetch("deliveries", queryset=deliveries),
            Prefetch("products", queryset=products),
            Prefetch("tiers", queryset=PriceTier.objects.order_by("percent", "pk")),
        )
        .first()
    )


def member_at(amap_id: int, user) -> Customer | None:
    """`user`'s member record at the AMAP (its `orders.Customer` linked to the account)."""
    return Customer.objects.filter(enterprise_id=amap_id, user=user).order_by("pk").first()


def subscription_answer(subscription_id: int) -> Subscription:
    """A subscription with its contract, its basket count (`deliveries`) and its payment plan."""
    return (
        Subscription.objects.select_related("contract", "tier")
        .annotate(deliveries=Count("baskets"))
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
        .get(pk=subscription_id)
    )


def member_subscription(contract: Contract, customer: Customer) -> Subscription | None:
    """The member's subscription to `contract` that is not cancelled, if any."""
    found = (
        Subscription.objects.filter(contract=contract, customer=customer)
        .exclude(status=Subscription.Status.CANCELLED)
        .values_list("pk", flat=True)
        .first()
    )
    return None if found is None else subscription_answer(found)


def _mine(user) -> Q:
    """Baskets `user` subscribed to, or shares."""
    return Q(subscription__customer__user=user) | Q(subscription__shares__customer__user=user)


def _baskets() -> QuerySet:
    return Basket.objects.select_related(
        "delivery__distribution__place",
        "moved_to__place",
        "subscription__contract__producer",
        "subscription__contract__amap",
        "order",
        "collector",
    ).prefetch_related(
        Prefetch("order__lines", queryset=Line.objects.order_by("pk")),
        Prefetch("subscription__shares"),
    )


def next_baskets(user, *, today: datetime.date | None = None) -> QuerySet:
    """`user`'s baskets from today on (those they subscribed or share), in date order; distributions
    and deliveries cancelled left out."""
    today = today or timezone.localdate()
    ids = (
        Basket.objects.filter(_mine(user))
        .filter(
            delivery__cancelled_at=None,
            delivery__distribution__cancelled_at=None,
            delivery__distribution__date__gte=today,
        )
        .values("pk")
    )
    return _baskets().filter(pk__in=ids).order_by("delivery__distribution__date", "pk")


def basket_answer(basket_id: int) -> Basket:
    return _baskets().get(pk=basket_id)


def basket_of_order(user, order_uuid) -> Basket | None:
    """The basket whose order is `order_uuid`, when `user` subscribed it or shares it."""
    found = Basket.objects.filter(_mine(user)).filter(order__uuid=order_uuid).values_list("pk", flat=True)
    pk = found.first()
    if pk is None:
        return None
    return Basket.objects.select_related(
        "order", "delivery__distribution__place", "subscription__contract", "subscription__customer"
    ).get(pk=pk)


def amap_distribution(amap_id: int, uuid) -> Distribution | None:
    return Distribution.objects.filter(amap_id=amap_id, uuid=uuid).select_related("place").first()


def amap_distributions(amap: Enterprise, *, since: datetime.date) -> QuerySet:
    """The AMAP's distributions from `since`, with the contracts delivering there (not cancelled)."""
    deliveries = (
        Delivery.objects.filter(cancelled_at=None)
        .select_related("contract__producer")
        .order_by("contract__name", "pk")
    )
    return (
        Distribution.objects.filter(amap=amap, date__gte=since)
        .select_related("place")
        .prefetch_related(Prefetch("deliveries", queryset=deliveries))
        .order_by("date", "starts_at", "pk")
    )


def amap_subscriptions(amap: Enterprise, *, contract=None, status: str = "") -> QuerySet:
    """The subscriptions to the AMAP's contracts, by contract then member, with `due` (the totals of
    their baskets' orders not cancelled) and `received` (their instalments received or handed
    over), in one query, and their payment plans (one more)."""
    due = (
        Order.objects.filter(amap_basket__subscription=OuterRef("pk"))
        .exclude(status=Order.Status.CANCELLED)
        .order_by()
        .values("amap_basket__subscription")
        .annotate(s=Sum("total"))
        .values("s")
    )
    received = (
        Instalment.objects.filter(subscription=OuterRef("pk"), state__in=PAID)
        .order_by()
        .values("subscription")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    subscriptions = Subscription.objects.filter(contract__amap=amap)
    if contract is not None:
        subscriptions = subscriptions.filter(contract__uuid=contract)
    if status:
        subscriptions = subscriptions.filter(status=status)
    return (
        subscriptions.select_related("contract__producer", "customer", "tier")
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
        .annotate(
            due=Coalesce(Subquery(due, output_field=MONEY), ZERO),
            received=Coalesce(Subquery(received, output_field=MONEY), ZERO),
        )
        .order_by("contract__name", "contract_id", "customer__last_name", "customer__first_name", "pk")
    )


def amap_instalment(amap_id: int, instalment_id: int) -> Instalment | None:
    """The instalment `instalment_id` when it pays a subscription to one of the AMAP's contracts."""
    return Instalment.objects.filter(pk=instalment_id, subscription__contract__amap_id=amap_id).first()


def instalment_answer(instalment_id: int) -> Instalment:
    """An instalment with its subscription and the subscription's member."""
    return Instalment.objects.select_related("subscription__customer").get(pk=instalment_id)
