"""The payments, customers and products reports, checked against the payments app's own report
(`cabas.payments.reports.tables`) and against sums made in Python over the same orders."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from cabas.catalogue.models import InventoryItem, Variant
from cabas.fulfilment.reports.base import REPORTS, Filters
from cabas.fulfilment.tests import coordination_setup
from cabas.fulfilment.tests.packing_setup import build
from cabas.orders.models import Customer, Line
from cabas.payments.models import Payment
from cabas.payments.records.services import payment_record
from cabas.payments.reports import tables

pytestmark = pytest.mark.django_db

BY_TYPE, ITEMISED, CUSTOMERS, PRODUCTS = (
    "payments-by-type",
    "payments-itemised",
    "customers",
    "products-stock",
)
ZERO = Decimal("0")
MARCH_1, MARCH_31 = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)


def _rows(name, filters):
    return list(REPORTS[name].rows(filters))


def _pay(scene, n_refunds=1):
    """Payments for the scene's reported orders in March 2026 (cheques and transfers), a refund in
    cash, a top-up of an account — and, not to count: pending and failed payments, a payment in
    April, another shop's payment."""
    data, shop = scene.data, scene.data.shop
    paid = []
    for i, order in enumerate(scene.reported):
        cheque = i % 2 == 0
        paid.append(
            payment_record(
                seller=shop,
                order=order,
                kind="cheque" if cheque else "transfer",
                method=data.cheque if cheque else data.transfer,
                amount=order.total,
                received_on=MARCH_1 + datetime.timedelta(days=i % 28),
                cheque_number=f"000{i}" if cheque else "",
                reference="" if cheque else f"VIR-{i}",
            )
        )
    for payment in paid[:n_refunds]:
        payment_record(
            seller=shop,
            order=payment.order,
            kind="cash",
            amount=Decimal("-1.50"),
            refund_of=payment,
            received_on=MARCH_31,
        )
    customer = Customer.objects.get(enterprise=shop, email="client0@exemple.fr")
    payment_record(
        seller=shop,
        customer=customer,
        kind="transfer",
        method=data.transfer,
        amount="20",
        received_on=MARCH_31,
    )
    order = scene.reported[0]
    for state in (Payment.State.PENDING, Payment.State.FAILED):
        payment_record(
            seller=shop, order=order, kind="transfer", amount="99", state=state, received_on=MARCH_31
        )
    payment_record(
        seller=shop, order=order, kind="cheque", amount="55", received_on=datetime.date(2026, 4, 1)
    )
    elsewhere = scene.left_out[2]
    payment_record(
        seller=elsewhere.seller, order=elsewhere, kind="cheque", amount=elsewhere.total, received_on=MARCH_1
    )
    return paid


MARCH = {"date_from": MARCH_1, "date_to": MARCH_31}


def test_it_sums_the_payments_by_kind_and_method_as_the_payments_report_does():
    scene = build(6)
    _pay(scene)
    filters = Filters(enterprise=scene.data.shop, **MARCH)
    rows = _rows(BY_TYPE, filters)
    assert [(r["kind"], r["method"]) for r in rows] == [
        ("Chèque", "Chèque"),
        ("Espèces au retrait", ""),
        ("Virement bancaire", "Virement"),
    ]
    cheques, cash, transfers = rows
    assert (cheques["count"], cheques["received"]) == (3, sum((o.total for o in scene.reported[::2]), ZERO))
    assert (cash["count"], cash["refunds_count"], cash["refunded"], cash["net"]) == (
        0,
        1,
        Decimal("-1.50"),
        Decimal("-1.50"),
    )
    assert transfers["received"] == sum((o.total for o in scene.reported[1::2]), ZERO) + 20
    theirs = tables.payments_by_method(seller=scene.data.shop, period="month", **MARCH)
    totals = REPORTS[BY_TYPE].totals(filters)
    assert totals == {
        "count": theirs.total.count,
        "received": theirs.total.received,
        "refunds_count": theirs.total.refunds_count,
        "refunded": theirs.total.refunded,
        "net": theirs.total.net,
    }
    by_kind = defaultdict(Decimal)
    for row in rows:
        by_kind[row["kind"]] += row["net"]
    assert by_kind == {row.kind_label: row.net for row in theirs.by_kind}


