"""Subscribing to a contract: the quote (pro-rated price, minimums), the rules (sign-up window,
membership, main contract, once per contract and season, capacity and waiting list), then in one
transaction the subscription, its baskets' orders and its payment plan.

Pro-rata: a member who joins from a date pays the baskets of the deliveries left from that date —
exactly the sum of the orders generated. A variable contract's season minimum is pro-rated the same
way: minimum × deliveries left ÷ deliveries of the season.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.accounts.emails import enqueue_templated_email
from cabas.amap.baskets import Content, basket_content, baskets_create, deliveries_count, remaining_deliveries
from cabas.amap.exceptions import ContractFull, SubscriptionRefused
from cabas.amap.models import (
    AmapSettings,
    Contract,
    Membership,
    PriceTier,
    Share,
    Subscription,
    SubscriptionItem,
)
from cabas.amap.plans import plan_create
from cabas.lib.money import format_eur, round_money

ZERO = Decimal("0.00")
TAKING = (Subscription.Status.ACTIVE,)  # what takes a place in the contract


@dataclass(frozen=True)
class Quote:
    """What a subscription from `starts_on` would cost."""

    starts_on: datetime.date
    deliveries: int  # the deliveries left from starts_on
    season_deliveries: int
    basket: Content
    amount: Decimal  # deliveries × basket total
    season_minimum: Decimal  # pro-rated (variable contracts)


def subscription_quote(
    *,
    contract: Contract,
    starts_on: datetime.date,
    quantities: dict[int, int],
    tier: PriceTier | None = None,
    donation: Decimal = ZERO,
) -> Quote:
    probe = Subscription(contract=contract, tier=tier, donation=donation or ZERO)
    basket = basket_content(probe, quantities)
    left = len(remaining_deliveries(contract, starts_on))
    season = deliveries_count(contract)
    minimum = round_money(contract.minimum_per_season * left / season) if season else ZERO
    return Quote(
        starts_on=starts_on,
        deliveries=left,
        season_deliveries=season,
        basket=basket,
        amount=basket.total * left,
        season_minimum=minimum,
    )


def places_left(contract: Contract) -> int | None:
    """Baskets still free in the contract (None: no limit)."""
    if contract.capacity is None:
        return None
    taken = contract.subscriptions.filter(status__in=TAKING).count()
    return max(contract.capacity - taken, 0)


def membership_of(amap, customer, year: int) -> Membership | None:
    return Membership.objects.filter(amap=amap, customer=customer, year=year).first()


def season_year(contract: Contract) -> int:
    """The membership year a contract asks for: the year its season starts (its first delivery)."""
    first = (
        contract.deliveries.order_by("distribution__date")
        .values_list("distribution__date", flat=True)
        .first()
    )
    return (first or timezone.localdate()).year


def membership_needed(contract: Contract, customer) -> int | None:
    """The year of the membership `customer` (None: someone not yet a member) still needs before
    subscribing `contract`, or None when the AMAP does not ask for one or it is there."""
    settings = AmapSettings.objects.filter(amap=contract.amap_id).first()
    if settings is None or not settings.membership_required:
        return None
    year = season_year(contract)
    if customer is not None and membership_of(contract.amap_id, customer, year) is not None:
        return None
    return year


def _check_rules(*, contract, customer, starts_on, by_manager: bool) -> None:
    today = timezone.localdate()
    if not by_manager:
        if not contract.published:
            raise SubscriptionRefused(_("Ce contrat n'est pas ouvert aux inscriptions."))
        if not contract.signup_opens_on <= today <= contract.signup_closes_on:
            raise SubscriptionRefused(
                _("Les inscriptions à ce contrat sont ouvertes du %(start)s au %(end)s.")
                % {
                    "start": contract.signup_opens_on.strftime("%d/%m/%Y"),
                    "end": contract.signup_closes_on.strftime("%d/%m/%Y"),
                }
            )
        if starts_on < today:
            raise SubscriptionRefused(_("Choisissez une date de début à venir."), field="starts_on")
    year = membership_needed(contract, customer)
    if year is not None:
        raise SubscriptionRefused(
            _("Adhérez d'abord à l'AMAP pour %(year)s : l'adhésion est demandée avant tout contrat.")
            % {"year": year},
            field="membership",
        )
    main = contract.main_contract
    if (
        main is not None
        and not main.subscriptions.filter(customer=customer, status=Subscription.Status.ACTIVE).exists()
    ):
        raise SubscriptionRefused(
            _("Souscrivez d'abord le contrat « %(main)s » : il est demandé avant celui-ci.")
            % {"main": main.name},
            field="main_contract",
        )
    mine = Subscription.objects.filter(customer=customer).exclude(status=Subscription.Status.CANCELLED)
    if mine.filter(contract=contract).exists():
        raise SubscriptionRefused(_("Vous avez déjà souscrit ce contrat."))
    if _overlapping(contract).filter(pk__in=mine.values("contract_id")).exists():
        raise SubscriptionRefused(
            _("Vous avez déjà un contrat « %(name)s » avec ce producteur sur la même période.")
            % {"name": contract.name}
        )


def _overlapping(contract: Contract):
    """The AMAP's other contracts of the same name and producer whose deliveries overlap this one's."""
    dates = contract.deliveries.filter(cancelled_at=None).values_list("distribution__date", flat=True)
    first, last = min(dates, default=None), max(dates, default=None)
    if first is None:
        return Contract.objects.none()
    return (
        Contract.objects.filter(
            amap_id=contract.amap_id, producer_id=contract.producer_id, name__iexact=contract.name
        )
        .exclude(pk=contract.pk)
        .filter(deliveries__distribution__date__gte=first, deliveries__distribution__date__lte=last)
        .distinct()
    )


def _check_quantities(contract: Contract, quote: Quote, quantities: dict[int, int]) -> None:
    products = {p.pk: p for p in contract.products.all()}
    for pk, qty in quantities.items():
        if pk not in products or not 0 <= qty <= products[pk].max_quantity:
            raise SubscriptionRefused(_("Quantité impossible pour ce produit."), field="quantities")
    if not quote.basket.lines:
        raise SubscriptionRefused(_("Choisissez au moins un produit."), field="quantities")
    if quote.deliveries == 0:
        raise SubscriptionRefused(
            _("Il ne reste aucune distribution à partir de cette date."), field="starts_on"
        )
    if contract.kind == Contract.Kind.VARIABLE:
        if quote.basket.items_total < contract.minimum_per_distribution:
            raise SubscriptionRefused(
                _("Le minimum par distribution est de %(min)s.")
                % {"min": format_eur(contract.minimum_per_distribution)},
                field="quantities",
            )
        if quote.basket.items_total * quote.deliveries < quote.season_minimum:
            raise SubscriptionRefused(
                _("Le minimum sur la saison est de %(min)s à partir de cette date.")
                % {"min": format_eur(quote.season_minimum)},
                field="quantities",
            )


def subscription_create(
    *,
    contract: Contract,
    customer,
    quantities: dict[int, int],
    starts_on: datetime.date | None = None,
    instalments: int = 1,
    method: str = "cheque",
    first_cash_on: datetime.date | None = None,
    tier: PriceTier | None = None,
    donation: Decimal = ZERO,
    sharers: list | None = None,
    accepted: bool = False,
    waiting_list: bool = False,
    by_manager: bool = False,
    user=None,
) -> Subscription:
    """Subscribe `customer` (the AMAP's member) to `contract` from `starts_on` (the first delivery
    by default). Raises SubscriptionRefused; ContractFull when no place is left, unless
    `waiting_list`: the subscription then waits (no basket, no plan) until a place frees."""
    first = remaining_deliveries(contract, timezone.localdate())
    starts_on = starts_on or (first[0].distribution.date if first else timezone.localdate())
    if not by_manager and not accepted:
        raise SubscriptionRefused(_("Lisez et acceptez le contrat pour souscrire."), field="accepted")
    if tier is not None and tier.contract_id != contract.pk:
        raise SubscriptionRefused(_("Choisissez un tarif de ce contrat."), field="tier")
    if donation is None or donation < 0:
        raise SubscriptionRefused(_("Le don ne peut pas être négatif."), field="donation")
    _check_rules(contract=contract, customer=customer, starts_on=starts_on, by_manager=by_manager)
    quote = subscription_quote(
        contract=contract, starts_on=starts_on, quantities=quantities, tier=tier, donation=donation
    )
    _check_quantities(contract, quote, quantities)
    sharers = [s for s in (sharers or []) if s.pk != customer.pk]
    with transaction.atomic():
        Contract.objects.select_for_update().filter(pk=contract.pk).first()  # one place at a time
        left = places_left(contract)
        full = left is not None and left <= 0
        if full and not waiting_list:
            raise ContractFull(_("Ce contrat est complet. Vous pouvez vous inscrire sur la liste d'attente."))
        subscription = Subscription.objects.create(
            contract=contract,
            customer=customer,
            status=Subscription.Status.WAITING if full else Subscription.Status.ACTIVE,
            starts_on=starts_on,
            tier=tier,
            donation=donation or ZERO,
            amount=quote.amount,
            accepted_at=timezone.now() if accepted else None,
        )
        SubscriptionItem.objects.bulk_create(
            SubscriptionItem(subscription=subscription, product_id=pk, quantity=qty)
            for pk, qty in quantities.items()
            if qty > 0
        )
        if sharers:
            Share.objects.bulk_create(
                Share(subscription=subscription, customer=c, position=i)
                for i, c in enumerate([customer, *sharers])
            )
        if not full:
            _activate(
                subscription,
                quantities,
                instalments=instalments,
                method=method,
                first_cash_on=first_cash_on,
                user=user,
            )
        _confirm(subscription, quote)
    return subscription


def _activate(
    subscription: Subscription,
    quantities: dict[int, int],
    *,
    instalments: int,
    method: str,
    first_cash_on: datetime.date | None,
    user=None,
) -> None:
    """Create the baskets from the subscription's start and its payment plan."""
    contract = subscription.contract
    deliveries = remaining_deliveries(contract, subscription.starts_on)
    baskets_create(subscription=subscription, deliveries=deliveries, quantities=quantities, user=user)
    first_cash_on = first_cash_on or (deliveries[0].distribution.date if deliveries else timezone.localdate())
    plan_create(subscription=subscription, count=instalments, first_cash_on=first_cash_on, method=method)


