"""The emails shifts send by themselves, once a day (`manage.py amap_shift_reminders`, see
docs/deploy.md):

- 4 days before a shift, a reminder to each person signed up (once: `Shift.reminded_at`);
- 7 days before, while a shift still has fewer people than its minimum, an alert to all the
  enterprise's people listing its vacant shifts with the link to sign up (once per shift:
  `Shift.vacancy_alerted_at`; one email per person and enterprise, however many shifts).

A day missed is caught up the next day (every shift from today to the day ahead counts). Each shift is
claimed under a lock in the transaction that enqueues its emails, so a second run, or a run on
another machine, sends nothing twice. The queries do not grow with the number of shifts.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Prefetch
from django.utils import formats, timezone

from cabas.accounts.emails import enqueue_templated_email
from cabas.amap.models import Shift, ShiftSignup
from cabas.amap.selectors_shifts import shift_people
from cabas.amap.shifts import shifts_url

REMIND_DAYS_BEFORE = 4
VACANCY_DAYS_BEFORE = 7


@dataclass(frozen=True)
class RemindersSent:
    reminded: int  # shifts whose people were reminded
    alerted: int  # shifts announced as short of people
    emails: int


def _when(shift: Shift) -> dict:
    return {
        "date": formats.date_format(shift.date, "l j F Y"),
        "start": formats.time_format(shift.starts_at, "TIME_FORMAT"),
        "end": formats.time_format(shift.ends_at, "TIME_FORMAT"),
    }


def _place(shift: Shift) -> str:
    return shift.distribution.place.name if shift.distribution_id else ""


def _claim(shifts) -> list[int]:
    """Lock the rows of `shifts` no other run holds (the others are theirs to send)."""
    return list(shifts.select_for_update(skip_locked=True).values_list("pk", flat=True))


def _remind(today: datetime.date, now: datetime.datetime) -> tuple[int, int]:
    last = today + datetime.timedelta(days=REMIND_DAYS_BEFORE)
    signups = Prefetch("signups", queryset=ShiftSignup.objects.select_related("user"))
    claimed = _claim(Shift.objects.filter(reminded_at=None, date__gte=today, date__lte=last))
    shifts = list(
        Shift.objects.filter(pk__in=claimed)
        .select_related("enterprise", "distribution__place")
        .prefetch_related(signups)
    )
    emails = 0
    for shift in shifts:
        for signup in shift.signups.all():
            user = signup.user
            if not user.is_active:
                continue
            enqueue_templated_email(
                "emails/amap/shift_reminder",
                to=user.email,
                context={
                    "full_name": user.full_name,
                    "enterprise": shift.enterprise.name,
                    "role": shift.role,
                    "place": _place(shift),
                    "url": shifts_url(shift.enterprise),
                    **_when(shift),
                },
                from_name=shift.enterprise.name,
            )
            emails += 1
    Shift.objects.filter(pk__in=[s.pk for s in shifts]).update(reminded_at=now)
    return len(shifts), emails


def _alert(today: datetime.date, now: datetime.datetime) -> tuple[int, int]:
    last = today + datetime.timedelta(days=VACANCY_DAYS_BEFORE)
    short = (
        Shift.objects.filter(vacancy_alerted_at=None, date__gte=today, date__lte=last)
        .annotate(taken=Count("signups"))
        .filter(taken__lt=F("min_people"))
        .values("pk")
    )
    claimed = _claim(Shift.objects.filter(pk__in=short, vacancy_alerted_at=None))
    shifts = list(
        Shift.objects.filter(pk__in=claimed)
        .select_related("enterprise", "distribution__place")
        .annotate(taken=Count("signups"))
        .order_by("enterprise_id", "date", "starts_at", "role")
    )
    by_enterprise = defaultdict(list)
    for shift in shifts:
        by_enterprise[shift.enterprise].append(shift)
    emails = 0
    for enterprise, vacant in by_enterprise.items():
        listed = [
            {"role": s.role, "place": _place(s), "missing": s.min_people - s.taken, **_when(s)}
            for s in vacant
        ]
        for name, email in shift_people(enterprise).values_list("full_name", "email"):
            enqueue_templated_email(
                "emails/amap/shift_vacancies",
                to=email,
                context={
                    "full_name": name,
                    "enterprise": enterprise.name,
                    "shifts": listed,
                    "url": shifts_url(enterprise),
                },
                from_name=enterprise.name,
            )
            emails += 1
    Shift.objects.filter(pk__in=[s.pk for s in shifts]).update(vacancy_alerted_at=now)
    return len(shifts), emails


def shift_reminders_send(*, today: datetime.date | None = None) -> RemindersSent:
    """Send the day's reminders and vacancy alerts (see the module's docstring)."""
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        reminded, reminder_emails = _remind(today, now)
    with transaction.atomic():
        alerted, alert_emails = _alert(today, now)
    return RemindersSent(reminded=reminded, alerted=alerted, emails=reminder_emails + alert_emails)
