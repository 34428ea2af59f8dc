"""The AMAP's distributions in the back-office: the list, generating a season, a distribution's page
with its contracts, and cancelling, moving and postponing from it."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cabas.amap.models import Distribution
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.enterprises.models import ModelPreset, Role
from cabas.orders.models import Order
from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(client):
    s = season(weeks=4)
    client.force_login(s.owner)
    return s


def _url(name, s, **kwargs):
    return reverse(f"amap:{name}", kwargs={"slug": s.amap.slug, **kwargs})


def test_the_list_shows_the_distributions_to_come_with_their_contracts_and_marks_the_cancelled(
    client, s, django_assert_max_num_queries
):
    Distribution.objects.filter(pk=s.distributions[1].pk).update(cancelled_at=timezone.now())
    with django_assert_max_num_queries(10):
        response = client.get(_url("distributions", s))
    page = response.content.decode()
    assert response.status_code == 200
    assert "4 distributions" in page and "Légumes" in page and "Œufs" in page
    assert page.count("Annulée") == 1
    assert "Générer des distributions" in page and "Distributions passées" in page
    assert "Calendrier des distributions" in page  # the menu entry of an AMAP


def test_past_distributions_are_reachable(client, s):
    Distribution.objects.create(
        amap=s.amap,
        place=s.place,
        date=timezone.localdate() - datetime.timedelta(days=30),
        starts_at=datetime.time(18),
        ends_at=datetime.time(19),
    )
    page = client.get(_url("distributions", s) + "?past=1").content.decode()
    assert "Distributions passées" in page and "1 distribution" in page


def test_a_volunteer_reads_the_distributions_but_gets_no_form(client, s):
    volunteer = RoleFactory(enterprise=s.amap, role=Role.Level.VOLUNTEER).user
    client.force_login(volunteer)
    page = client.get(_url("distributions", s)).content.decode()
    assert "Générer des distributions" not in page
    detail = client.get(_url("distribution", s, distribution=s.distributions[0].uuid)).content.decode()
    assert "Légumes" in detail and "Annuler la distribution" not in detail
    assert client.get(_url("distributions_generate", s)).status_code == 403


def test_the_pages_are_not_found_for_an_enterprise_that_is_not_an_amap(client, s):
    s.amap.model = ModelPreset.HUB
    s.amap.save(update_fields=["model"])
    assert client.get(_url("distributions", s)).status_code == 404
    assert client.get(_url("distribution", s, distribution=s.distributions[0].uuid)).status_code == 404
    assert (
        "Calendrier des distributions"
        not in client.get(reverse("cycles:fees", args=[s.amap.slug])).content.decode()
    )


def test_generating_the_second_tuesdays_of_the_months(client, s):
    start = timezone.localdate() + datetime.timedelta(days=60)
    response = client.post(
        _url("distributions_generate", s),
        {
            "place": s.place.pk,
            "rhythm": "nth_weekday",
            "first": start.isoformat(),
            "last": (start + datetime.timedelta(days=95)).isoformat(),
            "nth": "2",
            "weekday": "1",
            "starts_at": "18:00",
            "ends_at": "19:30",
        },
        follow=True,
    )
    created = Distribution.objects.filter(amap=s.amap, date__gte=start)
    assert created.count() in (3, 4)
    assert all(d.weekday() == 1 and 8 <= d.day <= 14 for d in created.values_list("date", flat=True))
    assert "distributions créées" in response.content.decode()


def test_generating_with_bad_hours_says_why_in_french_and_creates_nothing(client, s):
    before = Distribution.objects.count()
    response = client.post(
        _url("distributions_generate", s),
        {
            "place": s.place.pk,
            "rhythm": "weekly",
            "first": "2030-01-01",
            "last": "2030-03-01",
            "starts_at": "19:00",
            "ends_at": "18:00",
        },
    )
    assert response.status_code == 200
    assert "L&#x27;heure de fin doit suivre l&#x27;heure de début." in response.content.decode()
    assert Distribution.objects.count() == before
    response = client.post(
        _url("distributions_generate", s),
        {
            "place": s.place.pk,
            "rhythm": "nth_weekday",
            "first": "2030-01-01",
            "last": "2030-03-01",
            "starts_at": "18:00",
            "ends_at": "19:00",
        },
    )
    assert "field-invalid" in response.content.decode() and Distribution.objects.count() == before


def _subscribe(s, email):
    return subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, email),
        quantities={s.big.pk: 1},
        accepted=True,
    )


def test_postponing_from_the_page_shows_the_double_basket_and_tells_the_members(
    client, s, django_capture_on_commit_callbacks
):
    sub = _subscribe(s, "camille@exemple.fr")
    mail.outbox.clear()
    first, second = s.distributions[0], s.distributions[1]
    delivery = s.vegetables.deliveries.get(distribution=first)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("delivery_postpone", s, distribution=first.uuid),
            {"delivery": delivery.pk, "to": second.uuid},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["camille@exemple.fr"]]
    page = client.get(_url("distribution", s, distribution=second.uuid)).content.decode()
    assert "Double panier" in page
    assert (
        Order.objects.filter(
            amap_basket__subscription=sub, pickup_at__date=second.date, status="placed"
        ).count()
        == 2
    )
    away = client.get(_url("distribution", s, distribution=first.uuid)).content.decode()
    assert "livraison reportée à la distribution du" in away


def test_postponing_to_a_distribution_of_another_amap_is_refused(client, s):
    other = season_other_amap_distribution(s)
    delivery = s.vegetables.deliveries.get(distribution=s.distributions[0])
    response = client.post(
        _url("delivery_postpone", s, distribution=s.distributions[0].uuid),
        {"delivery": delivery.pk, "to": other.uuid},
    )
    assert response.status_code == 400
    assert "Choisissez une autre distribution de l&#x27;AMAP." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.distribution == s.distributions[0]


def season_other_amap_distribution(s):
    other = EnterpriseFactory(model=ModelPreset.AMAP)
    place = other.shipping_methods.create(kind="pickup", name="Ailleurs")
    return Distribution.objects.create(
        amap=other,
        place=place,
        date=s.distributions[2].date,
        starts_at=datetime.time(18),
        ends_at=datetime.time(19),
    )


def test_cancelling_from_the_page_needs_a_reason_then_cancels_the_baskets(
    client, s, django_capture_on_commit_callbacks
):
    sub = _subscribe(s, "camille@exemple.fr")
    target = s.distributions[2]
    url = _url("distribution_cancel", s, distribution=target.uuid)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Indiquez la raison : elle est envoyée aux adhérents." in response.content.decode()
    assert Distribution.objects.get(pk=target.pk).cancelled_at is None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Grève des transports"}, follow=True)
    page = response.content.decode()
    assert "Distribution annulée" in page and "Grève des transports" in page
    assert Order.objects.filter(amap_basket__subscription=sub, status="cancelled").count() == 1
    assert len(mail.outbox) == 1


def test_moving_from_the_page_moves_the_orders(client, s, django_capture_on_commit_callbacks):
    sub = _subscribe(s, "camille@exemple.fr")
    target = s.distributions[1]
    new_day = target.date + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("distribution_move", s, distribution=target.uuid),
            {"date": new_day.isoformat(), "place": s.place.pk, "starts_at": "17:00", "ends_at": "18:00"},
        )
    assert response.status_code == 302
    order = Order.objects.get(amap_basket__subscription=sub, amap_basket__delivery__distribution=target)
    assert timezone.localtime(order.pickup_at).date() == new_day
    response = client.post(
        _url("distribution_move", s, distribution=target.uuid),
        {"date": "2001-01-01", "place": s.place.pk, "starts_at": "17:00", "ends_at": "18:00"},
    )
    assert response.status_code == 400 and "Choisissez une date à venir." in response.content.decode()
    assert Distribution.objects.get(pk=target.pk).date == new_day


def test_an_amap_without_a_pickup_place_is_told_to_add_one(client, s):
    s.place.kind = "delivery"
    s.place.save(update_fields=["kind"])
    page = client.get(_url("distributions_generate", s)).content.decode()
    assert "pas encore de lieu de retrait" in page and reverse("cycles:shipping", args=[s.amap.slug]) in page
