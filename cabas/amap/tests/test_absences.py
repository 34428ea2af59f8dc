"""Absences: within the contract's quota and before its deadline, past dates locked; what happens to
the basket is the contract's rule (solidarity pool, moved to a later distribution, not delivered and
not charged); a variable basket's quantities within its window."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cabas.amap.baskets import absence_cancel, absence_declare, basket_quantities_set, move_targets
from cabas.amap.exceptions import AbsenceRefused, AmapError
from cabas.amap.models import Basket, Contract, Distribution
from cabas.amap.plans import subscription_due
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.orders.models import Order

pytestmark = pytest.mark.django_db


def _subscribe(s, *, policy=Contract.AbsencePolicy.SOLIDARITY, instalments=4):
    Contract.objects.filter(pk=s.vegetables.pk).update(absence_policy=policy)
    s.vegetables.refresh_from_db()
    return subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "camille@exemple.fr"),
        quantities={s.big.pk: 1},
        instalments=instalments,
        accepted=True,
    )


def _baskets(sub):
    return list(
        sub.baskets.select_related("order", "delivery__distribution").order_by("delivery__distribution__date")
    )


def test_a_solidarity_absence_keeps_the_basket_paid_and_counts_in_the_quota():
    s = season(weeks=6)
    sub = _subscribe(s)
    baskets = _baskets(sub)
    absence_declare(basket=baskets[2])
    absence_declare(basket=baskets[3])
    assert Basket.objects.get(pk=baskets[2].pk).absence == "solidarity"
    assert baskets[2].order.status == Order.Status.PLACED and subscription_due(sub) == Decimal("108.00")
    with pytest.raises(AbsenceRefused, match="déjà déclaré les 2 absences"):
        absence_declare(basket=baskets[4])
    with pytest.raises(AbsenceRefused, match="déjà déclarée"):
        absence_declare(basket=Basket.objects.get(pk=baskets[2].pk))


def test_the_deadline_and_past_distributions_lock_absences():
    s = season(weeks=6)
    sub = _subscribe(s)
    first = _baskets(sub)[0]
    soon = timezone.localdate() + datetime.timedelta(days=2)  # inside the 3-day deadline
    Distribution.objects.filter(pk=first.delivery.distribution_id).update(date=soon)
    first = Basket.objects.get(pk=first.pk)
    with pytest.raises(AbsenceRefused, match="au plus tard 3 jours avant"):
        absence_declare(basket=first)
    assert absence_declare(basket=first, by_manager=True).absence == "solidarity"  # a manager may still
    past = _baskets(sub)[1]
    Distribution.objects.filter(pk=past.delivery.distribution_id).update(
        date=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(AbsenceRefused, match="passée"):
        absence_declare(basket=Basket.objects.get(pk=past.pk), by_manager=True)


def test_a_skipped_basket_is_not_delivered_nor_charged_and_the_plan_follows():
    s = season(weeks=6)
    sub = _subscribe(s, policy=Contract.AbsencePolicy.SKIPPED, instalments=4)
    assert [i.amount for i in sub.instalments.order_by("number")] == [Decimal("27.00")] * 4
    basket = absence_declare(basket=_baskets(sub)[1])
    basket.order.refresh_from_db()
    assert basket.order.status == Order.Status.CANCELLED
    assert subscription_due(sub) == Decimal("90.00")
    assert [i.amount for i in sub.instalments.order_by("number")] == [Decimal("22.50")] * 4
    with pytest.raises(AbsenceRefused, match="voyez avec l'AMAP"):
        absence_cancel(basket=basket)


def test_a_moved_basket_is_collected_at_a_later_distribution_twice_there():
    s = season(weeks=6)
    sub = _subscribe(s, policy=Contract.AbsencePolicy.MOVED)
    baskets = _baskets(sub)
    with pytest.raises(AbsenceRefused, match="où reprendre"):
        absence_declare(basket=baskets[1])
    target = baskets[4].delivery.distribution
    assert baskets[0].delivery.distribution not in move_targets(baskets[1])
    absence_declare(basket=baskets[1], move_to=target)
    day = [
        timezone.localtime(o.pickup_at).date() for o in Order.objects.filter(amap_basket__subscription=sub)
    ]
    assert day.count(target.date) == 2 and baskets[1].delivery.distribution.date not in day
    absence_cancel(basket=Basket.objects.get(pk=baskets[1].pk))
    order = Order.objects.get(pk=baskets[1].order_id)
    assert timezone.localtime(order.pickup_at).date() == baskets[1].delivery.distribution.date


def test_a_variable_basket_changes_within_its_window_and_minimum():
    s = season(weeks=8)
    sub = subscription_create(
        contract=s.eggs,
        customer=member(s.amap, "camille@exemple.fr"),
        quantities={s.dozen.pk: 2},
        instalments=2,
        accepted=True,
    )
    assert subscription_due(sub) == Decimal("33.60")  # 4 distributions × 2 × 4.20
    basket = _baskets(sub)[1]
    basket_quantities_set(basket=basket, quantities={s.dozen.pk: 1, s.half.pk: 1})
    basket.order.refresh_from_db()
    assert basket.order.total == Decimal("6.50")
    assert [line.quantity for line in basket.order.lines.order_by("pk")] == [1, 1]
    assert subscription_due(sub) == Decimal("31.70") == sum(i.amount for i in sub.instalments.all())
    with pytest.raises(AmapError, match="minimum par distribution"):
        basket_quantities_set(basket=basket, quantities={s.dozen.pk: 0, s.half.pk: 0})
    with pytest.raises(AmapError, match="Quantité impossible"):
        basket_quantities_set(basket=basket, quantities={s.dozen.pk: 9})
    Distribution.objects.filter(pk=basket.delivery.distribution_id).update(
        date=timezone.localdate() + datetime.timedelta(days=1)
    )
    with pytest.raises(AmapError, match="closes"):
        basket_quantities_set(basket=Basket.objects.get(pk=basket.pk), quantities={s.dozen.pk: 3})
    with pytest.raises(AmapError, match="fixe"):
        fixed = subscription_create(
            contract=s.vegetables,
            customer=member(s.amap, "b@exemple.fr"),
            quantities={s.big.pk: 1},
            accepted=True,
        )
        basket_quantities_set(basket=_baskets(fixed)[0], quantities={s.big.pk: 2})
