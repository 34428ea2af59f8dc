"""The season of the AMAP de la Guillotière: its pickup point, about twenty weeks of Tuesday
distributions around the day the demo is loaded (so that it always looks alive), three contracts —
vegetables (fixed baskets, shared baskets, a solidarity tier), eggs (variable, every other week) and
bread (fixed, weekly, full, with a waiting list) —, its members and their memberships, payment plans
of 1, 3 and 10 cheques in every state, absences of each kind, a postponed delivery, a cancelled
distribution and the volunteers' shifts.

The season is built through the AMAP services, as the AMAP's team would, and only once: a second
run refreshes the pickup point, the settings, the members and their memberships, and leaves the
season it finds (its subscriptions, baskets and cheques are history, not settings).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cabas.amap.baskets import absence_declare, basket_quantities_set, move_targets
from cabas.amap.contracts import contract_create, contract_product_set, contract_tier_set
from cabas.amap.distributions import (
    delivery_postpone,
    distribution_cancel,
    distributions_generate,
    pickup_at,
)
from cabas.amap.models import (
    AmapSettings,
    Basket,
    Contract,
    Distribution,
    HandOver,
    Instalment,
    Membership,
    Shift,
    ShiftRule,
    ShiftSignup,
    Subscription,
)
from cabas.amap.payments import instalment_receive, instalments_hand_over
from cabas.amap.plans import plan_rebalance
from cabas.amap.subscribing import subscription_create
from cabas.catalogue.models import Variant
from cabas.cycles.models import ShippingMethod
from cabas.demo.amap_data import (
    AMAP,
    BANKS,
    BREAD,
    COMMON,
    CONTRACTS,
    EGGS,
    ENDS_AT,
    LATE,
    MEMBERS,
    NOT_BROUGHT,
    OWNER,
    PLACE,
    REFERENTS,
    SETTINGS,
    SHIFT_ROLES,
    STARTS_AT,
    VEGETABLES,
    VOLUNTEER,
    WEEKS,
    WEEKS_BEFORE,
)
from cabas.enterprises.geocoding import geocode_address
from cabas.enterprises.models import Role
from cabas.lib.rhythm import Rhythm
from cabas.orders.models import Customer, Order
from cabas.orders.standing import standing_orders_cancel, standing_orders_move


@dataclass(frozen=True)
class AmapSummary:
    members: int
    contracts: int
    subscriptions: int
    built: bool  # False: the season was already there


def season_name(first: datetime.date) -> str:
    if first.month >= 9:
        return f"Automne-hiver {first.year}-{first.year + 1}"
    if first.month >= 3:
        return f"Printemps-été {first.year}"
    return f"Hiver {first.year}"


def season_first_day(today: datetime.date) -> datetime.date:
    """The first Tuesday of the demo season: WEEKS_BEFORE Tuesdays before this week's."""
    this_tuesday = today - datetime.timedelta(days=(today.weekday() - 1) % 7)
    return this_tuesday - datetime.timedelta(weeks=WEEKS_BEFORE)


def _place_upsert(amap) -> ShippingMethod:
    values = {k: v for k, v in PLACE.items() if k != "name"}
    place = geocode_address(PLACE["address"], PLACE["postcode"], PLACE["city"])
    values.update(lat=place.lat if place else None, lon=place.lon if place else None)
    method, _created = ShippingMethod.objects.update_or_create(
        enterprise=amap, name=PLACE["name"], defaults={**values, "active": True, "position": 0}
    )
    return method


def _members_upsert(amap, users: dict, year: int, first: datetime.date) -> dict[str, Customer]:
    members = {}
    paid_at = timezone.make_aware(datetime.datetime.combine(first - datetime.timedelta(days=14), STARTS_AT))
    for email, (first_name, last_name, household, method) in MEMBERS.items():
        customer, _created = Customer.objects.update_or_create(
            enterprise=amap,
            email=email,
            defaults={"first_name": first_name, "last_name": last_name, "user": users.get(email)},
        )
        Membership.objects.update_or_create(
            amap=amap,
            customer=customer,
            year=year,
            defaults={
                "amount": Decimal("20.00") if method else Decimal("10.00"),
                "method": method,
                "paid_at": paid_at if method else None,
                "household": household,
            },
        )
        members[email] = customer
    return members


