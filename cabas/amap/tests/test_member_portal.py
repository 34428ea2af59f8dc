"""The member portal (« Mon AMAP »): contracts, baskets by date and what may be done with them
(absence, moved basket, quantities of a variable basket, who collects a shared one), payments and
what is still owed, memberships, shifts; and the private iCal feed."""

import datetime
import re
from decimal import Decimal
from html import unescape

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.amap.models import Basket, Contract, Distribution, Instalment, MemberFeed, Shift, ShiftSignup
from cabas.amap.plans import subscription_due, subscription_received
from cabas.amap.portal import my_subscriptions
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.orders.models import Order
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PORTAL = reverse("amap_member:portal")


def text(response) -> str:
    html = unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return " ".join(html.replace("\xa0", " ").replace("\u202f", " ").split())


def subscribed(s, email="camille@exemple.fr", name="Camille Martin", **extra):
    camille = member(s.amap, email, name)
    Contract.objects.filter(pk=s.eggs.pk).update(minimum_per_season=Decimal("0.00"))
    s.eggs.refresh_from_db()
    veg = subscription_create(
        contract=s.vegetables, customer=camille, quantities={s.big.pk: 1}, accepted=True, **extra
    )
    eggs = subscription_create(
        contract=s.eggs, customer=camille, quantities={s.dozen.pk: 1, s.half.pk: 1}, accepted=True
    )
    return camille, veg, eggs


def basket_at(subscription, distribution) -> Basket:
    return subscription.baskets.get(delivery__distribution=distribution)


def test_the_portal_shows_contracts_baskets_payments_and_memberships(client):
    s = season(weeks=4)
    camille, veg, eggs = subscribed(s)
    client.force_login(camille.user)
    body = text(client.get(PORTAL))
    assert "AMAP des Pentes" in body and "Légumes — Été" in body and "Œufs — Été" in body
    assert "En cours" in body and "2 / 2" in body
    first = s.distributions[0]
    # One card per distribution: its time and place once, then each contract's basket.
    assert "18:30–19:30, Salle des Canuts Lyon Légumes — Jardins du Garon 1 × Panier de légumes Grand" in body
    assert "1 × Œufs Douzaine 1 × Œufs Demi-douzaine" in body
    assert "Reste à fournir : 72,00 €" in body  # 4 × 18 €
    assert "À fournir" in body
    assert "AMAP des Pentes, " in body and "15,00 € (Chèque) — réglée" in body
    assert first.date.strftime("%Y") in body


def test_what_is_still_owed_is_due_minus_received(client):
    s = season(weeks=4)
    camille, veg, _eggs = subscribed(s, instalments=2)
    Instalment.objects.filter(subscription=veg, number=1).update(
        state=Instalment.State.RECEIVED, received_at=timezone.now()
    )
    [row] = [sub for sub in my_subscriptions([camille.pk]) if sub.pk == veg.pk]
    assert row.due == subscription_due(veg) == Decimal("72.00")
    assert row.received == subscription_received(veg) == Decimal("36.00")
    assert row.owed == Decimal("36.00")
    client.force_login(camille.user)
    body = text(client.get(PORTAL))
    assert "Reste à fournir : 36,00 €" in body and "Reçu par l'AMAP" in body


def test_the_portal_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    s = season(weeks=3)
    Contract.objects.filter(pk=s.vegetables.pk).update(absence_policy=Contract.AbsencePolicy.MOVED)
    camille, _veg, _eggs = subscribed(s)
    client.force_login(camille.user)
    client.get(PORTAL)  # the feed is made on the first visit
    with django_assert_num_queries(15) as before:
        client.get(PORTAL)
    other = Contract.objects.create(
        amap=s.amap,
        producer=s.farm,
        name="Pain",
        season="Été",
        published=True,
        signup_opens_on=s.vegetables.signup_opens_on,
        signup_closes_on=s.vegetables.signup_closes_on,
        absence_policy=Contract.AbsencePolicy.MOVED,
    )
    for distribution in s.distributions:
        other.deliveries.create(distribution=distribution)
    bread = s.vegetables.products.first().variant
    other.products.create(variant=bread, price=Decimal("5.00"))
    subscription_create(
        contract=other, customer=camille, quantities={other.products.get().pk: 2}, accepted=True
    )
    shift = Shift.objects.create(
        enterprise=s.amap,
        distribution=s.distributions[1],
        role="Accueil",
        date=s.distributions[1].date,
        starts_at=datetime.time(18),
        ends_at=datetime.time(20),
    )
    ShiftSignup.objects.create(shift=shift, user=camille.user)
    with django_assert_num_queries(len(before.captured_queries)):
        page = client.get(PORTAL)
    assert "Accueil — AMAP des Pentes" in text(page)


