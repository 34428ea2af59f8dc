from collections import Counter
from decimal import Decimal

import pytest

from cabas.fulfilment.reports.base import REPORTS, Filters
from cabas.fulfilment.tests.packing_setup import build

pytestmark = pytest.mark.django_db

PACKING = ("packing-by-customer", "packing-by-supplier", "packing-by-product")


def _rows(name, filters):
    return list(REPORTS[name].rows(filters))


def test_it_registers_the_three_packing_reports_in_the_packing_group():
    for name in PACKING:
        report = REPORTS[name]
        assert report.group == "packing"
        assert "producer" in report.filters and "shipping_method" in report.filters
        assert {c.key for c in report.columns if c.total} >= {"quantity"}
        row_keys = {c.key for c in report.columns}
        assert row_keys >= {"producer", "product", "variant", "size", "quantity"}


def test_it_shows_every_line_of_the_reported_orders_in_each_customers_bag():
    scene = build(6)
    filters = Filters(enterprise=scene.data.shop)
    rows = _rows("packing-by-customer", filters)
    lines = scene.lines()
    assert len(rows) == len(lines)
    assert Counter((r["number"], r["product"], r["quantity"], r["amount"]) for r in rows) == Counter(
        (line.order.number, line.product_name, line.quantity, line.total) for line in lines
    )
    # what the customer ordered, how it reaches them, sorted by customer then order then producer
    assert [(r["customer"], r["number"], r["producer"], r["product"]) for r in rows] == sorted(
        (r["customer"], r["number"], r["producer"], r["product"]) for r in rows
    )
    by_number = {o.number: o for o in scene.reported}
    for row in rows:
        order = by_number[row["number"]]
        assert row["customer"] == order.full_name
        assert row["shipping_method"] == order.shipping_method.name
    assert {r["shipping_method"] for r in rows} == {"Retrait à la ferme", "Livraison Lyon"}
    assert {r["producer"] for r in rows} == {"Ferme des Saules", "Les Ruches du Pilat"}
    left_out = {o.number for o in scene.left_out if o.number}
    assert left_out and not left_out & {r["number"] for r in rows}


def test_it_totals_the_same_quantities_and_amounts_in_the_three_packing_reports():
    scene = build(7)
    filters = Filters(enterprise=scene.data.shop)
    quantity = sum(line.quantity for o in scene.reported for line in o.lines.all())
    items_total = sum((o.items_total for o in scene.reported), Decimal("0"))
    assert quantity > 0 and items_total > 0
    for name in PACKING:
        totals = REPORTS[name].totals(filters)
        assert totals["quantity"] == quantity, name
        assert sum(r["quantity"] for r in _rows(name, filters)) == quantity, name
    for name in ("packing-by-customer", "packing-by-product"):
        assert REPORTS[name].totals(filters)["amount"] == items_total, name


def test_it_groups_each_producers_lines_by_product_then_customer():
    scene = build(6)
    rows = _rows("packing-by-supplier", Filters(enterprise=scene.data.shop))
    keys = [(r["producer"], r["product"], r["variant"], r["customer"]) for r in rows]
    assert keys == sorted(keys)
    honey = [r for r in rows if r["producer"] == "Les Ruches du Pilat"]
    expected = sorted(
        (line.order.full_name, line.quantity) for line in scene.lines() if line.producer == scene.honey_farm
    )
    assert sorted((r["customer"], r["quantity"]) for r in honey) == expected
    assert {r["product"] for r in honey} == {"Miel de châtaignier"}


def test_it_sums_each_product_once_with_its_number_of_orders():
    scene = build(8)
    rows = _rows("packing-by-product", Filters(enterprise=scene.data.shop))
    by_product = {r["product"]: r for r in rows}
    assert len(rows) == len(by_product) == 3
    assert [r["product"] for r in rows] == sorted(r["product"] for r in rows)
    lines = scene.lines()
    for product, row in by_product.items():
        mine = [line for line in lines if line.product_name == product]
        assert row["quantity"] == sum(line.quantity for line in mine)
        assert row["amount"] == sum(line.total for line in mine)
        assert row["orders"] == len({line.order_id for line in mine})
        assert row["size"] == mine[0].size and row["producer"] == mine[0].producer.name
    assert by_product["Tomates"]["orders"] == 8  # every order has tomatoes


def test_it_filters_by_cycle_distribution_date_producer_and_shipping_method():
    scene = build(10)
    data = scene.data
    lines = scene.lines()

    def expected(keep):
        return sorted((line.order.number, line.product_name, line.quantity) for line in lines if keep(line))

    def shown(name, **kwargs):
        rows = _rows(name, Filters(enterprise=data.shop, **kwargs))
        return sorted((r["number"], r["product"], r["quantity"]) for r in rows)

    cases = [
        ({"cycle": scene.later}, lambda line: line.order.cycle_id == scene.later.pk),
        ({"distribution_date": scene.first_day}, lambda line: line.order.cycle_id == data.cycle.pk),
        ({"producer": scene.honey_farm}, lambda line: line.producer_id == scene.honey_farm.pk),
        ({"shipping_method": data.delivery}, lambda line: line.order.shipping_method_id == data.delivery.pk),
        (
            {"cycle": data.cycle, "producer": data.shop, "shipping_method": data.pickup},
            lambda line: (
                line.order.cycle_id == data.cycle.pk
                and line.producer_id == data.shop.pk
                and line.order.shipping_method_id == data.pickup.pk
            ),
        ),
    ]
    everything = expected(lambda line: True)
    for kwargs, keep in cases:
        wanted = expected(keep)
        assert wanted and wanted != everything, kwargs
        for name in ("packing-by-customer", "packing-by-supplier"):
            assert shown(name, **kwargs) == wanted, (name, kwargs)
        totals = REPORTS["packing-by-product"].totals(Filters(enterprise=data.shop, **kwargs))
        assert totals["quantity"] == sum(q for _, _, q in wanted), kwargs


def test_it_shows_nothing_to_another_seller_but_its_own_order():
    scene = build(2)
    other_shop = scene.left_out[2].seller
    rows = _rows("packing-by-customer", Filters(enterprise=other_shop))
    assert [r["number"] for r in rows] == [scene.left_out[2].number]


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize("name", PACKING)
def test_it_reads_each_packing_report_in_one_query_whatever_the_number_of_orders(
    name, n, django_assert_max_num_queries
):
    scene = build(n)
    filters = Filters(enterprise=scene.data.shop, cycle=scene.data.cycle, producer=scene.data.shop)
    with django_assert_max_num_queries(1):
        rows = list(REPORTS[name].rows(filters))
    with django_assert_max_num_queries(1):
        totals = REPORTS[name].totals(filters)
    assert rows and totals["quantity"] == sum(r["quantity"] for r in rows)
