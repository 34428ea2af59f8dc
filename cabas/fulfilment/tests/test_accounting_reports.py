"""The accounting reports (fees, VAT, what is paid back to producers) against independent sums of the
orders' lines, fee lines and totals, on a cycle with two producers, supplier and coordinator fees, a
delivery fee and a goodwill refund; carts, cancelled orders and another seller's orders left out."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from cabas.catalogue.models import TaxRate
from cabas.cycles.models import CycleSupplier, CycleVariant, Fee, OrderCycle
from cabas.enterprises.models import VatRegime
from cabas.fulfilment.reports.accounting import vat_rows_by_rate
from cabas.fulfilment.reports.base import REPORTS, Filters
from cabas.lib.money import ZERO, split_vat
from cabas.orders.cart import cart_set_quantity
from cabas.orders.changes import order_cancel
from cabas.orders.models import FeeLine, Line, Order
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import OpenShop, open_shop
from cabas.payments.models import PaymentMethod
from cabas.payments.records.refunds import payment_refund
from cabas.payments.records.services import payment_record
from tests.factories import EnterpriseFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

IBAN = "FR7630006000011234567890189"


@dataclass
class World:
    data: OpenShop
    grower: object
    apples: object
    orders: list


def _place(data, key, *, tomatoes=0, eggs=0, apples=0, apple_variant=None, delivery=False):
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    tomato, egg = data.variants[:2]
    for variant, quantity in ((tomato, tomatoes), (egg, eggs), (apple_variant, apples)):
        if quantity:
            cart_set_quantity(cart=cart, variant=variant, quantity=quantity)
    where = {"address": "1 rue Neuve", "postcode": "69001", "city": "Lyon"} if delivery else {}
    return order_place(
        cart=cart,
        email=f"client{key}@exemple.fr",
        full_name=f"Client {key}",
        shipping_method=data.delivery if delivery else data.pickup,
        payment_method=data.cheque,
        idempotency_key=f"k{key}",
        **where,
    )


def _world(count=4) -> World:
    """The open shop (subject to VAT: products at 5,5 %, its packing fee of 0,20 € an item at 20 %,
    a supplier fee of its own) with a coordinator fee of 2 % (no VAT), a second producer with its
    own supplier fee (0,15 € an item at 10 %) and a bank account, and `count` placed orders (the
    second one delivered: 3 € of delivery, the third one given a goodwill refund of 1,50 €)."""
    data = open_shop(vat_regime=VatRegime.STANDARD)
    for variant in data.variants:
        variant.on_hand = 10_000
        variant.save(update_fields=["on_hand"])
    coordination = Fee.objects.create(
        enterprise=data.shop, name="Coordination", fee_type="admin", calculator="percent", amount=Decimal("2")
    )
    data.cycle.coordinator_fees.add(coordination)
    grower = EnterpriseFactory(name="Vergers du Lyonnais", vat_regime=VatRegime.STANDARD)
    transport = Fee.objects.create(
        enterprise=grower,
        name="Transport des pommes",
        fee_type="transport",
        calculator="flat_per_item",
        amount=Decimal("0.15"),
        tax_rate=TaxRate.objects.get(rate=Decimal("10")),
    )
    CycleSupplier.objects.create(cycle=data.cycle, supplier=grower).fees.add(transport)
    apples = VariantFactory(
        product=ProductFactory(producer=grower, name="Pommes"), price=Decimal("2.90"), on_hand=10_000
    )
    CycleVariant.objects.create(cycle=data.cycle, variant=apples)
    PaymentMethod.objects.create(enterprise=grower, kind="transfer", name="Virement", iban=IBAN)
    orders = [
        _place(
            data,
            i,
            tomatoes=6 if i == 1 else 1 + i % 3,
            eggs=i % 2,
            apples=(i * 7) % 5,
            apple_variant=apples,
            delivery=i == 1,
        )
        for i in range(count)
    ]
    if count > 2:
        paid = payment_record(seller=data.shop, order=orders[2], kind="cheque", amount=orders[2].total)
        payment_refund(payment=paid, amount="1.50", to="cash")
    return World(data, grower, apples, orders)


def _left_out(world: World) -> None:
    """A cart, a cancelled order and another seller's order: no report shows them."""
    data = world.data
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    cart_set_quantity(cart=cart, variant=data.variants[0], quantity=4)
    order_cancel(order=_place(data, "cancelled", tomatoes=2, apples=3, apple_variant=world.apples))
    other = open_shop(shop=EnterpriseFactory(name="Autre ferme", vat_regime=VatRegime.STANDARD))
    _place(other, "other", tomatoes=3)


