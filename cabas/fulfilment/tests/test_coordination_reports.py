import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from cabas.fulfilment.reports.base import REPORTS, Filters
from cabas.fulfilment.tests.coordination_setup import build
from cabas.orders.models import Order

pytestmark = pytest.mark.django_db

BY_SUPPLIER, BY_DISTRIBUTOR, REVENUE = "supplier-by-distributor", "distributor-by-supplier", "revenue-by-hub"
ZERO = Decimal("0")


def _rows(name, filters):
    return list(REPORTS[name].rows(filters))


def _pairs(lines):
    """(producer, distributor) -> [quantity, amount], summed in Python from the lines."""
    sums = defaultdict(lambda: [0, ZERO])
    for line in lines:
        key = (line.producer.name, line.order.seller.name)
        sums[key][0] += line.quantity
        sums[key][1] += line.total
    return {k: tuple(v) for k, v in sums.items()}


def test_it_sums_what_each_producer_sold_at_each_hub_of_the_coordinated_cycles():
    network = build(8)
    filters = Filters(enterprise=network.coordinator)
    expected = _pairs(network.lines())
    assert len(expected) == 4  # two producers at two hubs
    by_supplier = _rows(BY_SUPPLIER, filters)
    by_distributor = _rows(BY_DISTRIBUTOR, filters)
    assert {(r["producer"], r["distributor"]): (r["quantity"], r["amount"]) for r in by_supplier} == expected
    assert {
        (r["producer"], r["distributor"]): (r["quantity"], r["amount"]) for r in by_distributor
    } == expected
    assert [(r["producer"], r["distributor"]) for r in by_supplier] == sorted(expected)
    assert [(r["distributor"], r["producer"]) for r in by_distributor] == sorted((d, p) for p, d in expected)
    lines_total = sum((line.total for line in network.lines()), ZERO)
    quantity = sum(line.quantity for line in network.lines())
    assert REPORTS[BY_SUPPLIER].totals(filters) == {"quantity": quantity, "amount": lines_total}
    assert REPORTS[BY_DISTRIBUTOR].totals(filters) == {"quantity": quantity, "amount": lines_total}


def test_it_gives_each_hubs_orders_items_fees_and_total_over_the_coordinated_cycles():
    network = build(7)
    filters = Filters(enterprise=network.coordinator)
    rows = _rows(REVENUE, filters)
    assert [r["distributor"] for r in rows] == ["Biocoop des Pentes", "Épicerie du Centre"]
    for row, hub in zip(rows, reversed(network.hubs), strict=True):
        orders = [o for o in network.reported if o.seller_id == hub.enterprise.pk]
        assert row["orders"] == len(orders)
        assert row["items"] == sum(line.quantity for line in network.lines(orders))
        assert row["items_total"] == sum((o.items_total for o in orders), ZERO)
        assert row["fees"] == sum((o.fees_total for o in orders), ZERO) > 0
        assert row["total"] == sum((o.total for o in orders), ZERO)
    totals = REPORTS[REVENUE].totals(filters)
    assert totals["total"] == sum((o.total for o in network.reported), ZERO)
    assert totals["orders"] == len(network.reported)
    assert totals["total"] == totals["items_total"] + totals["fees"]


def test_it_leaves_out_the_cancelled_order_the_cart_and_another_coordinators_cycle():
    network = build(3)
    assert Order.objects.filter(pk__in=[o.pk for o in network.left_out]).count() == 3
    filters = Filters(enterprise=network.coordinator)
    assert REPORTS[REVENUE].totals(filters)["orders"] == 3
    assert REPORTS[BY_SUPPLIER].totals(filters)["amount"] == sum(
        (o.items_total for o in network.reported), ZERO
    )
    # The farm coordinates the other cycle: its reports show that order only.
    other = network.left_out[2]
    farm = Filters(enterprise=network.farm)
    assert [(r["distributor"], r["orders"], r["total"]) for r in _rows(REVENUE, farm)] == [
        ("Épicerie du Centre", 1, other.total)
    ]
    # A hub coordinates nothing: nothing to show, whatever it sells.
    assert _rows(BY_SUPPLIER, Filters(enterprise=network.hubs[0].enterprise)) == []


def test_it_filters_the_coordination_reports_by_cycle_date_and_producer():
    network = build(8)
    later = [o for o in network.reported if o.cycle_id == network.later.pk]
    assert 0 < len(later) < len(network.reported)
    filters = Filters(enterprise=network.coordinator, cycle=network.later)
    assert REPORTS[REVENUE].totals(filters)["total"] == sum((o.total for o in later), ZERO)
    assert REPORTS[BY_DISTRIBUTOR].totals(filters)["amount"] == sum((o.items_total for o in later), ZERO)
    later_day = timezone.localdate(later[0].pickup_at)
    on_that_day = Filters(enterprise=network.coordinator, distribution_date=later_day)
    assert REPORTS[REVENUE].totals(on_that_day) == REPORTS[REVENUE].totals(filters)
    tomorrow = Filters(
        enterprise=network.coordinator, date_from=timezone.localdate() + datetime.timedelta(days=1)
    )
    assert _rows(REVENUE, tomorrow) == [] and _rows(BY_SUPPLIER, tomorrow) == []
    honey = Filters(enterprise=network.coordinator, producer=network.beekeeper)
    rows = _rows(BY_SUPPLIER, honey)
    assert {r["producer"] for r in rows} == {"Les Ruches du Pilat"}
    honey_lines = [line for line in network.lines() if line.producer_id == network.beekeeper.pk]
    assert REPORTS[BY_SUPPLIER].totals(honey)["amount"] == sum((line.total for line in honey_lines), ZERO)
    # The revenue of a hub is its whole orders', whatever producer is asked for.
    assert REPORTS[REVENUE].totals(honey) == REPORTS[REVENUE].totals(Filters(enterprise=network.coordinator))


@pytest.mark.parametrize("n", [2, 20])
def test_it_reads_each_coordination_report_in_a_fixed_number_of_queries(n, django_assert_max_num_queries):
    network = build(n)
    filters = Filters(enterprise=network.coordinator)
    for name, queries in ((BY_SUPPLIER, 1), (BY_DISTRIBUTOR, 1), (REVENUE, 2)):
        with django_assert_max_num_queries(queries):
            rows = _rows(name, filters)
        with django_assert_max_num_queries(queries):
            totals = REPORTS[name].totals(filters)
        key = "total" if name == REVENUE else "amount"
        assert rows and totals[key] == sum(r[key] for r in rows)