def _confirm(subscription: Subscription, quote: Quote) -> None:
    contract = subscription.contract
    enqueue_templated_email(
        "emails/amap/subscribed",
        to=subscription.customer.email,
        context={
            "amap": contract.amap.name,
            "contract": str(contract),
            "producer": contract.producer.name,
            "waiting": subscription.status == Subscription.Status.WAITING,
            "deliveries": quote.deliveries,
            "amount": format_eur(quote.amount),
            "payee": contract.payee or contract.producer.name,
        },
    )


def waiting_promote(
    *, subscription: Subscription, instalments: int = 1, method: str = "cheque", user=None
) -> Subscription:
    """Give a waiting member the place that freed: baskets from the next delivery, price pro-rated."""
    if subscription.status != Subscription.Status.WAITING:
        raise SubscriptionRefused(_("Cette inscription n'est pas sur la liste d'attente."))
    contract = subscription.contract
    with transaction.atomic():
        Contract.objects.select_for_update().filter(pk=contract.pk).first()
        left = places_left(contract)
        if left is not None and left <= 0:
            raise ContractFull(_("Le contrat est toujours complet."))
        subscription.starts_on = max(subscription.starts_on, timezone.localdate())
        quantities = {i.product_id: i.quantity for i in subscription.items.all()}
        quote = subscription_quote(
            contract=contract,
            starts_on=subscription.starts_on,
            quantities=quantities,
            tier=subscription.tier,
            donation=subscription.donation,
        )
        subscription.status, subscription.amount = Subscription.Status.ACTIVE, quote.amount
        subscription.save(update_fields=["status", "starts_on", "amount"])
        _activate(
            subscription, quantities, instalments=instalments, method=method, first_cash_on=None, user=user
        )
        _confirm(subscription, quote)
    return subscription


def waiting_list(contract: Contract):
    """The members waiting for a place, first come first served."""
    return (
        contract.subscriptions.filter(status=Subscription.Status.WAITING)
        .select_related("customer")
        .order_by("created_at", "pk")
    )


def customer_subscriptions(customer):
    return Subscription.objects.filter(Q(customer=customer) | Q(shares__customer=customer)).distinct()
