from collections import defaultdict
from decimal import Decimal

import pytest

from cabas.fulfilment.reports.base import REPORTS, Filters
from cabas.fulfilment.tests.sales import sales
from cabas.orders.models import Line, Order

pytestmark = pytest.mark.django_db

BY_SUPPLIER = REPORTS["orders-by-supplier"]
CUSTOMERS = REPORTS["customer-totals"]
REPORTED = (Order.Status.PLACED, Order.Status.FULFILLED)


def _reported_orders(shop):
    return list(Order.objects.filter(seller=shop, status__in=REPORTED))


def test_it_agrees_on_the_sales_across_producers_customers_and_orders():
    data = sales(orders=7)
    filters = Filters(enterprise=data.shop, cycle=data.data.cycle)

    by_supplier = list(BY_SUPPLIER.rows(filters))
    customers = list(CUSTOMERS.rows(filters))

    orders = _reported_orders(data.shop)
    assert len(orders) == 7  # the cancelled order and the cart are not reported
    expected = sum((order.items_total for order in orders), Decimal("0"))
    assert sum(row["amount"] for row in by_supplier) == expected
    assert sum(row["items"] for row in customers) == expected
    assert BY_SUPPLIER.totals(filters)["amount"] == expected
    assert CUSTOMERS.totals(filters)["total"] == sum((order.total for order in orders), Decimal("0"))
    assert expected > 0


def test_it_totals_each_producer_from_its_own_lines():
    data = sales(orders=5)
    expected = defaultdict(lambda: {"orders": set(), "quantity": 0, "amount": Decimal("0")})
    for line in Line.objects.filter(order__in=_reported_orders(data.shop)).select_related("producer"):
        row = expected[line.producer.name]
        row["orders"].add(line.order_id)
        row["quantity"] += line.quantity
        row["amount"] += line.total

    rows = list(BY_SUPPLIER.rows(Filters(enterprise=data.shop)))

    assert [row["producer"] for row in rows] == ["Ferme des Saules", "Rucher des Monts"]
    for row in rows:
        wanted = expected[row["producer"]]
        assert (row["orders"], row["quantity"], row["amount"]) == (
            len(wanted["orders"]),
            wanted["quantity"],
            wanted["amount"],
        )
    # Customers 1, 3 and 5 took honey; the cancelled order's 3 jars and the cart's 4 are left out.
    assert rows[1]["orders"] == 3 and rows[1]["quantity"] == 3
    assert rows[1]["amount"] == Decimal("22.35")


def test_it_shows_only_the_chosen_producer():
    data = sales(orders=4)
    rows = list(BY_SUPPLIER.rows(Filters(enterprise=data.shop, producer=data.beekeeper)))
    assert [(row["producer"], row["quantity"]) for row in rows] == [("Rucher des Monts", 2)]


def test_it_gathers_the_orders_of_one_customer_in_one_row():
    data = sales(orders=3)
    again = data.place(2, apples=2, honey=1)  # customer 2 orders a second time

    rows = list(CUSTOMERS.rows(Filters(enterprise=data.shop)))

    assert [row["name"] for row in rows] == ["Client 001", "Client 002", "Client 003"]
    second = rows[1]
    first_order = Order.objects.get(email="client2@exemple.fr", status=Order.Status.PLACED, pk__lt=again.pk)
    assert second["email"] == "client2@exemple.fr" and second["phone"] == "06 00 00 00 02"
    assert second["orders"] == 2
    assert second["items"] == first_order.items_total + again.items_total
    assert second["fees"] == first_order.fees_total + again.fees_total
    assert second["total"] == second["items"] + second["fees"]
    assert second["fees"] > 0  # the packing fee of 0,20 per item


def test_it_shows_the_customers_delivered_by_the_chosen_method():
    data = sales(orders=3)
    delivered = data.place(40, apples=8, delivery=True)

    rows = list(CUSTOMERS.rows(Filters(enterprise=data.shop, shipping_method=data.data.delivery)))

    assert [(row["name"], row["orders"], row["total"]) for row in rows] == [
        ("Client 040", 1, delivered.total)
    ]
    assert delivered.fees_total >= Decimal("3.00")  # the delivery fee is among the fees


def test_it_reports_nothing_of_another_seller():
    data = sales(orders=2)
    rows = list(CUSTOMERS.rows(Filters(enterprise=data.beekeeper)))
    assert rows == []  # the beekeeper supplies the shop but sells nothing itself


@pytest.mark.parametrize("orders", [2, 20])
def test_it_reads_each_report_in_one_query_whatever_the_number_of_orders(
    orders, django_assert_max_num_queries
):
    data = sales(orders=orders)
    filters = Filters(enterprise=data.shop, cycle=data.data.cycle)
    for report in (BY_SUPPLIER, CUSTOMERS):
        with django_assert_max_num_queries(1):
            rows = list(report.rows(filters))
        assert rows
    assert len(rows) == orders