def test_a_member_declares_an_absence_and_takes_it_back(client):
    s = season(weeks=4)
    camille, veg, _eggs = subscribed(s)
    basket = basket_at(veg, s.distributions[2])
    client.force_login(camille.user)
    done = client.post(reverse("amap_member:basket_absence", args=[basket.pk]))
    assert done.status_code == 302
    basket.refresh_from_db()
    assert basket.absence == Basket.Absence.SOLIDARITY
    body = text(client.get(PORTAL))
    assert "Votre absence est enregistrée." in body and "Absent : panier solidaire" in body
    assert "1 / 2" in body and "1 absence restante sur 2, à déclarer au plus tard le" in body
    client.post(reverse("amap_member:basket_absence_cancel", args=[basket.pk]))
    basket.refresh_from_db()
    assert basket.absence == ""


def test_a_moved_basket_asks_where_and_refuses_without_an_answer(client):
    s = season(weeks=4)
    Contract.objects.filter(pk=s.vegetables.pk).update(absence_policy=Contract.AbsencePolicy.MOVED)
    camille, veg, _eggs = subscribed(s)
    basket = basket_at(veg, s.distributions[1])
    client.force_login(camille.user)
    page = client.get(PORTAL)
    assert f'id="move-{basket.pk}"' in page.content.decode()
    url = reverse("amap_member:basket_absence", args=[basket.pk])
    refused = client.post(url, follow=True)
    assert "Choisissez la distribution où reprendre ce panier." in text(refused)
    assert Basket.objects.get(pk=basket.pk).absence == ""
    client.post(url, {"move_to": s.distributions[3].pk})
    basket.refresh_from_db()
    assert basket.moved_to == s.distributions[3]
    assert timezone.localtime(basket.order.pickup_at).date() == s.distributions[3].date


def test_past_baskets_are_locked_and_an_absence_too_late_is_refused(client):
    s = season(weeks=4)
    camille, veg, _eggs = subscribed(s)
    past = s.distributions[0]
    Distribution.objects.filter(pk=past.pk).update(date=timezone.localdate() - datetime.timedelta(days=2))
    basket = basket_at(veg, past)
    client.force_login(camille.user)
    page = client.get(PORTAL)
    assert "Paniers des deux dernières semaines" in text(page) and "distribution passée" in text(page)
    assert reverse("amap_member:basket_absence", args=[basket.pk]) not in page.content.decode()
    refused = client.post(reverse("amap_member:basket_absence", args=[basket.pk]), follow=True)
    assert "Cette distribution est passée" in text(refused)
    assert Basket.objects.get(pk=basket.pk).absence == ""


def test_a_variable_basket_changes_while_its_window_is_open(client):
    s = season(weeks=6)
    camille, _veg, eggs = subscribed(s)
    basket = basket_at(eggs, s.distributions[2])
    client.force_login(camille.user)
    url = reverse("amap_member:basket_quantities", args=[basket.pk])
    assert url in client.get(PORTAL).content.decode()
    client.post(url, {f"q_{s.dozen.pk}": "2", f"q_{s.half.pk}": "0"})
    assert Order.objects.get(amap_basket=basket).total == Decimal("8.40")
    refused = client.post(url, {f"q_{s.dozen.pk}": "0", f"q_{s.half.pk}": "0"}, follow=True)
    assert "Le minimum par distribution est de 2,00 €." in text(refused)
    assert Order.objects.get(amap_basket=basket).total == Decimal("8.40")
    bad = client.post(url, {f"q_{s.dozen.pk}": "deux"}, follow=True)
    assert "Indiquez des quantités en nombres entiers." in text(bad)


def test_a_shared_basket_says_who_collects_and_can_be_swapped(client):
    s = season(weeks=4)
    sam = member(s.amap, "sam@exemple.fr", "Sam Roy")
    camille, veg, _eggs = subscribed(s, sharers=[sam])
    basket = basket_at(veg, s.distributions[0])
    client.force_login(sam.user)
    body = text(client.get(PORTAL))
    assert "Récupéré par Camille Martin." in body and "Récupéré par Sam Roy." in body
    client.post(reverse("amap_member:basket_collector", args=[basket.pk]), {"collector": sam.pk})
    basket.refresh_from_db()
    assert basket.collector == sam
    stranger = member(s.amap, "x@exemple.fr", "Xu Lin")
    refused = client.post(
        reverse("amap_member:basket_collector", args=[basket.pk]), {"collector": stranger.pk}, follow=True
    )
    assert "Choisissez l'un des adhérents qui partagent ce panier." in text(refused)


