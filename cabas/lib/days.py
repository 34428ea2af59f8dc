"""Calendar days in the site's time zone (Europe/Paris), as the database compares datetimes."""

import datetime

from django.utils import timezone


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `day` in local time and that of the next day: a datetime `at` falls on
    `day` when `start <= at < end` (aware arithmetic is wall-clock: the clocks changing that day
    still end it at the next local midnight)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)
