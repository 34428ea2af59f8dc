"""A member's private iCal feed: the distributions where they collect a basket (date, time window,
place and its address, the contracts to collect) and their volunteer shifts. Its address holds a
secret token (`MemberFeed`), made on first use and replaced on demand (the old address then stops
working)."""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.amap.member_selectors import my_customers
from cabas.amap.models import Basket, MemberFeed, Subscription
from cabas.amap.selectors_shifts import shifts_of_user
from cabas.orders.models import Order

PRODID = "-//Cabas//AMAP//FR"


def member_feed(user) -> MemberFeed:
    """The person's feed, made on first use."""
    feed, _created = MemberFeed.objects.get_or_create(user=user)
    return feed


def member_feed_renew(*, user) -> MemberFeed:
    """Give the feed a new address: the old one stops working."""
    feed = member_feed(user)
    feed.token = MemberFeed._meta.get_field("token").get_default()
    feed.save(update_fields=["token"])
    return feed


def _collected_baskets(user) -> list[Basket]:
    """The upcoming baskets the person collects: theirs (no one else named) or those they are named
    to collect; not the absent ones (a moved one counts where it moved)."""
    ids = list(my_customers(user).values_list("pk", flat=True))
    today = timezone.localdate()
    mine = Q(collector_id__in=ids) | Q(collector=None, subscription__customer_id__in=ids)
    present = Q(absence="") | Q(absence=Basket.Absence.MOVED)
    return list(
        Basket.objects.filter(mine, present, order__status=Order.Status.PLACED)
        .filter(subscription__status=Subscription.Status.ACTIVE)
        .filter(Q(moved_to__date__gte=today) | Q(moved_to=None, delivery__distribution__date__gte=today))
        .select_related(
            "delivery__distribution__place",
            "delivery__distribution__amap",
            "moved_to__place",
            "moved_to__amap",
            "subscription__contract__producer",
        )
        .order_by("delivery__distribution__date", "pk")
    )


def _aware(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _address(place) -> str:
    town = " ".join(p for p in (place.postcode, place.city) if p)
    return ", ".join(p for p in (place.name, place.address, town) if p)


def _distribution_events(user) -> list[icalendar.Event]:
    by_distribution: dict[int, tuple] = {}
    for basket in _collected_baskets(user):
        distribution = basket.moved_to or basket.delivery.distribution
        contract = basket.subscription.contract
        entry = by_distribution.setdefault(distribution.pk, (distribution, []))
        entry[1].append(f"{contract.name} — {contract.producer.name}")
    events = []
    for distribution, contracts in by_distribution.values():
        event = icalendar.Event()
        event.add("uid", f"distribution-{distribution.uuid}@{settings.SITE_NAME.lower()}")
        event.add("summary", _("Distribution — %(amap)s") % {"amap": distribution.amap.name})
        event.add("dtstart", _aware(distribution.date, distribution.starts_at))
        event.add("dtend", _aware(distribution.date, distribution.ends_at))
        event.add("location", _address(distribution.place))
        lines = [_("À récupérer :"), *(f"• {c}" for c in sorted(set(contracts)))]
        if distribution.note:
            lines.append(distribution.note)
        event.add("description", "\n".join(lines))
        event.add("dtstamp", timezone.now())
        events.append(event)
    return events


def _shift_events(user) -> list[icalendar.Event]:
    events = []
    for shift in shifts_of_user(user, upcoming=True):
        event = icalendar.Event()
        event.add("uid", f"shift-{shift.uuid}@{settings.SITE_NAME.lower()}")
        event.add(
            "summary",
            _("Permanence : %(role)s — %(where)s") % {"role": shift.role, "where": shift.enterprise.name},
        )
        event.add("dtstart", _aware(shift.date, shift.starts_at))
        event.add("dtend", _aware(shift.date, shift.ends_at))
        if shift.distribution is not None:
            event.add("location", _address(shift.distribution.place))
        event.add("dtstamp", timezone.now())
        events.append(event)
    return events


def feed_ics(feed: MemberFeed) -> bytes:
    """The feed's calendar, as iCal bytes."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Mes distributions et permanences"))
    for event in [*_distribution_events(feed.user), *_shift_events(feed.user)]:
        calendar.add_component(event)
    return calendar.to_ical()