def test_it_lists_each_payment_and_refund_by_date_and_adds_up_to_the_net_received():
    scene = build(5)
    paid = _pay(scene)
    filters = Filters(enterprise=scene.data.shop, **MARCH)
    rows = _rows(ITEMISED, filters)
    assert len(rows) == 5 + 1 + 1  # the orders' payments, the refund, the top-up
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    first = rows[0]
    assert (first["date"], first["number"], first["customer"]) == (
        MARCH_1,
        scene.reported[0].number,
        scene.reported[0].full_name,
    )
    assert (first["kind"], first["method"], first["reference"], first["amount"]) == (
        "Chèque",
        "Chèque",
        "0000",
        paid[0].amount,
    )
    assert rows[1]["reference"] == "VIR-1"
    refund = next(r for r in rows if r["amount"] < 0)
    assert (refund["number"], refund["kind"], refund["amount"]) == (
        scene.reported[0].number,
        "Espèces au retrait",
        Decimal("-1.50"),
    )
    top_up = next(r for r in rows if not r["number"])
    customer = Customer.objects.get(enterprise=scene.data.shop, email="client0@exemple.fr")
    assert (top_up["customer"], top_up["amount"]) == (customer.full_name, 20) and customer.full_name
    total = REPORTS[ITEMISED].totals(filters)["amount"]
    assert total == REPORTS[BY_TYPE].totals(filters)["net"]
    assert total == tables.payments_by_method(seller=scene.data.shop, period="day", **MARCH).total.net
    assert total == sum((o.total for o in scene.reported), ZERO) - Decimal("1.50") + 20


def test_it_filters_the_payments_by_date():
    scene = build(4)
    _pay(scene)
    shop = scene.data.shop
    everything = sum(
        Payment.objects.filter(seller=shop, state=Payment.State.SUCCEEDED).values_list("amount", flat=True),
        ZERO,
    )
    assert REPORTS[ITEMISED].totals(Filters(enterprise=shop))["amount"] == everything
    assert REPORTS[BY_TYPE].totals(Filters(enterprise=shop))["net"] == everything
    april = Filters(enterprise=shop, date_from=datetime.date(2026, 4, 1))
    assert [(r["number"], r["amount"]) for r in _rows(ITEMISED, april)] == [(scene.reported[0].number, 55)]
    second = Filters(enterprise=shop, date_from=MARCH_1 + datetime.timedelta(days=1), date_to=MARCH_1)
    assert _rows(ITEMISED, second) == [] and _rows(BY_TYPE, second) == []
    # The other shop sees its own payment only.
    elsewhere = scene.left_out[2]
    assert [r["amount"] for r in _rows(ITEMISED, Filters(enterprise=elsewhere.seller))] == [elsewhere.total]


def test_it_lists_every_customer_with_their_reported_orders_and_what_they_spent():
    scene = build(7)
    shop = scene.data.shop
    Customer.objects.filter(enterprise=shop, email="client1@exemple.fr").update(tags=["AMAP", "bénévole"])
    rows = _rows(CUSTOMERS, Filters(enterprise=shop))
    customers = Customer.objects.filter(enterprise=shop)
    assert len(rows) == customers.count() == 7 + 1  # the cancelled order's customer too
    assert [r["customer"] for r in rows] == [
        c.full_name or c.email for c in customers.order_by("last_name", "first_name", "email", "pk")
    ]
    by_email = {r["email"]: r for r in rows}
    for order in scene.reported:
        row = by_email[order.email]
        assert (row["orders"], row["spent"]) == (1, order.total)
        assert row["last_order"] == timezone.localdate(order.placed_at)
    assert by_email["client1@exemple.fr"]["tags"] == "AMAP, bénévole"
    cancelled = by_email["client90@exemple.fr"]
    assert (cancelled["orders"], cancelled["spent"], cancelled["last_order"]) == (0, 0, None)
    assert "client91@exemple.fr" not in by_email  # the other shop's customer
    assert REPORTS[CUSTOMERS].totals(Filters(enterprise=shop)) == {
        "orders": len(scene.reported),
        "spent": sum((o.total for o in scene.reported), ZERO),
    }


def test_it_counts_only_the_customers_orders_in_the_filtered_cycle():
    scene = build(10)
    filters = Filters(enterprise=scene.data.shop, cycle=scene.later)
    later = [o for o in scene.reported if o.cycle_id == scene.later.pk]
    assert 0 < len(later) < len(scene.reported)
    rows = _rows(CUSTOMERS, filters)
    assert len(rows) == len(scene.reported) + 1
    assert sorted(r["email"] for r in rows if r["orders"]) == sorted(o.email for o in later)
    assert REPORTS[CUSTOMERS].totals(filters) == {
        "orders": len(later),
        "spent": sum((o.total for o in later), ZERO),
    }


def _sold(lines):
    sold = defaultdict(int)
    for line in lines:
        sold[line.variant_id] += line.quantity
    return sold