def _reported():
    return Order.objects.filter(status__in=[Order.Status.PLACED, Order.Status.FULFILLED])


def _sum(values) -> Decimal:
    return sum(values, ZERO)


@pytest.fixture
def world():
    world = _world()
    _left_out(world)
    return world


def test_it_sums_the_fees_by_beneficiary_to_the_fee_lines_of_the_reported_orders(world):
    filters = Filters(enterprise=world.data.shop)
    rows = list(REPORTS["fees-summary"].rows(filters))
    fee_lines = FeeLine.objects.filter(order__in=_reported(), order__seller=world.data.shop)
    assert REPORTS["fees-summary"].totals(filters)["amount"] == _sum(f.amount for f in fee_lines)
    owners = {row["owner"] for row in rows}
    assert owners == {"Ferme des Saules", "Vergers du Lyonnais"}
    packing = next(row for row in rows if row["fee"] == "Préparation des paniers")
    assert packing["orders"] == 4 and packing["fee_type"] == "Préparation"
    goodwill = [row for row in rows if row["fee_type"] == "Geste commercial"]
    assert goodwill and _sum(row["amount"] for row in goodwill) == Decimal("-1.50")
    delivery = next(row for row in rows if row["fee"] == "Livraison Lyon")
    assert (delivery["orders"], delivery["amount"]) == (1, Decimal("3.00"))


def test_it_lists_each_reported_order_with_its_fees_and_total(world):
    filters = Filters(enterprise=world.data.shop)
    report = REPORTS["fees-by-order"]
    rows = list(report.rows(filters))
    orders = list(_reported().filter(seller=world.data.shop))
    assert sorted(row["number"] for row in rows) == sorted(o.number for o in orders)
    totals = report.totals(filters)
    assert totals["fees"] == _sum(o.fees_total for o in orders)
    assert totals["total"] == _sum(o.total for o in orders)
    assert all(row["items"] + row["fees"] == row["total"] for row in rows)
    assert rows[0]["customer"] == "Client 0" and rows[0]["placed_on"] == timezone.localdate()


def test_it_attributes_supplier_fees_to_the_producer_they_belong_to(world):
    filters = Filters(enterprise=world.data.shop)
    rows = list(REPORTS["fees-by-producer"].rows(filters))
    assert [(row["producer"], row["fee"]) for row in rows] == [
        ("Ferme des Saules", "Préparation des paniers"),
        ("Vergers du Lyonnais", "Transport des pommes"),
    ]
    apples = Line.objects.filter(order__in=_reported(), variant=world.apples)
    assert rows[1]["amount"] == _sum(Decimal("0.15") * line.quantity for line in apples)
    assert rows[1]["orders"] == apples.values("order").distinct().count()
    # The coordinator fee, the delivery and the goodwill lines are no producer's supplier fees.
    assert "Coordination" not in {row["fee"] for row in rows}


def test_it_pays_each_producer_its_products_and_its_own_supplier_fees(world):
    filters = Filters(enterprise=world.data.shop)
    rows = {row["producer"]: row for row in REPORTS["pay-your-suppliers"].rows(filters)}
    assert set(rows) == {"Ferme des Saules", "Vergers du Lyonnais"}
    lines = Line.objects.filter(order__in=_reported(), order__seller=world.data.shop)
    for producer, row in rows.items():
        assert row["items"] == _sum(line.total for line in lines if line.producer.name == producer)
        assert row["due"] == row["items"] + row["fees"]
    fees = FeeLine.objects.filter(order__in=_reported(), name="Transport des pommes")
    assert rows["Vergers du Lyonnais"]["fees"] == _sum(f.amount for f in fees) > 0
    assert rows["Vergers du Lyonnais"]["iban"] == "FR76 3000 6000 0112 3456 7890 189"
    assert rows["Ferme des Saules"]["iban"] == ""
    totals = REPORTS["pay-your-suppliers"].totals(filters)
    assert totals["items"] == _sum(line.total for line in lines)
    grower_only = list(REPORTS["pay-your-suppliers"].rows(Filters(world.data.shop, producer=world.grower)))
    assert grower_only == [rows["Vergers du Lyonnais"]]