@transaction.atomic
def demo_amap_load(enterprises: dict, users: dict) -> AmapSummary:
    """Create the season of the AMAP de la Guillotière (once) and refresh its pickup point, settings,
    volunteer and members. `enterprises` maps slugs to the demo enterprises, `users` emails to users."""
    amap = enterprises[AMAP]
    owner, volunteer = users[OWNER], users[VOLUNTEER]
    Role.objects.update_or_create(user=volunteer, enterprise=amap, defaults={"role": Role.Level.VOLUNTEER})
    AmapSettings.objects.update_or_create(amap=amap, defaults=SETTINGS)
    place = _place_upsert(amap)
    existing = Distribution.objects.filter(amap=amap).order_by("date").first()
    first = existing.date if existing else season_first_day(timezone.localdate())
    ShiftRule.objects.update_or_create(enterprise=amap, defaults={"per_member": 2, "season_start": first})
    members = _members_upsert(amap, users, first.year, first)
    built = not Contract.objects.filter(amap=amap).exists()
    if built:
        _season_build(amap, place, first, members, owner, enterprises)
    return AmapSummary(
        members=len(members),
        contracts=Contract.objects.filter(amap=amap).count(),
        subscriptions=Subscription.objects.filter(contract__amap=amap).count(),
        built=built,
    )


def _season_build(amap, place, first, members, owner, enterprises) -> None:
    distributions_generate(
        amap=amap,
        place=place,
        rhythm=Rhythm.WEEKLY,
        first=first,
        last=first + datetime.timedelta(weeks=WEEKS - 1),
        starts_at=STARTS_AT,
        ends_at=ENDS_AT,
    )
    days = list(Distribution.objects.filter(amap=amap, cancelled_at=None).order_by("date"))
    contracts = {key: _contract_create(amap, key, days, members, enterprises) for key in CONTRACTS}
    products = {key: _products_set(contract, CONTRACTS[key]) for key, contract in contracts.items()}
    tier = contract_tier_set(contract=contracts["vegetables"], name="Tarif solidaire", percent=60)
    by_team = {"by_manager": True, "user": owner, "starts_on": first}  # from the season's first day
    _vegetables_subscribe(contracts["vegetables"], products["vegetables"], tier, members, by_team)
    _eggs_subscribe(contracts["eggs"], products["eggs"], members, by_team)
    _bread_subscribe(contracts["bread"], products["bread"], members, by_team)
    upcoming = [d for d in days if d.date > timezone.localdate()]
    _distribution_cancel(upcoming, owner)  # before the cheques: the plans are split without it
    for contract in contracts.values():
        _cheques_collect(amap, contract, owner, first)
    bread_next = contracts["bread"].deliveries.get(distribution=upcoming[0])
    delivery_postpone(delivery=bread_next, to=upcoming[1], user=owner)
    _absences(contracts, members, owner)
    _eggs_change(contracts["eggs"], products["eggs"], members)
    _shifts(amap, members, owner)


def _contract_create(amap, key: str, days: list[Distribution], members, enterprises) -> Contract:
    row = CONTRACTS[key]
    first, last = days[0].date, days[-1].date
    data = {
        **COMMON,
        **{k: v for k, v in row.items() if k not in ("producer", "products")},
        "season": season_name(first),
        "signup_opens_on": first - datetime.timedelta(weeks=5),
        "signup_closes_on": last - datetime.timedelta(weeks=6),
        "referent": members[REFERENTS[key]],
    }
    distributions = days[::2] if row["kind"] == Contract.Kind.VARIABLE else days
    return contract_create(
        amap=amap, producer=enterprises[row["producer"]], data=data, distributions=distributions
    )


def _products_set(contract: Contract, row: dict) -> dict:
    """The contract's products, by variant name (fixed) or by position (variable)."""
    products = {}
    for product, variant, price in row["products"]:
        found = Variant.objects.get(product__producer=contract.producer, product__name=product, name=variant)
        fixed = contract.kind == Contract.Kind.FIXED
        products[variant] = contract_product_set(
            contract=contract,
            variant=found,
            price=price,
            quantity=1 if fixed else 0,
            max_quantity=1 if fixed else 6,
        )
    return products


def _vegetables_subscribe(contract, products, tier, members, by_team: dict) -> None:
    for email, size, cheques, solidarity, donation, sharer in VEGETABLES:
        subscription_create(
            contract=contract,
            customer=members[email],
            quantities={products[size].pk: 1},
            instalments=cheques,
            tier=tier if solidarity else None,
            donation=donation,
            sharers=[members[sharer]] if sharer else None,
            **by_team,
        )
    _late_subscribe(contract, {products["Petit panier"].pk: 1}, members, cheques=3)


