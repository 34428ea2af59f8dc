import math
from decimal import Decimal

import pytest
from django.urls import reverse

from cabas.catalogue.models import Product
from cabas.catalogue.tests.test_product_form import edit_url, management, product_post, variant_fields
from cabas.fulfilment.reports.base import REPORTS, Filters, reports_for
from cabas.fulfilment.tests.packing_setup import build
from cabas.orders.cart import cart_set_quantity
from cabas.orders.models import Order
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import open_shop
from tests.factories import ProductFactory, RoleFactory, VariantFactory

pytestmark = pytest.mark.django_db

SUPPLIER, ALLOCATION = "bulk-supplier", "bulk-allocation"
ZERO = Decimal(0)


def _rows(name, filters):
    return list(REPORTS[name].rows(filters))


def _order(data, number: int, quantities: dict, name: str = "") -> Order:
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    for variant, quantity in quantities.items():
        cart_set_quantity(cart=cart, variant=variant, quantity=quantity)
    return order_place(
        cart=cart,
        email=f"membre{number}@exemple.fr",
        full_name=name or f"Membre {number}",
        phone="06 00 00 00 00",
        shipping_method=data.pickup,
        payment_method=data.cheque,
        idempotency_key=f"bulk-{number}",
    )


def _flour_group(bulk_unit_size=Decimal("10")):
    """A buying group's flour sold in 1 kg bags, in 10 kg sacks from the mill: three members order
    4, 7 and 10 bags."""
    data = open_shop()
    flour = data.add_variant(
        product__name="Farine de blé T65",
        product__bulk_unit_size=bulk_unit_size,
        unit="kg",
        quantity=Decimal("1"),
        price=Decimal("2.40"),
        on_demand=True,
    )
    orders = [
        _order(data, 1, {flour: 4}, "Camille Roy"),
        _order(data, 2, {flour: 7}, "Alix Marchand"),
        _order(data, 3, {flour: 10}, "Bastien Lefort"),
    ]
    return data, flour, orders


def test_it_lists_the_bulk_reports_to_managers_with_the_common_filters():
    manager_reports = {r.name for r in reports_for("manager")}
    assert {SUPPLIER, ALLOCATION} <= manager_reports
    assert not {SUPPLIER, ALLOCATION} & {r.name for r in reports_for("volunteer")}
    for name in (SUPPLIER, ALLOCATION):
        report = REPORTS[name]
        assert report.group == "bulk"
        assert set(report.filters) == {
            "from",
            "to",
            "cycle",
            "distribution_date",
            "producer",
            "shipping_method",
        }
        assert [c.key for c in report.columns if c.total] == ["quantity", "amount"]


def test_it_counts_the_cases_to_order_and_what_is_left_in_the_last_one():
    data, flour, orders = _flour_group()

    [row] = [r for r in _rows(SUPPLIER, Filters(enterprise=data.shop)) if r["product"] == "Farine de blé T65"]

    assert row["producer"] == "Ferme des Saules"
    assert row["bulk_size"] == "10 kg"
    assert (row["quantity"], row["total"], row["unit"]) == (21, Decimal("21"), "kg")
    assert (row["cases"], row["unallocated"]) == (3, Decimal("9"))
    assert row["amount"] == sum((o.items_total for o in orders), ZERO) == Decimal("50.40")


def test_it_shares_each_case_among_the_members_by_product_then_member():
    data, flour, orders = _flour_group()

    rows = [
        r for r in _rows(ALLOCATION, Filters(enterprise=data.shop)) if r["product"] == "Farine de blé T65"
    ]

    assert [(r["customer"], r["quantity"], r["reference_quantity"], r["share"]) for r in rows] == [
        ("Alix Marchand", 7, Decimal("7"), Decimal("70.0")),
        ("Bastien Lefort", 10, Decimal("10"), Decimal("100.0")),
        ("Camille Roy", 4, Decimal("4"), Decimal("40.0")),
    ]
    assert {(r["product_total"], r["bulk_size"], r["unit"], r["size"]) for r in rows} == {
        (Decimal("21"), "10 kg", "kg", "1 kg")
    }
    by_name = {o.full_name: o.items_total for o in orders}
    assert all(r["amount"] == by_name[r["customer"]] for r in rows)


def test_it_gives_only_the_total_of_a_product_without_a_case_size():
    data, flour, orders = _flour_group(bulk_unit_size=None)
    filters = Filters(enterprise=data.shop)

    [row] = [r for r in _rows(SUPPLIER, filters) if r["product"] == "Farine de blé T65"]
    shares = [r for r in _rows(ALLOCATION, filters) if r["product"] == "Farine de blé T65"]

    assert (row["total"], row["bulk_size"], row["cases"], row["unallocated"]) == (
        Decimal("21"),
        "—",
        None,
        None,
    )
    assert {(r["share"], r["bulk_size"], r["product_total"]) for r in shares} == {(None, "—", Decimal("21"))}


