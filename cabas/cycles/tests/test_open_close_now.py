"""« Ouvrir maintenant » and « Fermer maintenant » on a cycle: the opening or the close becomes
now, with the approval of prices and the dates checked first."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cabas.cycles import services
from cabas.cycles.exceptions import CycleError
from cabas.cycles.models import OrderCycle
from cabas.cycles.tests.test_cycles_services import DAY, make_cycle
from cabas.orders import pick_list

SECOND = datetime.timedelta(seconds=5)


def _edit(client, enterprise, cycle):
    return client.get(reverse("cycles:edit", args=[enterprise.slug, cycle.uuid])).content.decode()


# --- Services -------------------------------------------------------------------------------------


def test_open_now_sets_the_opening_to_now_and_keeps_the_close(enterprise):
    cycle = make_cycle(enterprise, opens_in=3 * DAY)
    closes_at = cycle.closes_at

    services.cycle_open_now(cycle=cycle)

    cycle.refresh_from_db()
    assert abs(cycle.opens_at - timezone.now()) < SECOND
    assert cycle.closes_at == closes_at
    assert cycle.status() == OrderCycle.Status.OPEN
    assert services.cycle_is_sellable(cycle)


def test_open_now_refuses_a_cycle_whose_prices_await_approval(enterprise):
    enterprise.price_approval = "producers"
    enterprise.save()
    cycle = make_cycle(enterprise, opens_in=3 * DAY)
    opens_at = cycle.opens_at

    with pytest.raises(CycleError, match="prix soient approuvés"):
        services.cycle_open_now(cycle=cycle)

    cycle.refresh_from_db()
    assert cycle.opens_at == opens_at


def test_open_now_refuses_a_cycle_whose_close_is_past_or_already_open(enterprise):
    closed = make_cycle(enterprise, opens_in=-3 * DAY, length=DAY)
    opened = make_cycle(enterprise, opens_in=-DAY)

    with pytest.raises(CycleError, match="La clôture de ce cycle est passée"):
        services.cycle_open_now(cycle=closed)
    with pytest.raises(CycleError, match="déjà ouvert"):
        services.cycle_open_now(cycle=opened)


def test_close_now_sets_the_close_to_now_and_producers_are_then_told(enterprise):
    cycle = make_cycle(enterprise, opens_in=-DAY, length=3 * DAY)
    opens_at = cycle.opens_at

    services.cycle_close_now(cycle=cycle)

    cycle.refresh_from_db()
    assert abs(cycle.closes_at - timezone.now()) < SECOND
    assert cycle.opens_at == opens_at
    assert cycle.status() == OrderCycle.Status.CLOSED
    # The periodic announcement of closed cycles reads the close date: it picks this one up.
    pick_list.cycles_notify_producers()
    cycle.refresh_from_db()
    assert cycle.producers_notified_at is not None


def test_close_now_refuses_a_cycle_that_is_not_open(enterprise):
    upcoming = make_cycle(enterprise, opens_in=DAY)
    closes_at = upcoming.closes_at

    with pytest.raises(CycleError, match="n'est pas ouvert"):
        services.cycle_close_now(cycle=upcoming)

    upcoming.refresh_from_db()
    assert upcoming.closes_at == closes_at


# --- Pages ----------------------------------------------------------------------------------------


def test_the_page_of_an_upcoming_cycle_opens_it_now(client_for, manager, enterprise):
    cycle = make_cycle(enterprise, opens_in=3 * DAY)
    client = client_for(manager)
    page = _edit(client, enterprise, cycle)
    assert "Ouvrir maintenant" in page and "Fermer maintenant" not in page

    response = client.post(reverse("cycles:open_now", args=[enterprise.slug, cycle.uuid]), follow=True)

    page = response.content.decode()
    assert "ouvert : il prend les commandes" in page
    assert "Fermer maintenant" in page and "Ouvrir maintenant" not in page
    cycle.refresh_from_db()
    assert cycle.status() == OrderCycle.Status.OPEN


def test_the_page_says_what_blocks_the_opening(client_for, manager, enterprise):
    enterprise.price_approval = "producers"
    enterprise.save()
    cycle = make_cycle(enterprise, opens_in=3 * DAY)
    client = client_for(manager)

    page = _edit(client, enterprise, cycle)
    assert "Ouvrir maintenant" not in page
    assert "ses prix doivent être approuvés (état : Prix en préparation)" in page

    response = client.post(reverse("cycles:open_now", args=[enterprise.slug, cycle.uuid]), follow=True)
    assert "prix soient approuvés" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.status() == OrderCycle.Status.UPCOMING


def test_the_page_of_an_open_cycle_closes_it_now(client_for, manager, enterprise):
    cycle = make_cycle(enterprise, opens_in=-DAY, length=3 * DAY)
    client = client_for(manager)

    response = client.post(reverse("cycles:close_now", args=[enterprise.slug, cycle.uuid]), follow=True)

    page = response.content.decode()
    assert "fermé : il ne prend plus de commandes" in page
    assert "Fermer maintenant" not in page and "Ouvrir maintenant" not in page
    cycle.refresh_from_db()
    assert cycle.status() == OrderCycle.Status.CLOSED


def test_closing_a_closed_cycle_says_why_and_changes_nothing(client_for, manager, enterprise):
    cycle = make_cycle(enterprise, opens_in=-3 * DAY, length=DAY)
    closes_at = cycle.closes_at

    response = client_for(manager).post(
        reverse("cycles:close_now", args=[enterprise.slug, cycle.uuid]), follow=True
    )

    assert "n&#x27;est pas ouvert" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.closes_at == closes_at


def test_open_and_close_now_take_only_a_post(client_for, manager, enterprise):
    cycle = make_cycle(enterprise, opens_in=DAY)
    client = client_for(manager)
    for name in ("cycles:open_now", "cycles:close_now"):
        assert client.get(reverse(name, args=[enterprise.slug, cycle.uuid])).status_code == 405
    assert not mail.outbox