def _late_subscribe(contract, quantities, members, *, cheques: int, waiting: bool = False) -> None:
    """The latecomer subscribes herself, from the next distribution (pro-rated)."""
    customer = members[LATE]
    subscription_create(
        contract=contract,
        customer=customer,
        quantities=quantities,
        starts_on=timezone.localdate() + datetime.timedelta(days=1),
        instalments=cheques,
        accepted=True,
        waiting_list=waiting,
        user=customer.user,
    )


def _eggs_subscribe(contract, products, members, by_team: dict) -> None:
    for email, boxes, trays, cheques in EGGS:
        subscription_create(
            contract=contract,
            customer=members[email],
            quantities={products["Boîte"].pk: boxes, products["Plateau"].pk: trays},
            instalments=cheques,
            **by_team,
        )
    _late_subscribe(contract, {products["Boîte"].pk: 2}, members, cheques=1)


def _bread_subscribe(contract, products, members, by_team: dict) -> None:
    for email, loaf, cheques in BREAD:
        subscription_create(
            contract=contract,
            customer=members[email],
            quantities={products[loaf].pk: 1},
            instalments=cheques,
            waiting_list=True,
            **by_team,
        )
    _late_subscribe(contract, {products["Demi"].pk: 1}, members, cheques=1, waiting=True)


# --- Cheques ------------------------------------------------------------------------------------
# The services stamp « now »: the demo then back-dates the reception and the hand-over.


def _cheques_collect(amap, contract: Contract, owner, first: datetime.date) -> None:
    """Every member but a few brought their cheques at their first distribution; those cashed by now
    went to the producer a week after the season began."""
    today = timezone.localdate()
    instalments = (
        Instalment.objects.filter(
            subscription__contract=contract, subscription__status=Subscription.Status.ACTIVE
        )
        .select_related("subscription__customer")
        .order_by("subscription__customer__email", "number")
    )
    received, days = [], {}
    for index, instalment in enumerate(instalments):
        subscription = instalment.subscription
        if subscription.customer.email in NOT_BROUGHT or subscription.starts_on > today:
            continue
        instalment_receive(
            instalment=instalment,
            cheque_number=f"{4107311 + index * 37:07d}",
            bank=BANKS[index % len(BANKS)],
            user=owner,
        )
        received.append(instalment)
        days.setdefault(max(subscription.starts_on, first), []).append(instalment.pk)
    for day, pks in days.items():  # history: received at the member's first distribution
        Instalment.objects.filter(pk__in=pks).update(received_at=_evening(day))
    due = [i for i in received if i.cash_on <= today]
    if due:
        handover = instalments_hand_over(amap=amap, producer=contract.producer, instalments=due, user=owner)
        HandOver.objects.filter(pk=handover.pk).update(
            created_at=_evening(first + datetime.timedelta(weeks=1))
        )


def _evening(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, ENDS_AT))


# --- The season's events -----------------------------------------------------------------------


def _distribution_cancel(upcoming: list[Distribution], owner) -> None:
    """No distribution between Christmas and New Year's Day if the season has one; otherwise the
    room is taken for an election one Tuesday."""
    holidays = [
        d for d in upcoming[2:] if (d.date.month, d.date.day) >= (12, 24) or d.date.timetuple().tm_yday == 1
    ]
    if holidays:
        day, reason = (
            holidays[0],
            (
                "Pas de distribution entre Noël et le jour de l'An : la ferme et les bénévoles font une "
                "pause. Bonnes fêtes à toutes et à tous !"
            ),
        )
    else:
        day, reason = (
            upcoming[4],
            (
                "La salle de la Guillotière accueille un bureau de vote ce jour-là : pas de distribution, "
                "les paniers ne sont ni livrés ni payés."
            ),
        )
    distribution_cancel(distribution=day, reason=reason, user=owner)
    upcoming.remove(day)


def _basket(contract: Contract, email: str, index: int, *, past: bool) -> Basket:
    """The `index`-th basket still to deliver (or already delivered, if `past`) of a member."""
    today = timezone.localdate()
    baskets = Basket.objects.filter(
        subscription__contract=contract,
        subscription__customer__email=email,
        delivery__cancelled_at=None,
        order__status=Order.Status.PLACED,
        absence="",
    ).select_related("order", "delivery__distribution", "subscription__contract")
    baskets = (
        baskets.filter(delivery__distribution__date__lt=today)
        if past
        else baskets.filter(delivery__distribution__date__gt=today + datetime.timedelta(days=7))
    )
    return list(baskets.order_by("delivery__distribution__date"))[index]