def test_it_sums_the_amounts_of_the_cycles_orders_and_converts_to_kilos_and_pieces():
    scene = build(7)
    cycle = scene.data.cycle
    Product.objects.filter(name="Miel de châtaignier").update(bulk_unit_size=Decimal("0.5"))
    filters = Filters(enterprise=scene.data.shop, cycle=cycle)
    in_cycle = [o for o in scene.reported if o.cycle_id == cycle.pk]
    lines = scene.lines(in_cycle)
    items_total = sum((o.items_total for o in in_cycle), ZERO)
    assert 0 < len(in_cycle) < len(scene.reported)

    for name in (SUPPLIER, ALLOCATION):
        rows = _rows(name, filters)
        assert sum(r["amount"] for r in rows) == REPORTS[name].totals(filters)["amount"] == items_total, name
        assert REPORTS[name].totals(filters)["quantity"] == sum(line.quantity for line in lines), name

    supplier = {r["product"]: r for r in _rows(SUPPLIER, filters)}
    honey = sum(line.quantity for line in lines if line.product_name == "Miel de châtaignier")
    eggs = sum(line.quantity for line in lines if line.product_name == "Œufs")
    assert (supplier["Miel de châtaignier"]["total"], supplier["Miel de châtaignier"]["unit"]) == (
        Decimal("0.25") * honey,
        "kg",
    )
    assert (supplier["Œufs"]["total"], supplier["Œufs"]["unit"]) == (6 * eggs, "pièces")
    cases = math.ceil(Decimal("0.25") * honey / Decimal("0.5"))
    assert cases > 1 and supplier["Miel de châtaignier"]["cases"] == cases
    assert supplier["Miel de châtaignier"]["unallocated"] == cases * Decimal("0.5") - Decimal("0.25") * honey
    assert supplier["Œufs"]["cases"] is None
    allocation = [r for r in _rows(ALLOCATION, filters) if r["product"] == "Miel de châtaignier"]
    assert sum(r["reference_quantity"] for r in allocation) == supplier["Miel de châtaignier"]["total"]
    assert sum(r["share"] for r in allocation) == Decimal("0.25") * honey * 100 / Decimal("0.5")


def test_it_keeps_only_the_chosen_producers_products():
    scene = build(6)
    filters = Filters(enterprise=scene.data.shop, producer=scene.honey_farm)
    honey_lines = [line for line in scene.lines() if line.producer == scene.honey_farm]
    assert honey_lines

    supplier = _rows(SUPPLIER, filters)
    allocation = _rows(ALLOCATION, filters)

    assert {r["producer"] for r in supplier} == {"Les Ruches du Pilat"}
    assert {r["product"] for r in allocation} == {"Miel de châtaignier"}
    assert sorted(r["customer"] for r in allocation) == sorted(line.order.full_name for line in honey_lines)
    honey_amount = sum((line.total for line in honey_lines), ZERO)
    assert REPORTS[SUPPLIER].totals(filters)["amount"] == honey_amount
    assert REPORTS[ALLOCATION].totals(filters)["amount"] == honey_amount


@pytest.mark.parametrize("n", [2, 20])
def test_it_reads_the_bulk_reports_in_a_fixed_number_of_queries(n, client, django_assert_max_num_queries):
    scene = build(n)
    shop = scene.data.shop
    filters = Filters(enterprise=shop)
    with django_assert_max_num_queries(1):
        assert _rows(SUPPLIER, filters)
    with django_assert_max_num_queries(2):
        assert _rows(ALLOCATION, filters)
    client.force_login(RoleFactory(enterprise=shop, role="manager").user)
    for name in (SUPPLIER, ALLOCATION):
        url = reverse("fulfilment:report", kwargs={"slug": shop.slug, "name": name})
        with django_assert_max_num_queries(12):
            response = client.get(url, {"cycle": scene.data.cycle.uuid, "producer": shop.slug})
        assert response.status_code == 200 and response.context["table"].count > 0
        assert "Achats groupés" in response.content.decode()


# --- The case size, in the product form -----------------------------------------------------


def _edit(client_for, manager, product, variant, size):
    data = {
        **product_post(name=product.name, bulk_unit_size=size),
        **management(1, initial=1),
        **variant_fields(0, uuid=str(variant.uuid), quantity="1", unit="kg"),
    }
    return client_for(manager).post(edit_url(product.producer, product), data)


def test_the_product_form_takes_a_case_size_typed_the_french_way(client_for, manager, enterprise):
    product = ProductFactory(producer=enterprise, name="Farine")
    variant = VariantFactory(product=product, unit="kg", quantity=Decimal("1"))

    response = _edit(client_for, manager, product, variant, "2,5")

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.bulk_unit_size == Decimal("2.5")
    page = client_for(manager).get(edit_url(enterprise, product)).content.decode()
    assert "Taille du colis de gros" in page and 'value="2,5"' in page
    assert _edit(client_for, manager, product, variant, "").status_code == 302
    product.refresh_from_db()
    assert product.bulk_unit_size is None


@pytest.mark.parametrize("size", ["0", "-5", "dix", "1,2345"])
def test_the_product_form_refuses_a_bad_case_size_and_changes_nothing(client_for, manager, enterprise, size):
    product = ProductFactory(producer=enterprise, name="Farine", bulk_unit_size=Decimal("25"))
    variant = VariantFactory(product=product, unit="kg", quantity=Decimal("1"))

    response = _edit(client_for, manager, product, variant, size)

    assert response.status_code == 200
    assert "La taille du colis doit être un nombre positif, ex. 25 ou 2,5" in response.content.decode()
    product.refresh_from_db()
    assert product.bulk_unit_size == Decimal("25")


def test_it_writes_the_quantities_plainly_in_the_csv(client):
    data, flour, orders = _flour_group()
    client.force_login(RoleFactory(enterprise=data.shop, role="manager").user)
    url = reverse("fulfilment:report", kwargs={"slug": data.shop.slug, "name": SUPPLIER})

    response = client.get(url, {"format": "csv"})

    text = b"".join(response.streaming_content).decode("utf-8")
    assert "Ferme des Saules;Farine de blé T65;10 kg;21;21;kg;3;9;50,40" in text
