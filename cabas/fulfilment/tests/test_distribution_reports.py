from decimal import Decimal

import pytest

from cabas.enterprises.models import Role
from cabas.fulfilment.reports.base import REPORTS, Filters, reports_for
from cabas.fulfilment.tests.packing_setup import build
from cabas.orders.models import Order

pytestmark = pytest.mark.django_db

SHEET, ROUND = "distribution-sheet", "delivery-round"


def _rows(name, filters):
    return list(REPORTS[name].rows(filters))


def _items(order):
    return sum(line.quantity for line in order.lines.all())


def test_it_lets_a_volunteer_open_the_distribution_sheet_but_not_the_delivery_round():
    volunteer = {r.name for r in reports_for(Role.Level.VOLUNTEER)}
    assert SHEET in volunteer and ROUND not in volunteer
    assert {SHEET, ROUND} <= {r.name for r in reports_for(Role.Level.MANAGER)}
    assert REPORTS[SHEET].group == REPORTS[ROUND].group == "distribution"


def test_it_lists_each_reported_order_once_on_the_distribution_sheet_with_its_items_and_total():
    scene = build(7)
    filters = Filters(enterprise=scene.data.shop)
    rows = _rows(SHEET, filters)
    assert sorted(r["number"] for r in rows) == sorted(o.number for o in scene.reported)
    assert [(r["customer"], r["number"]) for r in rows] == sorted((r["customer"], r["number"]) for r in rows)
    by_number = {o.number: o for o in scene.reported}
    for row in rows:
        order = by_number[row["number"]]
        assert (row["customer"], row["phone"], row["total"]) == (order.full_name, order.phone, order.total)
        assert row["items"] == _items(order)
        assert row["status"] == ("Remise" if order.status == Order.Status.FULFILLED else "À remettre")
        assert row["signature"] == ""
    assert {r["status"] for r in rows} == {"Remise", "À remettre"}
    total = sum((o.total for o in scene.reported), Decimal("0"))
    assert REPORTS[SHEET].totals(filters) == {"total": total}
    assert total > sum((o.items_total for o in scene.reported), Decimal("0"))  # the fees are in


def test_it_filters_the_distribution_sheet_by_cycle_date_and_shipping_method():
    scene = build(10)
    data = scene.data
    cases = [
        ({"cycle": scene.later}, lambda o: o.cycle_id == scene.later.pk),
        ({"distribution_date": scene.later_day}, lambda o: o.cycle_id == scene.later.pk),
        ({"distribution_date": scene.first_day}, lambda o: o.cycle_id == data.cycle.pk),
        ({"shipping_method": data.pickup}, lambda o: o.shipping_method_id == data.pickup.pk),
        (
            {"cycle": data.cycle, "shipping_method": data.delivery},
            lambda o: o.cycle_id == data.cycle.pk and o.shipping_method_id == data.delivery.pk,
        ),
    ]
    for kwargs, keep in cases:
        wanted = sorted(o.number for o in scene.reported if keep(o))
        assert wanted and len(wanted) < len(scene.reported), kwargs
        filters = Filters(enterprise=data.shop, **kwargs)
        assert sorted(r["number"] for r in _rows(SHEET, filters)) == wanted, kwargs
        expected_total = sum((o.total for o in scene.reported if keep(o)), Decimal("0"))
        assert REPORTS[SHEET].totals(filters)["total"] == expected_total, kwargs


def test_it_lists_only_the_delivered_orders_on_the_round_sorted_by_postcode_then_address():
    scene = build(9)
    data = scene.data
    filters = Filters(enterprise=data.shop)
    rows = _rows(ROUND, filters)
    delivered = [o for o in scene.reported if o.shipping_method_id == data.delivery.pk]
    assert len(delivered) == 3 and len(scene.reported) == 9
    assert sorted(r["number"] for r in rows) == sorted(o.number for o in delivered)
    assert [(r["postcode"], r["city"], r["address"]) for r in rows] == sorted(
        (r["postcode"], r["city"], r["address"]) for r in rows
    )
    assert [r["postcode"] for r in rows] == ["69001", "69001", "69002"]
    by_number = {o.number: o for o in delivered}
    for row in rows:
        order = by_number[row["number"]]
        assert (row["customer"], row["phone"], row["address"], row["city"]) == (
            order.full_name,
            order.phone,
            order.address,
            "Lyon",
        )
        assert row["note"] == order.note and row["note"].startswith("Code porte")
        assert (row["items"], row["total"]) == (_items(order), order.total)
    assert REPORTS[ROUND].totals(filters) == {"total": sum((o.total for o in delivered), Decimal("0"))}
    assert _rows(ROUND, Filters(enterprise=data.shop, shipping_method=data.pickup)) == []


def test_it_leaves_out_the_cancelled_order_the_cart_and_another_shops_order():
    scene = build(3)
    left_out = {o.pk for o in scene.left_out}
    assert Order.objects.filter(pk__in=left_out).count() == 3
    numbers = {
        r["number"] for name in (SHEET, ROUND) for r in _rows(name, Filters(enterprise=scene.data.shop))
    }
    assert numbers == {o.number for o in scene.reported}
    elsewhere = scene.left_out[2]
    rows = _rows(SHEET, Filters(enterprise=elsewhere.seller))
    assert [(r["number"], r["total"]) for r in rows] == [(elsewhere.number, elsewhere.total)]


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize("name", [SHEET, ROUND])
def test_it_reads_each_distribution_report_in_one_query_whatever_the_number_of_orders(
    name, n, django_assert_max_num_queries
):
    scene = build(n)
    filters = Filters(enterprise=scene.data.shop, cycle=scene.data.cycle)
    with django_assert_max_num_queries(1):
        rows = list(REPORTS[name].rows(filters))
    with django_assert_max_num_queries(1):
        totals = REPORTS[name].totals(filters)
    assert rows and totals["total"] == sum(r["total"] for r in rows)
