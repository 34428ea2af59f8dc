"""Schedules: a cycle repeated weekly, fortnightly or monthly; `cycles_schedule_run` creates the next
cycle when the latest one closes within the horizon, and nothing more when run again."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cabas.cycles import services, tasks
from cabas.cycles.models import OrderCycle, Schedule
from cabas.cycles.tests.test_cycles_services import DAY, make_cycle
from tests.factories import VariantFactory


def _paris(moment) -> str:
    return moment.astimezone(services.PARIS).strftime("%Y-%m-%d %H:%M")


def test_it_creates_the_next_cycle_once_even_when_run_twice(enterprise):
    cycle = make_cycle(enterprise, opens_in=DAY, length=2 * DAY)
    VariantFactory(product__producer=enterprise)
    services.cycle_variants_add(cycle=cycle)
    schedule = services.schedule_create(cycle=cycle, frequency="weekly")

    created = services.schedules_run()
    again = services.schedules_run()

    assert len(created) == 1 and again == []
    follower = created[0]
    assert follower.schedule == schedule
    assert follower.opens_at - cycle.opens_at in (
        7 * DAY,
        7 * DAY - datetime.timedelta(hours=1),
        7 * DAY + datetime.timedelta(hours=1),
    )
    assert follower.cycle_variants.count() == 1
    assert OrderCycle.objects.count() == 2


def test_it_waits_until_the_latest_cycle_closes_within_the_horizon(enterprise):
    cycle = make_cycle(enterprise, opens_in=20 * DAY, length=2 * DAY)
    services.schedule_create(cycle=cycle, frequency="weekly")

    assert services.schedules_run() == []
    later = timezone.now() + 16 * DAY

    assert len(services.schedules_run(now=later)) == 1


def test_it_keeps_the_paris_time_of_a_monthly_cycle_across_summer_time(enterprise):
    # Opens Tuesday 4 March 2031 at 18:00 (winter time); the next one on 4 April at 18:00 (summer time).
    opens = datetime.datetime(2031, 3, 4, 17, 0, tzinfo=datetime.UTC)
    cycle = services.cycle_create(
        coordinator=enterprise, name="Mensuel", opens_at=opens, closes_at=opens + DAY
    )
    services.schedule_create(cycle=cycle, frequency="monthly", name="Panier du mois")

    created = services.schedules_run(now=opens)

    assert [_paris(c.opens_at) for c in created] == ["2031-04-04 18:00"]
    assert created[0].name == "Panier du mois du 04/04/2031"


def test_it_skips_the_periods_missed_instead_of_creating_cycles_in_the_past(enterprise):
    old = make_cycle(enterprise, opens_in=-30 * DAY, length=DAY)
    services.schedule_create(cycle=old, frequency="weekly")

    now = timezone.now()
    created = services.schedules_run(now=now)

    assert created, "the schedule starts again"
    assert all(c.opens_at > now for c in created)
    assert created[0].opens_at - now <= 7 * DAY  # the first period after now, not four weeks of past cycles


def test_it_creates_nothing_for_a_stopped_schedule(client_for, manager, enterprise):
    cycle = make_cycle(enterprise, opens_in=DAY)
    schedule = services.schedule_create(cycle=cycle, frequency="fortnightly")

    client_for(manager).post(reverse("cycles:schedule_stop", args=[enterprise.slug, schedule.uuid]))

    assert Schedule.objects.get().active is False
    assert services.schedules_run() == []


def test_it_schedules_a_cycle_from_its_page_and_prepares_the_next_one(client_for, manager, enterprise):
    cycle = make_cycle(enterprise, opens_in=DAY)

    response = client_for(manager).post(
        reverse("cycles:schedule", args=[enterprise.slug, cycle.uuid]), {"frequency": "weekly"}, follow=True
    )

    assert "se répétera" in response.content.decode()
    assert OrderCycle.objects.filter(schedule__isnull=False).count() == 2
    assert "Cycles programmés" in response.content.decode()


def test_it_runs_from_the_command_and_the_task(enterprise):
    cycle = make_cycle(enterprise, opens_in=DAY)
    services.schedule_create(cycle=cycle, frequency="weekly")
    out = StringIO()

    call_command("cycles_schedule_run", stdout=out)
    call_command("cycles_schedule_run", stdout=out)

    assert "1 cycle(s) created" in out.getvalue()
    assert "0 cycle(s) created" in out.getvalue()
    assert tasks.cycles_schedule_run.enqueue().return_value == 0
    assert OrderCycle.objects.count() == 2