def test_someone_elses_basket_is_not_found(client):
    s = season(weeks=2)
    _camille, veg, _eggs = subscribed(s)
    basket = veg.baskets.first()
    client.force_login(UserFactory(email="autre@exemple.fr"))
    for name in ("basket_absence", "basket_absence_cancel", "basket_quantities", "basket_collector"):
        assert client.post(reverse(f"amap_member:{name}", args=[basket.pk])).status_code == 404


def test_the_portal_needs_a_login(client):
    assert client.get(PORTAL).status_code == 302


def test_the_ical_feed_lists_the_distributions_to_collect_and_the_shifts(client):
    s = season(weeks=4)
    s.place.address = "12 rue des Tables Claudiennes"
    s.place.postcode = "69001"
    s.place.save()
    camille, veg, _eggs = subscribed(s)
    basket_at(veg, s.distributions[3]).order  # noqa: B018
    shift = Shift.objects.create(
        enterprise=s.amap,
        distribution=s.distributions[1],
        role="Accueil",
        date=s.distributions[1].date,
        starts_at=datetime.time(18),
        ends_at=datetime.time(20),
    )
    ShiftSignup.objects.create(shift=shift, user=camille.user)
    client.force_login(camille.user)
    portal = client.get(PORTAL).content.decode()
    feed = MemberFeed.objects.get(user=camille.user)
    url = reverse("amap_member:feed", args=[feed.token])
    assert url in portal
    client.logout()
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    distributions = [e for e in events if str(e["summary"]).startswith("Distribution")]
    assert len(distributions) == 4
    first = distributions[0]
    assert first.decoded("dtstart") == timezone.make_aware(
        datetime.datetime.combine(s.distributions[0].date, datetime.time(18, 30))
    )
    assert "12 rue des Tables Claudiennes, 69001 Lyon" in str(first["location"])
    assert "Légumes — Jardins du Garon" in str(first["description"])
    assert "Œufs — Poules de la Coise" in str(first["description"])
    assert "Œufs" not in str(distributions[1]["description"])
    [shift_event] = [e for e in events if str(e["summary"]).startswith("Permanence")]
    assert str(shift_event["summary"]) == "Permanence : Accueil — AMAP des Pentes"


def test_a_new_feed_address_retires_the_old_one(client):
    s = season(weeks=2)
    camille, _veg, _eggs = subscribed(s)
    client.force_login(camille.user)
    client.get(PORTAL)
    old = MemberFeed.objects.get().token
    client.post(reverse("amap_member:feed_renew"))
    new = MemberFeed.objects.get().token
    assert new != old
    assert client.get(reverse("amap_member:feed", args=[old])).status_code == 404
    assert client.get(reverse("amap_member:feed", args=[new])).status_code == 200


def test_an_absent_members_basket_leaves_the_feed(client):
    s = season(weeks=4)
    camille, veg, eggs = subscribed(s)
    for sub in (veg, eggs):
        Basket.objects.filter(subscription=sub, delivery__distribution=s.distributions[2]).update(
            absence=Basket.Absence.SOLIDARITY
        )
    feed = MemberFeed.objects.create(user=camille.user)
    calendar = icalendar.Calendar.from_ical(
        client.get(reverse("amap_member:feed", args=[feed.token])).content
    )
    starts = [e.decoded("dtstart").date() for e in calendar.walk("VEVENT")]
    assert s.distributions[2].date not in starts and len(starts) == 3


def test_a_postponed_delivery_shows_as_a_second_basket_at_its_new_date(client):
    from cabas.amap.distributions import delivery_postpone

    s = season(weeks=4)
    camille, veg, _eggs = subscribed(s)
    first, second = s.distributions[1], s.distributions[2]
    delivery_postpone(delivery=s.vegetables.deliveries.get(distribution=first), to=second)
    client.force_login(camille.user)
    html = client.get(PORTAL).content.decode()
    card = html.split(f'aria-labelledby="day-{second.date:%Y%m%d}-{second.place_id}"', 1)[1].split(
        "</article>"
    )[0]
    assert card.count("Légumes <span") == 2 and f"Livraison reportée du {first.date.day} " in card
    assert f'aria-labelledby="day-{first.date:%Y%m%d}-' not in html  # nothing left that day
