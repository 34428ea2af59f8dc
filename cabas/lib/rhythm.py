"""The dates of a recurring rhythm between two days: every week, every two or three weeks, every
month on the same day, or the n-th weekday of each month (« le 2e mardi du mois », « le dernier
vendredi »). What an AMAP's season of distributions or a shop's schedule is generated from; the dates
are then stored and edited one by one (cancelled, moved), never recomputed.

`rhythm_dates(rhythm=…, first=…, last=…)` returns the dates in order, `first` and `last` included
when they fall on the rhythm. A monthly date on a day the month lacks (the 31st in April) falls on
the month's last day. The n-th weekday rhythm takes `nth` (1 to 4, or -1 for the last) and
`weekday` (0 = Monday … 6 = Sunday); its first date is the first such day on or after `first`.
Bad input raises `RhythmError` with a French message.
"""

import calendar
import datetime
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_DATES = 400  # more than seven years of weekly dates: a typing mistake, not a season


class RhythmError(ValueError):
    """A rhythm that cannot give dates; `message` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Rhythm(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    EVERY_THREE_WEEKS = "every_3_weeks"
    MONTHLY = "monthly"
    NTH_WEEKDAY = "nth_weekday"

    @property
    def label(self) -> str:
        return str(RHYTHM_LABELS[self])


RHYTHM_LABELS = {
    Rhythm.WEEKLY: gettext_lazy("Chaque semaine"),
    Rhythm.FORTNIGHTLY: gettext_lazy("Toutes les deux semaines"),
    Rhythm.EVERY_THREE_WEEKS: gettext_lazy("Toutes les trois semaines"),
    Rhythm.MONTHLY: gettext_lazy("Chaque mois, le même jour"),
    Rhythm.NTH_WEEKDAY: gettext_lazy("Chaque mois, un jour de la semaine donné (le 2e mardi…)"),
}
WEEKS = {Rhythm.WEEKLY: 1, Rhythm.FORTNIGHTLY: 2, Rhythm.EVERY_THREE_WEEKS: 3}


def nth_weekday(year: int, month: int, *, nth: int, weekday: int) -> datetime.date:
    """The `nth` (1 to 4, -1: the last) `weekday` (0 = Monday) of a month."""
    days = [
        d
        for d in calendar.Calendar().itermonthdates(year, month)
        if d.month == month and d.weekday() == weekday
    ]
    return days[-1] if nth == -1 else days[nth - 1]


def _months(first: datetime.date, last: datetime.date):
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def rhythm_dates(
    *,
    rhythm: str,
    first: datetime.date,
    last: datetime.date,
    nth: int | None = None,
    weekday: int | None = None,
) -> list[datetime.date]:
    """The dates of `rhythm` from `first` to `last`, both included (see the module's docstring)."""
    try:
        rhythm = Rhythm(rhythm)
    except ValueError:
        raise RhythmError(_("Rythme inconnu.")) from None
    if last < first:
        raise RhythmError(_("La dernière date doit venir après la première."))
    if rhythm in WEEKS:
        step = datetime.timedelta(weeks=WEEKS[rhythm])
        count = (last - first) // step + 1
        dates = [first + i * step for i in range(min(count, MAX_DATES + 1))]
    elif rhythm == Rhythm.MONTHLY:
        dates = []
        for year, month in _months(first, last):
            day = min(first.day, calendar.monthrange(year, month)[1])
            dates.append(datetime.date(year, month, day))
            if len(dates) > MAX_DATES:
                break
        dates = [d for d in dates if d <= last]
    else:
        if nth not in (1, 2, 3, 4, -1):
            raise RhythmError(_("Choisissez le 1er, 2e, 3e, 4e ou le dernier jour du mois."))
        if weekday not in range(7):
            raise RhythmError(_("Choisissez un jour de la semaine."))
        dates = []
        for year, month in _months(first, last):
            day = nth_weekday(year, month, nth=nth, weekday=weekday)
            if first <= day <= last:
                dates.append(day)
            if len(dates) > MAX_DATES:
                break
    if len(dates) > MAX_DATES:
        raise RhythmError(
            _("Plus de %(max)d dates : vérifiez la première et la dernière.") % {"max": MAX_DATES}
        )
    return dates
