"""The rules of an AMAP's distributions once its season runs: a delivery postponed makes a double
basket at the distribution it goes to, a cancelled distribution cancels its baskets and splits the
plans again, a moved one moves its baskets' orders; the members concerned are told by email."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from cabas.amap.distributions import (
    delivery_postpone,
    distribution_cancel,
    distribution_move,
    distributions_generate,
)
from cabas.amap.exceptions import DistributionError
from cabas.amap.models import Delivery, Distribution
from cabas.amap.plans import subscription_due
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.orders.models import Order

pytestmark = pytest.mark.django_db


def _subscribed(s, email, product, qty=1):
    return subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, email, name=email.split("@")[0].title() + " Martin"),
        quantities={product.pk: qty},
        instalments=3,
        accepted=True,
    )


def _orders_at(subscription, distribution):
    return Order.objects.filter(
        amap_basket__subscription=subscription, pickup_at__date=distribution.date
    ).exclude(status=Order.Status.CANCELLED)


def test_a_postponed_delivery_makes_a_double_basket_at_the_distribution_it_goes_to(
    django_capture_on_commit_callbacks,
):
    s = season(weeks=4)
    camille = _subscribed(s, "camille@exemple.fr", s.big)
    louis = _subscribed(s, "louis@exemple.fr", s.small)
    mail.outbox.clear()
    first, second = s.distributions[0], s.distributions[1]
    delivery = s.vegetables.deliveries.get(distribution=first)

    with django_capture_on_commit_callbacks(execute=True):
        delivery_postpone(delivery=delivery, to=second, user=s.owner)

    delivery.refresh_from_db()
    assert (delivery.distribution, delivery.planned) == (second, first)
    for subscription in (camille, louis):
        # Both orders of the contract are now handed over at the second distribution.
        orders = _orders_at(subscription, second)
        assert orders.count() == 2
        assert {timezone.localtime(o.pickup_at).time() for o in orders} == {datetime.time(18, 30)}
        assert not _orders_at(subscription, first).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["camille@exemple.fr", "louis@exemple.fr"]
    assert {m.subject for m in mail.outbox} == {"Livraison reportée : Légumes — AMAP des Pentes"}
    # The eggs contract, not postponed, still delivers at the first distribution.
    assert Delivery.objects.filter(distribution=first, contract=s.eggs).exists()


def test_a_delivery_cannot_be_postponed_to_a_cancelled_or_the_same_distribution():
    s = season(weeks=3)
    first, second = s.distributions[0], s.distributions[1]
    delivery = s.vegetables.deliveries.get(distribution=first)
    with pytest.raises(DistributionError, match="Choisissez une autre distribution"):
        delivery_postpone(delivery=delivery, to=first)
    Distribution.objects.filter(pk=second.pk).update(cancelled_at=timezone.now())
    second.refresh_from_db()
    with pytest.raises(DistributionError, match="Choisissez une autre distribution"):
        delivery_postpone(delivery=delivery, to=second)
    assert Delivery.objects.get(pk=delivery.pk).distribution == first


def test_a_cancelled_distribution_cancels_its_baskets_splits_the_plans_again_and_tells_the_members(
    django_capture_on_commit_callbacks,
):
    s = season(weeks=4)
    camille = _subscribed(s, "camille@exemple.fr", s.big)  # 4 × 18 € in 3 instalments
    assert [i.amount for i in camille.instalments.all()] == [Decimal("24.00")] * 3
    mail.outbox.clear()
    target = s.distributions[1]

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = distribution_cancel(distribution=target, reason="Salle inondée", user=s.owner)

    assert cancelled == 1
    target.refresh_from_db()
    assert target.cancelled_at is not None and target.note == "Salle inondée"
    statuses = Order.objects.filter(amap_basket__subscription=camille).values_list("status", flat=True)
    assert sorted(statuses) == ["cancelled", "placed", "placed", "placed"]
    assert subscription_due(camille) == Decimal("54.00")
    assert sum(i.amount for i in camille.instalments.all()) == Decimal("54.00")
    assert [m.to for m in mail.outbox] == [["camille@exemple.fr"]]
    assert mail.outbox[0].subject == "Distribution annulée — AMAP des Pentes"
    assert "Salle inondée" in mail.outbox[0].body
    with pytest.raises(DistributionError, match="déjà annulée"):
        distribution_cancel(distribution=target, reason="encore")


def test_cancelling_needs_a_reason_and_changes_nothing_without_one():
    s = season(weeks=2)
    camille = _subscribed(s, "camille@exemple.fr", s.big)
    with pytest.raises(DistributionError, match="Indiquez la raison"):
        distribution_cancel(distribution=s.distributions[0], reason="  ")
    assert Distribution.objects.get(pk=s.distributions[0].pk).cancelled_at is None
    assert not Order.objects.filter(amap_basket__subscription=camille, status="cancelled").exists()


def test_a_moved_distribution_moves_its_baskets_orders_and_tells_the_members(
    django_capture_on_commit_callbacks,
):
    s = season(weeks=3)
    camille = _subscribed(s, "camille@exemple.fr", s.big)
    mail.outbox.clear()
    target = s.distributions[1]
    new_day = target.date + datetime.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        distribution_move(
            distribution=target,
            date=new_day,
            place=s.place,
            starts_at=datetime.time(17, 0),
            ends_at=datetime.time(18, 0),
            note="Jour férié",
        )

    order = Order.objects.get(amap_basket__subscription=camille, amap_basket__delivery__distribution=target)
    assert timezone.localtime(order.pickup_at) == timezone.make_aware(
        datetime.datetime.combine(new_day, datetime.time(17, 0))
    )
    assert [m.to for m in mail.outbox] == [["camille@exemple.fr"]]
    assert mail.outbox[0].subject == "Distribution déplacée — AMAP des Pentes"


def test_a_distribution_cannot_move_onto_a_day_that_already_has_one_there():
    s = season(weeks=3)
    target = s.distributions[1]
    with pytest.raises(DistributionError, match="déjà une distribution"):
        distribution_move(
            distribution=target,
            date=s.distributions[2].date,
            place=s.place,
            starts_at=datetime.time(17, 0),
            ends_at=datetime.time(18, 0),
        )
    target.refresh_from_db()
    assert target.date == s.distributions[1].date


def test_generating_again_skips_the_days_that_already_have_a_distribution():
    s = season(weeks=2)
    created, skipped = distributions_generate(
        amap=s.amap,
        place=s.place,
        rhythm="weekly",
        first=s.distributions[0].date,
        last=s.distributions[0].date + datetime.timedelta(weeks=3),
        starts_at=datetime.time(18, 30),
        ends_at=datetime.time(19, 30),
    )
    assert len(created) == 2 and skipped == [d.date for d in s.distributions]
