"""What the AMAP app adds to the back-office dashboard through cabas.enterprises.registry.

Registered in AmapConfig.ready(). For an AMAP only, the to-do items of the coming days and of the
season, each gone once there is nothing left to do:

- every member of the team (volunteers included): the distributions of the next 7 days with their
  number of baskets (link: the sign-in sheet), the shifts of the next 7 days still short of people;
- managers and owners: the payments received and not yet handed over to the producers, the members
  of the season with an unpaid membership, the waiting lists, the contracts whose sign-up window is
  open but which are not published.

A volunteer's items cost three queries, a manager's seven, whatever the size of the AMAP.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, DecimalField, Exists, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.amap.manage_access import is_amap
from cabas.amap.models import AmapSettings, Basket, Contract, Distribution, Instalment, Shift, Subscription
from cabas.amap.selectors_payments import members_without_paid_membership
from cabas.enterprises import registry
from cabas.enterprises.models import Enterprise, Role
from cabas.lib.money import ZERO, format_eur
from cabas.orders.models import Order

AHEAD = datetime.timedelta(days=7)
DISTRIBUTIONS_SHOWN = 10
CONTRACTS_SHOWN = 20
AMOUNT = DecimalField(max_digits=12, decimal_places=2)


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    return start, end


def _next_distributions(amap: Enterprise, today: datetime.date) -> list[Distribution]:
    """The distributions of the next 7 days that take place, each with `baskets`: those to hand
    over there (picked up there, neither cancelled nor skipped by an absence). Two queries."""
    distributions = list(
        Distribution.objects.filter(amap=amap, cancelled_at=None, date__gte=today, date__lte=today + AHEAD)
        .select_related("place")
        .order_by("date", "starts_at", "place__name", "pk")[:DISTRIBUTIONS_SHOWN]
    )
    if not distributions:
        return []
    counts, anywhere = {}, Q()
    for distribution in distributions:
        start, end = _day_bounds(distribution.date)
        here = Q(
            order__shipping_method_id=distribution.place_id,
            order__pickup_at__gte=start,
            order__pickup_at__lt=end,
        )
        counts[f"d{distribution.pk}"] = Count("pk", filter=here)
        anywhere |= here
    totals = (
        Basket.objects.filter(anywhere, subscription__contract__amap=amap)
        .exclude(absence=Basket.Absence.SKIPPED)
        .exclude(order__status=Order.Status.CANCELLED)
        .aggregate(**counts)
    )
    for distribution in distributions:
        distribution.baskets = totals[f"d{distribution.pk}"]
    return distributions


def _distribution_items(amap: Enterprise, today: datetime.date) -> list[dict]:
    items = []
    for distribution in _next_distributions(amap, today):
        label = ngettext(
            "Distribution %(day)s à %(place)s : %(count)d panier — feuille d'émargement",
            "Distribution %(day)s à %(place)s : %(count)d paniers — feuille d'émargement",
            distribution.baskets,
        ) % {
            "day": formats.date_format(distribution.date, "l j F"),
            "place": distribution.place.name,
            "count": distribution.baskets,
        }
        url = reverse("amap:sign_in_sheet", args=[amap.slug, distribution.uuid])
        items.append({"label": label, "url": url})
    return items


def _shift_items(amap: Enterprise, today: datetime.date) -> list[dict]:
    """The shifts of the next 7 days with fewer people signed up than their minimum. One query."""
    vacant = (
        Shift.objects.filter(enterprise=amap, date__gte=today, date__lte=today + AHEAD)
        .annotate(taken=Count("signups"))
        .filter(taken__lt=F("min_people"))
        .count()
    )
    if not vacant:
        return []
    label = ngettext(
        "Permanences : %(count)d permanence des 7 prochains jours manque de bénévoles",
        "Permanences : %(count)d permanences des 7 prochains jours manquent de bénévoles",
        vacant,
    ) % {"count": vacant}
    return [{"label": label, "url": reverse("amap:shifts", args=[amap.slug])}]


def _payment_items(amap: Enterprise) -> list[dict]:
    """The instalments the AMAP received and has not handed over yet (active subscriptions, as on
    the « Règlements » page). One query."""
    received = Instalment.objects.filter(
        subscription__contract__amap=amap,
        subscription__status=Subscription.Status.ACTIVE,
        state=Instalment.State.RECEIVED,
    ).aggregate(count=Count("pk"), amount=Coalesce(Sum("amount"), Value(ZERO), output_field=AMOUNT))
    if not received["count"]:
        return []
    label = ngettext(
        "Chèques à remettre aux producteurs : %(count)d règlement reçu, %(amount)s",
        "Chèques à remettre aux producteurs : %(count)d règlements reçus, %(amount)s",
        received["count"],
    ) % {"count": received["count"], "amount": format_eur(received["amount"])}
    return [{"label": label, "url": reverse("amap:payments", args=[amap.slug])}]


def _season_year(amap: Enterprise, today: datetime.date) -> int:
    """The membership year of the season under way or coming: the year of the next distribution."""
    coming = (
        Distribution.objects.filter(amap=amap, cancelled_at=None, date__gte=today)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    return (coming or today).year


def _membership_items(amap: Enterprise, today: datetime.date) -> list[dict]:
    """Members subscribed to a contract of the season whose membership is not paid, when the AMAP
    asks for one. Two queries."""
    year = _season_year(amap, today)
    required = AmapSettings.objects.filter(amap=amap, membership_required=True)
    unpaid = members_without_paid_membership(amap, year).filter(Exists(required)).count()
    if not unpaid:
        return []
    label = ngettext(
        "Adhésions %(year)s : %(count)d adhérent avec un contrat n'a pas réglé son adhésion",
        "Adhésions %(year)s : %(count)d adhérents avec un contrat n'ont pas réglé leur adhésion",
        unpaid,
    ) % {"year": year, "count": unpaid}
    url = f"{reverse('amap:memberships', args=[amap.slug])}?year={year}"
    return [{"label": label, "url": url}]


def _contract_items(amap: Enterprise, today: datetime.date) -> list[dict]:
    """Per contract still running: the members on its waiting list; and the contracts whose sign-up
    window is open but which are not published. One query."""
    signing_up = Q(published=False, signup_opens_on__lte=today, signup_closes_on__gte=today)
    contracts = (
        Contract.objects.filter(amap=amap)
        .annotate(
            waiting=Count(
                "subscriptions",
                filter=Q(subscriptions__status=Subscription.Status.WAITING),
                distinct=True,
            ),
            last=Max("deliveries__distribution__date"),
        )
        .filter(Q(waiting__gt=0, last__gte=today) | signing_up)
        .only("uuid", "name", "season", "published", "signup_opens_on", "signup_closes_on")
        .order_by("name", "season", "pk")[:CONTRACTS_SHOWN]
    )
    waiting, unpublished = [], []
    for contract in contracts:
        url = reverse("amap:contract", args=[amap.slug, contract.uuid])
        name = str(contract)
        if contract.waiting and contract.last and contract.last >= today:
            label = ngettext(
                "Liste d'attente du contrat « %(contract)s » : %(count)d adhérent en attente",
                "Liste d'attente du contrat « %(contract)s » : %(count)d adhérents en attente",
                contract.waiting,
            ) % {"contract": name, "count": contract.waiting}
            waiting.append({"label": label, "url": url})
        if not contract.published and contract.signup_opens_on <= today <= contract.signup_closes_on:
            label = _("Publiez le contrat « %(contract)s » : ses inscriptions sont ouvertes jusqu'au %(day)s")
            day = formats.date_format(contract.signup_closes_on, "j F")
            unpublished.append({"label": label % {"contract": name, "day": day}, "url": url})
    return unpublished + waiting


def dashboard_items(enterprise: Enterprise, role: Role) -> list[dict]:
    """An AMAP's to-do items for `role` (see the module's docstring); nothing for another enterprise."""
    if not is_amap(enterprise):
        return []
    today = timezone.localdate()
    items = _distribution_items(enterprise, today) + _shift_items(enterprise, today)
    if role.at_least(Role.Level.MANAGER):
        items += _payment_items(enterprise)
        items += _membership_items(enterprise, today)
        items += _contract_items(enterprise, today)
    return items


def register() -> None:
    """Hook the AMAP's to-do items into the dashboard (called once, from AmapConfig.ready())."""
    registry.register_dashboard_items(dashboard_items)
