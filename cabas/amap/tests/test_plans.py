"""Payment plans, for any total and number of instalments: the amounts sum exactly to the total and
differ by one cent at most; split again after some were received and the cost changed, the plan
still sums to the new cost (when nothing was paid beyond it)."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cabas.amap.exceptions import PlanInvalid
from cabas.amap.models import Contract, Instalment
from cabas.amap.plans import PAID, instalment_amounts, plan_create, plan_rebalance, subscription_due
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.orders.models import Order

CENT = Decimal("0.01")
cents = st.integers(min_value=0, max_value=500_000)  # 0 to 5 000 €
counts = st.integers(min_value=1, max_value=12)


@given(total=cents, count=counts)
def test_the_amounts_sum_exactly_to_the_total_and_differ_by_a_cent_at_most(total, count):
    amounts = instalment_amounts(total * CENT, count)
    assert len(amounts) == count
    assert sum(amounts) == total * CENT
    assert max(amounts) - min(amounts) <= CENT
    assert all(a == a.quantize(CENT) and a >= 0 for a in amounts)
    assert amounts == sorted(amounts, reverse=True)  # the extra cents go to the first ones


@pytest.mark.parametrize("count", [0, 13])
def test_a_plan_has_one_to_twelve_instalments(count):
    with pytest.raises(PlanInvalid, match="entre 1 et 12"):
        instalment_amounts(Decimal("10"), count)


@pytest.fixture
def subscription(db):
    s = season(weeks=1)
    Contract.objects.filter(pk=s.vegetables.pk).update(max_instalments=12)
    s.vegetables.refresh_from_db()
    return subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "camille@exemple.fr"),
        quantities={s.big.pk: 1},
        accepted=True,
    )


def _cost(subscription, total: Decimal) -> None:
    """The subscription now costs `total` (its one basket's order)."""
    Order.objects.filter(amap_basket__subscription=subscription).update(total=total)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(total=cents, count=counts, received=st.lists(st.booleans(), min_size=12, max_size=12), due=cents)
def test_a_plan_split_again_after_some_were_received_still_sums_to_the_new_due(
    subscription, total, count, received, due
):
    with transaction.atomic():
        _cost(subscription, total * CENT)
        subscription.instalments.all().delete()
        plan = plan_create(
            subscription=subscription, count=count, first_cash_on=timezone.localdate(), method="cheque"
        )
        assert sum(i.amount for i in plan) == subscription_due(subscription) == total * CENT
        assert max(i.amount for i in plan) - min(i.amount for i in plan) <= CENT

        chosen = [i.pk for i, r in zip(plan, received, strict=False) if r]
        Instalment.objects.filter(pk__in=chosen).update(state=Instalment.State.RECEIVED)
        paid = sum((i.amount for i in plan if i.pk in chosen), Decimal("0.00"))
        assume(paid <= due * CENT)  # nothing overpaid
        _cost(subscription, due * CENT)

        plan_rebalance(subscription)
        after = list(subscription.instalments.order_by("number"))
        assert sum(i.amount for i in after) == due * CENT
        assert [i.amount for i in after if i.pk in chosen] == [i.amount for i in plan if i.pk in chosen]
        open_ = [i.amount for i in after if i.state not in PAID]
        if len(open_) > 1:
            assert max(open_) - min(open_) <= CENT
        transaction.set_rollback(True)