def test_it_splits_the_vat_by_rate_as_the_orders_do(world):
    filters = Filters(enterprise=world.data.shop)
    rows = list(REPORTS["vat-by-rate"].rows(filters))
    orders = _reported().filter(seller=world.data.shop)
    assert [row["rate"] for row in rows] == [
        Decimal("0.00"),
        Decimal("5.50"),
        Decimal("10.00"),
        Decimal("20.00"),
    ]
    totals = REPORTS["vat-by-rate"].totals(filters)
    assert totals["vat"] == _sum(o.vat_total for o in orders) > 0
    assert totals["incl"] == _sum(o.total for o in orders)
    assert all(row["excl"] + row["vat"] == row["incl"] for row in rows)
    assert rows[0]["vat"] == ZERO  # the coordinator fee and the delivery carry no VAT


def test_it_gives_each_order_its_own_vat_and_each_producer_the_vat_of_its_products(world):
    filters = Filters(enterprise=world.data.shop)
    orders = _reported().filter(seller=world.data.shop)
    by_order = REPORTS["vat-by-order"].totals(filters)
    assert by_order["vat"] == _sum(o.vat_total for o in orders)
    assert by_order["excl"] == _sum(o.total - o.vat_total for o in orders)
    producers = list(REPORTS["vat-by-producer"].rows(filters))
    lines = Line.objects.filter(order__in=orders)
    assert [row["producer"] for row in producers] == ["Ferme des Saules", "Vergers du Lyonnais"]
    assert _sum(row["incl"] for row in producers) == _sum(line.total for line in lines)
    assert all(row["excl"] + row["vat"] == row["incl"] and row["vat"] > 0 for row in producers)
    # Independently: each producer's lines of each order summed per rate, the VAT within split once.
    for row in producers:
        bases = defaultdict(lambda: ZERO)
        for line in lines.filter(producer__name=row["producer"]):
            bases[(line.order_id, line.tax_rate)] += line.total
        assert row["vat"] == _sum(split_vat(base, rate)[1] for (_order, rate), base in bases.items())


def test_it_changes_the_rows_with_the_cycle_and_date_filters(world):
    shop = world.data.shop
    earlier = OrderCycle.objects.create(
        coordinator=shop,
        name="Vente précédente",
        opens_at=timezone.now() - datetime.timedelta(days=20),
        closes_at=timezone.now() - datetime.timedelta(days=15),
    )
    first = world.orders[0]
    Order.objects.filter(pk=first.pk).update(
        cycle=earlier, placed_at=timezone.now() - datetime.timedelta(days=16)
    )
    numbers = lambda filters: [row["number"] for row in REPORTS["vat-by-order"].rows(filters)]  # noqa: E731
    everything = numbers(Filters(shop))
    assert len(everything) == 4
    assert numbers(Filters(shop, cycle=earlier)) == [first.number]
    assert first.number not in numbers(Filters(shop, cycle=world.data.cycle))
    assert numbers(Filters(shop, date_from=timezone.localdate())) == everything[1:]
    assert numbers(Filters(shop, date_to=timezone.localdate() - datetime.timedelta(days=1))) == [first.number]
    in_cycle = REPORTS["vat-by-rate"].totals(Filters(shop, cycle=world.data.cycle))
    assert in_cycle["vat"] == _sum(o.vat_total for o in _reported().filter(cycle=world.data.cycle))
    fees = REPORTS["fees-summary"].totals(Filters(shop, cycle=earlier))["amount"]
    assert fees == Order.objects.get(pk=first.pk).fees_total


@pytest.mark.parametrize("count", [2, 20])
def test_it_reads_every_accounting_report_in_the_same_few_queries_whatever_the_number_of_orders(
    count, django_assert_max_num_queries
):
    world = _world(count)
    filters = Filters(enterprise=world.data.shop)
    accounting = [report for report in REPORTS.values() if report.group == "accounting"]
    assert len(accounting) == 7
    for report in accounting:
        with django_assert_max_num_queries(3):
            rows = list(report.rows(filters))
        assert rows


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=5),
            st.sampled_from([Decimal("0"), Decimal("2.1"), Decimal("5.5"), Decimal("10"), Decimal("20")]),
            st.decimals(min_value=Decimal("-50"), max_value=Decimal("500"), places=2),
        ),
        max_size=30,
    )
)
def test_it_splits_vat_so_that_excl_plus_vat_is_the_amount_exactly(rows):
    rows = sorted(rows, key=lambda row: row[0])
    sums = vat_rows_by_rate(rows)
    for rate, (incl, vat, excl) in sums.items():
        assert excl + vat == incl
        assert incl == _sum(amount for _order, r, amount in rows if r == rate)
