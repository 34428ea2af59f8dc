"""The dates of a rhythm: every week, two or three weeks, every month, the n-th weekday of the month."""

import calendar
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cabas.lib.rhythm import MAX_DATES, Rhythm, RhythmError, nth_weekday, rhythm_dates

D = datetime.date
days = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))


def test_a_weekly_season_from_a_tuesday_gives_every_tuesday_both_ends_included():
    dates = rhythm_dates(rhythm="weekly", first=D(2027, 4, 6), last=D(2027, 5, 4))

    assert dates == [D(2027, 4, 6), D(2027, 4, 13), D(2027, 4, 20), D(2027, 4, 27), D(2027, 5, 4)]


def test_the_second_tuesday_and_the_last_friday_of_each_month():
    second_tuesdays = rhythm_dates(
        rhythm="nth_weekday", first=D(2027, 1, 1), last=D(2027, 4, 30), nth=2, weekday=1
    )
    last_fridays = rhythm_dates(
        rhythm="nth_weekday", first=D(2027, 1, 1), last=D(2027, 3, 31), nth=-1, weekday=4
    )

    assert second_tuesdays == [D(2027, 1, 12), D(2027, 2, 9), D(2027, 3, 9), D(2027, 4, 13)]
    assert last_fridays == [D(2027, 1, 29), D(2027, 2, 26), D(2027, 3, 26)]


def test_a_monthly_date_on_the_31st_falls_on_the_last_day_of_shorter_months():
    dates = rhythm_dates(rhythm="monthly", first=D(2027, 1, 31), last=D(2027, 5, 31))

    assert dates == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30), D(2027, 5, 31)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rhythm": "weekly", "first": D(2027, 5, 1), "last": D(2027, 4, 1)}, "après la première"),
        ({"rhythm": "daily", "first": D(2027, 4, 1), "last": D(2027, 5, 1)}, "Rythme inconnu"),
        (
            {"rhythm": "nth_weekday", "first": D(2027, 4, 1), "last": D(2027, 5, 1), "nth": 5, "weekday": 1},
            "dernier",
        ),
        (
            {"rhythm": "nth_weekday", "first": D(2027, 4, 1), "last": D(2027, 5, 1), "nth": 1, "weekday": 7},
            "jour de la",
        ),
        ({"rhythm": "weekly", "first": D(2020, 1, 1), "last": D(2035, 1, 1)}, "Plus de 400 dates"),
    ],
)
def test_bad_input_is_refused_with_a_french_message(kwargs, message):
    with pytest.raises(RhythmError, match=message):
        rhythm_dates(**kwargs)


@given(
    first=days,
    span=st.integers(min_value=0, max_value=700),
    rhythm=st.sampled_from(["weekly", "fortnightly", "every_3_weeks"]),
)
def test_weekly_rhythms_step_by_whole_weeks_from_the_first_day(first, span, rhythm):
    last = first + datetime.timedelta(days=span)
    step = {"weekly": 7, "fortnightly": 14, "every_3_weeks": 21}[rhythm]

    dates = rhythm_dates(rhythm=rhythm, first=first, last=last)

    assert dates[0] == first and dates[-1] <= last
    assert all((b - a).days == step for a, b in zip(dates, dates[1:], strict=False))
    assert (last - dates[-1]).days < step  # none missing at the end
    assert len(dates) == span // step + 1


@given(
    first=days,
    span=st.integers(min_value=0, max_value=1500),
    nth=st.sampled_from([1, 2, 3, 4, -1]),
    weekday=st.integers(0, 6),
)
def test_nth_weekday_dates_are_that_weekday_once_a_month_within_the_bounds(first, span, nth, weekday):
    last = first + datetime.timedelta(days=span)

    dates = rhythm_dates(rhythm="nth_weekday", first=first, last=last, nth=nth, weekday=weekday)

    assert all(first <= d <= last and d.weekday() == weekday for d in dates)
    assert len({(d.year, d.month) for d in dates}) == len(dates)  # once a month at most
    for d in dates:
        ordinal = (d.day - 1) // 7 + 1
        assert ordinal == nth if nth != -1 else d.day + 7 > calendar.monthrange(d.year, d.month)[1]
    # every month wholly inside the bounds has its date
    for year, month in {
        (first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1) for i in range(60)
    }:
        start, end = D(year, month, 1), D(year, month, calendar.monthrange(year, month)[1])
        if first <= start and end <= last:
            assert nth_weekday(year, month, nth=nth, weekday=weekday) in dates


@given(first=days, span=st.integers(min_value=0, max_value=1500))
def test_monthly_dates_are_one_a_month_on_the_first_days_number_or_the_months_end(first, span):
    last = first + datetime.timedelta(days=span)

    dates = rhythm_dates(rhythm="monthly", first=first, last=last)

    assert dates[0] == first and all(d <= last for d in dates)
    assert len({(d.year, d.month) for d in dates}) == len(dates) <= MAX_DATES
    assert all(d.day == min(first.day, calendar.monthrange(d.year, d.month)[1]) for d in dates)


def test_every_rhythm_has_a_french_label():
    assert [r.label for r in Rhythm][:2] == ["Chaque semaine", "Toutes les deux semaines"]
