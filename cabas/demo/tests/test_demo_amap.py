"""What the demo promises about the AMAP de la Guillotière's season (cabas/demo/amap.py)."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from cabas.amap.distributions import pickup_at
from cabas.amap.models import (
    Basket,
    Contract,
    Delivery,
    Distribution,
    HandOver,
    Instalment,
    Membership,
    Shift,
    ShiftRule,
    ShiftSignup,
    Subscription,
)
from cabas.amap.plans import subscription_due
from cabas.enterprises.models import Role
from cabas.orders.models import Customer, Order

AMAP = "amap-de-la-guillotiere"
PASSWORD = "cabas-demo-2026"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo products' photos


@pytest.fixture
def demo(db):
    call_command("demo_data", verbosity=0)


def contract(name: str) -> Contract:
    return Contract.objects.select_related("producer").get(amap__slug=AMAP, name=name)


def test_the_amap_distributes_every_tuesday_evening_around_the_day_the_demo_is_loaded(demo):
    today = timezone.localdate()
    days = list(Distribution.objects.filter(amap__slug=AMAP).select_related("place"))

    assert len(days) == 20
    assert {d.date.weekday() for d in days} == {1}
    assert days[0].date <= today - datetime.timedelta(weeks=3)
    assert days[-1].date >= today + datetime.timedelta(weeks=12)
    place = days[0].place
    assert (place.name, place.kind, place.postcode, place.weekday) == (
        "Salle de la Guillotière",
        "pickup",
        "69007",
        1,
    )
    assert {(d.place_id, d.starts_at, d.ends_at) for d in days} == {
        (place.pk, datetime.time(18, 30), datetime.time(19, 45))
    }
    cancelled = [d for d in days if d.cancelled_at is not None]
    assert len(cancelled) == 1 and cancelled[0].date > today
    assert "pas de distribution" in cancelled[0].note.lower()
    assert not Delivery.objects.filter(distribution=cancelled[0], cancelled_at=None).exists()


def test_it_runs_three_contracts_with_the_farms_of_the_demo_the_bread_one_full(demo):
    vegetables, eggs, bread = contract("Légumes"), contract("Œufs"), contract("Pain")

    assert (vegetables.producer.slug, vegetables.kind) == ("ferme-des-collines", "fixed")
    assert set(vegetables.products.values_list("variant__name", "price")) == {
        ("Grand panier", Decimal("18.00")),
        ("Petit panier", Decimal("12.00")),
    }
    assert list(vegetables.tiers.values_list("name", "percent")) == [("Tarif solidaire", 60)]
    assert (eggs.producer.slug, eggs.kind) == ("volailles-de-la-coise", "variable")
    assert eggs.minimum_per_distribution > 0 and eggs.minimum_per_season > 0
    assert eggs.deliveries.count() * 2 == vegetables.deliveries.count()  # every other week
    assert (bread.producer.slug, bread.kind, bread.capacity) == ("fournil-de-la-combe", "fixed", 12)
    assert bread.deliveries.count() == vegetables.deliveries.count()  # weekly
    assert {c.absence_policy for c in (vegetables, eggs, bread)} == {"solidarity", "moved", "skipped"}
    assert all(c.published and c.season == vegetables.season for c in (eggs, bread))
    statuses = Counter(bread.subscriptions.values_list("status", flat=True))
    assert statuses[Subscription.Status.ACTIVE] == bread.capacity
    assert statuses[Subscription.Status.WAITING] >= 2
    assert not Basket.objects.filter(subscription__contract=bread, subscription__status="waiting").exists()


def test_its_members_subscribe_with_shared_baskets_and_the_solidarity_tier(demo):
    vegetables = contract("Légumes")
    shared = [s for s in vegetables.subscriptions.prefetch_related("shares") if s.shares.count() == 2]

    assert len(shared) == 2
    collectors = list(
        shared[0].baskets.order_by("delivery__distribution__date").values_list("collector", flat=True)[:4]
    )
    sharers = [share.customer_id for share in shared[0].shares.all()]
    assert collectors == [sharers[0], sharers[1], sharers[0], sharers[1]]  # they take turns
    solidarity = vegetables.subscriptions.filter(tier__name="Tarif solidaire")
    assert solidarity.count() >= 2
    basket = solidarity.first().baskets.select_related("order").first()
    assert basket.order.fee_lines.get().amount == -basket.order.items_total * Decimal("0.4")


def test_each_basket_is_an_order_of_the_producer_at_the_pickup_point(demo):
    baskets = Basket.objects.filter(subscription__contract__amap__slug=AMAP).select_related(
        "order", "delivery__distribution", "moved_to", "subscription__contract"
    )

    assert baskets.count() > 500
    for basket in baskets:
        order, day = basket.order, basket.moved_to or basket.delivery.distribution
        assert order.seller_id == basket.subscription.contract.producer_id
        assert (order.shipping_method_id, order.pickup_at) == (day.place_id, pickup_at(day))


def test_it_has_25_members_with_memberships_paid_and_unpaid_and_the_demo_members_subscribe(demo):
    members = Customer.objects.filter(enterprise__slug=AMAP)
    memberships = Membership.objects.filter(amap__slug=AMAP)

    assert members.count() >= 25
    assert memberships.count() == members.count()
    assert memberships.filter(paid_at=None).count() >= 2
    assert memberships.exclude(paid_at=None).count() >= 20
    assert members.exclude(user=None).count() >= 10
    for email in ("camille.amapienne@exemple.fr", "lucie.benevole@exemple.fr"):
        member = members.get(email=email)
        assert authenticate(email=email, password=PASSWORD) == member.user
        names = set(
            member.amap_subscriptions.filter(status="active").values_list("contract__name", flat=True)
        )
        assert names == {"Légumes", "Œufs", "Pain"}
    assert (
        Role.objects.get(enterprise__slug=AMAP, user__email="lucie.benevole@exemple.fr").role == "volunteer"
    )
    first = Distribution.objects.filter(amap__slug=AMAP).earliest("date").date
    late = Subscription.objects.filter(customer__email="sarah.cohen@exemple.fr", contract__amap__slug=AMAP)
    assert late.count() == 3  # she subscribed herself, from the next distribution (or waits for bread)
    assert all(s.accepted_at is not None and s.starts_on > first for s in late)


def test_payment_plans_of_1_3_and_10_cheques_in_every_state_summing_to_what_is_due(demo):
    instalments = Instalment.objects.filter(subscription__contract__amap__slug=AMAP)
    plans = Counter(instalments.values_list("subscription", flat=True)).values()

    assert {1, 3, 10} <= set(plans)
    for name in ("Légumes", "Œufs", "Pain"):
        states = set(instalments.filter(subscription__contract__name=name).values_list("state", flat=True))
        assert states == {"to_provide", "received", "handed_over"}, name
    received = instalments.exclude(state="to_provide")
    assert not received.filter(received_at=None).exists()
    assert not received.filter(method="cheque", cheque_number="").exists()
    for handover in HandOver.objects.filter(amap__slug=AMAP).prefetch_related("instalments__subscription"):
        assert {i.subscription.contract.producer_id for i in handover.instalments.all()} == {
            handover.producer_id
        }
    assert not instalments.filter(state="handed_over", handover=None).exists()
    subscriptions = Subscription.objects.filter(
        contract__amap__slug=AMAP, status="active", instalments__state="to_provide"
    ).distinct()
    assert subscriptions.count() >= 3
    for subscription in subscriptions:
        assert sum(i.amount for i in subscription.instalments.all()) == subscription_due(subscription)


def test_absences_of_each_kind_in_the_past_and_to_come_and_a_postponed_delivery(demo):
    today = timezone.localdate()
    absent = Basket.objects.filter(subscription__contract__amap__slug=AMAP).exclude(absence="")
    kinds = {
        (b.absence, b.delivery.distribution.date < today)
        for b in absent.select_related("delivery__distribution")
    }

    assert kinds == {(kind, past) for kind in ("solidarity", "moved", "skipped") for past in (True, False)}
    assert all(b.order.status == Order.Status.CANCELLED for b in absent.filter(absence="skipped"))
    assert all(b.order.status == Order.Status.PLACED for b in absent.exclude(absence="skipped"))
    for basket in absent.filter(absence="moved").select_related("moved_to", "order"):
        assert basket.order.pickup_at == pickup_at(basket.moved_to)
    postponed = Delivery.objects.filter(contract__amap__slug=AMAP).exclude(planned=None).get()
    assert postponed.distribution.date > postponed.planned.date >= today
    assert postponed.baskets.exists()


def test_two_volunteer_roles_at_each_distribution_some_filled_some_vacant(demo):
    today = timezone.localdate()
    days = Distribution.objects.filter(amap__slug=AMAP, cancelled_at=None)
    shifts = Shift.objects.filter(enterprise__slug=AMAP).prefetch_related("signups")

    assert shifts.count() == 2 * days.count()
    assert all(s.distribution.shifts.count() == 2 for s in shifts.select_related("distribution"))
    assert all(s.signups.count() >= s.min_people for s in shifts if s.date < today)
    assert any(s.signups.count() == 0 for s in shifts if s.date > today)
    assert any(0 < s.signups.count() < s.max_people for s in shifts if s.date > today)
    lucie = ShiftSignup.objects.filter(user__email="lucie.benevole@exemple.fr", shift__date__gt=today)
    assert lucie.count() == 2
    assert ShiftRule.objects.get(enterprise__slug=AMAP).per_member == 2


def amap_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Distribution,
            Contract,
            Delivery,
            Subscription,
            Basket,
            Instalment,
            HandOver,
            Shift,
            ShiftSignup,
            Membership,
            Customer,
            Order,
        )
    }


def test_the_loader_runs_twice_without_duplicating_the_season(demo):
    before = amap_counts()
    Membership.objects.filter(amap__slug=AMAP).update(paid_at=None)

    call_command("demo_data", verbosity=0)

    assert amap_counts() == before
    assert Membership.objects.filter(amap__slug=AMAP).exclude(paid_at=None).count() >= 20  # restored


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        (datetime.datetime(2027, 6, 13, 9, 0, tzinfo=datetime.UTC), "bureau de vote"),  # a Sunday in June
        (datetime.datetime(2027, 12, 6, 20, 0, tzinfo=datetime.UTC), "Noël"),  # a Monday in December
    ],
)
def test_the_season_follows_the_day_the_demo_is_loaded(db, monkeypatch, now, reason):
    monkeypatch.setattr(timezone, "now", lambda: now)
    call_command("demo_data", verbosity=0)
    today = timezone.localdate()

    days = Distribution.objects.filter(amap__slug=AMAP)
    assert days.filter(date__lt=today).count() >= 4
    assert days.filter(date__gt=today + datetime.timedelta(weeks=12)).exists()
    assert reason in days.exclude(cancelled_at=None).get().note
    assert Basket.objects.filter(delivery__distribution__date__gt=today).exists()
