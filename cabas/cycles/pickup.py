"""When and where an order is picked up or delivered, said the same way everywhere (shop, checkout,
order page, emails).

« When » has one source: the pickup date and time the cycle sets for its distributor
(`CycleDistributor.pickup_at`, copied on each order as `Order.pickup_at`). A shipping method's usual
day and hours (`weekday`, `opens_at`, `closes_at`) are only a default when no date is set, or an
addition when they fit that date (same weekday, the time within the hours): a method open
« samedi 9h–12h » never shows beside a pickup on Friday at 17:00. « Where » is the method's.
"""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _


def _hours(method) -> str:
    """« de 09:00 à 12:00 », « à partir de 09:00 », or "" for a method without hours."""
    if method is None or method.opens_at is None:
        return ""
    start = formats.time_format(method.opens_at, "TIME_FORMAT")
    if method.closes_at is None:
        return _("à partir de %(start)s") % {"start": start}
    end = formats.time_format(method.closes_at, "TIME_FORMAT")
    return _("de %(start)s à %(end)s") % {"start": start, "end": end}


def _fits(method, local) -> bool:
    """Whether the method's usual day and hours agree with the local pickup date and time."""
    if method.weekday is not None and method.weekday != local.weekday():
        return False
    moment = local.time()
    if method.opens_at is not None and moment < method.opens_at:
        return False
    return method.closes_at is None or moment <= method.closes_at


def method_hours(method, pickup_at=None) -> str:
    """What a shipping method adds about « when » to a pickup on `pickup_at` (the cycle's date, or
    None): its hours when they fit that date, nothing when they do not; without a date, its usual
    day and hours (« le samedi, de 09:00 à 12:00 »), the default."""
    if method is None:
        return ""
    hours = _hours(method)
    if pickup_at is not None:
        return hours if hours and _fits(method, timezone.localtime(pickup_at)) else ""
    if method.weekday is None:
        return hours
    day = str(WEEKDAYS[method.weekday])
    if not hours:
        return _("le %(weekday)s") % {"weekday": day}
    return _("le %(weekday)s, %(hours)s") % {"weekday": day, "hours": hours}


def pickup_when(pickup_at=None, method=None) -> str:
    """« When », in words: the cycle's pickup date and time (« vendredi 11 décembre 2026 à
    17:00 »), with `method`'s hours when they fit it (« samedi 12 décembre 2026, de 09:00 à
    12:00 »); without a date, the method's usual day and hours; "" when neither says."""
    if pickup_at is None:
        return method_hours(method)
    local = timezone.localtime(pickup_at)
    day = formats.date_format(local, "l j F Y")
    hours = method_hours(method, pickup_at)
    if hours:
        return _("%(day)s, %(hours)s") % {"day": day, "hours": hours}
    return _("%(day)s à %(time)s") % {"day": day, "time": formats.time_format(local, "TIME_FORMAT")}


def pickup_where(method) -> str:
    """« Where »: a pickup point's address (« 3 rue des Saules, 69004 Lyon »), "" for a delivery
    or a method without an address."""
    if method is None or method.kind != method.Kind.PICKUP:
        return ""
    town = f"{method.postcode} {method.city}".strip()
    return ", ".join(p for p in [method.address, town] if p)