def test_it_lists_the_variants_sold_with_their_current_price_and_stock():
    scene = build(9)
    tomato, egg = scene.data.variants
    Variant.objects.filter(pk=egg.pk).update(on_demand=True)
    Variant.objects.filter(pk=tomato.pk).update(price=Decimal("3.60"))
    filters = Filters(enterprise=scene.data.shop)
    rows = _rows(PRODUCTS, filters)
    sold = _sold(scene.lines())
    assert len(rows) == len(sold) == 3
    assert [(r["producer"], r["product"]) for r in rows] == sorted(
        (r["producer"], r["product"]) for r in rows
    )
    by_product = {r["product"]: r for r in rows}
    honey = Variant.objects.get(product__name="Miel de châtaignier")
    tomato.refresh_from_db()
    assert (by_product["Tomates"]["price"], by_product["Tomates"]["stock"]) == (
        Decimal("3.60"),
        tomato.on_hand,
    )
    assert by_product["Œufs"]["stock"] == "à la demande"
    assert by_product["Miel de châtaignier"]["stock"] == honey.on_hand < 1000
    for variant in (tomato, egg, honey):
        assert next(r for r in rows if r["product"] == variant.product.name)["sold"] == sold[variant.pk]
    assert REPORTS[PRODUCTS].totals(filters) == {"sold": sum(line.quantity for line in scene.lines())}


def test_it_filters_the_products_sold_by_cycle_and_producer():
    scene = build(10)
    later = Filters(enterprise=scene.data.shop, cycle=scene.later)
    later_lines = scene.lines([o for o in scene.reported if o.cycle_id == scene.later.pk])
    assert REPORTS[PRODUCTS].totals(later) == {"sold": sum(line.quantity for line in later_lines)}
    honey = Filters(enterprise=scene.data.shop, producer=scene.honey_farm)
    assert [(r["producer"], r["product"]) for r in _rows(PRODUCTS, honey)] == [
        ("Les Ruches du Pilat", "Miel de châtaignier")
    ]
    # Cancelled orders and carts sold nothing; the other shop's products are not listed.
    names = {r["product"] for r in _rows(PRODUCTS, Filters(enterprise=scene.data.shop))}
    assert names == {"Tomates", "Œufs", "Miel de châtaignier"}
    assert Line.objects.filter(order__in=[o.pk for o in scene.left_out]).exists()


def test_it_shows_a_hubs_own_price_and_stock_for_the_products_it_sold():
    network = coordination_setup.build(4)
    hub = network.hubs[0].enterprise
    InventoryItem.objects.create(hub=hub, variant=network.tomato, price=Decimal("3.50"), on_hand=7)
    rows = _rows(PRODUCTS, Filters(enterprise=hub))
    by_product = {r["product"]: r for r in rows}
    network.honey.refresh_from_db()
    assert (by_product["Tomates"]["price"], by_product["Tomates"]["stock"]) == (Decimal("3.50"), 7)
    assert (by_product["Miel"]["price"], by_product["Miel"]["stock"]) == (
        Decimal("6.40"),
        network.honey.on_hand,
    )
    # Its sales in the farm's cycle count too: it is the seller.
    hub_lines = Line.objects.filter(order__seller=hub, order__status__in=("placed", "fulfilled"))
    assert REPORTS[PRODUCTS].totals(Filters(enterprise=hub)) == {
        "sold": sum(hub_lines.values_list("quantity", flat=True))
    }


@pytest.mark.parametrize("n", [2, 20])
def test_it_reads_the_payments_and_customers_reports_in_one_query_whatever_the_size(
    n, django_assert_max_num_queries
):
    scene = build(n)
    _pay(scene, n_refunds=n // 2)
    march, shop = Filters(enterprise=scene.data.shop, **MARCH), Filters(enterprise=scene.data.shop)
    for name, key, filters in (
        (BY_TYPE, "net", march),
        (ITEMISED, "amount", march),
        (CUSTOMERS, "spent", shop),
    ):
        with django_assert_max_num_queries(1):
            rows = _rows(name, filters)
        with django_assert_max_num_queries(1):
            totals = REPORTS[name].totals(filters)
        assert rows and totals[key] == sum(r[key] for r in rows)
    with django_assert_max_num_queries(2):
        rows = _rows(PRODUCTS, shop)
    assert rows and sum(r["sold"] for r in rows) == sum(line.quantity for line in scene.lines())


@pytest.mark.parametrize("n", [2, 20])
def test_it_reads_a_hubs_products_in_three_queries_whatever_the_size(n, django_assert_max_num_queries):
    network = coordination_setup.build(n)
    filters = Filters(enterprise=network.hubs[0].enterprise)
    with django_assert_max_num_queries(3):
        rows = _rows(PRODUCTS, filters)
    assert len(rows) == 2
