import datetime

import pytest
from django.utils import timezone

from cabas.cycles.models import OrderCycle
from cabas.cycles.services import cycle_is_sellable
from cabas.orders.tests.shop_setup import open_shop

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("approval", list(OrderCycle.Approval))
@pytest.mark.parametrize("opens_in_days, closes_in_days", [(-1, 2), (1, 3), (-3, -1)])
def test_it_decides_in_sql_as_in_python_whether_a_cycle_sells(approval, opens_in_days, closes_in_days):
    cycle = open_shop().cycle
    now = timezone.now()
    OrderCycle.objects.filter(pk=cycle.pk).update(
        approval=approval,
        opens_at=now + datetime.timedelta(days=opens_in_days),
        closes_at=now + datetime.timedelta(days=closes_in_days),
    )
    cycle.refresh_from_db()

    assert OrderCycle.objects.sellable().filter(pk=cycle.pk).exists() == cycle_is_sellable(cycle)


def test_it_links_an_enterprise_page_to_its_shop_only_while_a_cycle_sells(client):
    data = open_shop()
    page = f"/{data.shop.slug}/"

    assert "Commander dans la boutique" in client.get(page).content.decode()

    OrderCycle.objects.filter(pk=data.cycle.pk).update(approval=OrderCycle.Approval.SUBMITTED)
    assert "Commander dans la boutique" not in client.get(page).content.decode()