def _absence_past(basket: Basket, *, move_to: Distribution | None = None) -> None:
    """STAND-IN for an absence declared before a distribution that is now past (the service only
    takes future ones): what absence_declare wrote then, declared a week before."""
    policy = basket.subscription.contract.absence_policy
    basket.absence = policy
    basket.absence_declared_at = _evening(basket.delivery.distribution.date - datetime.timedelta(weeks=1))
    if policy == Contract.AbsencePolicy.MOVED:
        basket.moved_to = move_to
        standing_orders_move(
            orders=[basket.order],
            pickup_at=pickup_at(move_to),
            shipping_method=move_to.place,
        )
    elif policy == Contract.AbsencePolicy.SKIPPED:
        standing_orders_cancel(orders=[basket.order], reason="Absence déclarée")
    basket.save(update_fields=["absence", "absence_declared_at", "moved_to"])
    if policy == Contract.AbsencePolicy.SKIPPED:
        plan_rebalance(basket.subscription)


def _absences(contracts: dict, members: dict, owner) -> None:
    """Absences of each kind (a basket given to the solidarity pool, moved, not delivered), past and
    to come; the members with an account declare theirs themselves."""
    vegetables, eggs, bread = contracts["vegetables"], contracts["eggs"], contracts["bread"]
    for contract, email in [(vegetables, "julie.morel@exemple.fr"), (bread, "paul.girard@exemple.fr")]:
        _absence_past(_basket(contract, email, 1, past=True))
    basket = _basket(eggs, "nicolas.garcia@exemple.fr", 0, past=True)
    _absence_past(basket, move_to=move_targets(basket)[0])
    for contract, email, index in [
        (vegetables, "camille.amapienne@exemple.fr", 2),
        (vegetables, "bernard.gauthier@exemple.fr", 0),
        (bread, "camille.amapienne@exemple.fr", 2),
        (bread, "emma.rolland@exemple.fr", 1),
        (eggs, "camille.amapienne@exemple.fr", 1),
    ]:
        basket = _basket(contract, email, index, past=False)
        user = members[email].user
        move_to = move_targets(basket)[0] if contract.absence_policy == Contract.AbsencePolicy.MOVED else None
        absence_declare(basket=basket, user=user or owner, move_to=move_to, by_manager=user is None)


def _eggs_change(contract: Contract, products: dict, members: dict) -> None:
    """Three members change their eggs for their next distribution still open."""
    box, tray = products["Boîte"].pk, products["Plateau"].pk
    for email, quantities in [
        ("camille.amapienne@exemple.fr", {box: 3, tray: 0}),
        ("julie.morel@exemple.fr", {box: 2, tray: 0}),
        ("nicolas.garcia@exemple.fr", {box: 1, tray: 1}),
    ]:
        basket = _basket(contract, email, 0, past=False)
        basket_quantities_set(basket=basket, quantities=quantities, user=members[email].user)


# --- Volunteer shifts -------------------------------------------------------------------------
# Created directly: cabas.amap has no shift services yet.


def _shifts(amap, members: dict, owner) -> None:
    """Two roles at each distribution: those past were held; the next ones fill up, the later ones
    are still to take (the volunteer has two of them)."""
    today = timezone.localdate()
    helpers = [owner, *(c.user for c in members.values() if c.user is not None)]
    volunteer = members[VOLUNTEER].user
    days = list(Distribution.objects.filter(amap=amap, cancelled_at=None).order_by("date"))
    upcoming = [d.pk for d in days if d.date > today]
    signups, turn = [], 0
    for day in days:
        ahead = upcoming.index(day.pk) + 1 if day.pk in upcoming else 0  # 0: held (or tonight)
        for role, starts_at, ends_at, min_people, max_people in SHIFT_ROLES:
            shift = Shift.objects.create(
                enterprise=amap,
                distribution=day,
                role=role,
                date=day.date,
                starts_at=starts_at,
                ends_at=ends_at,
                min_people=min_people,
                max_people=max_people,
            )
            people = [volunteer] if ahead in (1, 3) and role == SHIFT_ROLES[1][0] else []
            wanted = max_people if ahead <= 1 else (1 if ahead <= 3 else len(people))
            while len(people) < wanted:
                person = helpers[turn % len(helpers)]
                turn += 1
                if person not in people and (ahead == 0 or person != volunteer):
                    people.append(person)
            signups += [ShiftSignup(shift=shift, user=person) for person in people]
    ShiftSignup.objects.bulk_create(signups)
