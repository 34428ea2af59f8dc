"""Calendar days in the site's time zone (Europe/Paris), as the database compares datetimes, and the
date input of the forms that filter by day."""

import datetime

from django import forms
from django.utils import timezone


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `day` in local time and that of the next day: a datetime `at` falls on
    `day` when `start <= at < end` (aware arithmetic is wall-clock: the clocks changing that day
    still end it at the next local midnight)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


class DateInput(forms.DateInput):
    """A date field's `<input type="date">` (the browser's date picker; the value as YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
