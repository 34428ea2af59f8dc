"""The cost of placing an order, in SQL queries: a 3-line order from the checkout page and through
the service, so that the checkout's throughput (bench/checkouts.py) cannot silently regress."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cabas.catalogue.models import Variant
from cabas.cycles.models import CycleVariant
from cabas.orders.cart import cart_set_quantity
from cabas.orders.exceptions import InsufficientStock
from cabas.orders.links import order_path
from cabas.orders.models import Order, OrderNumberSequence
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import open_shop

pytestmark = pytest.mark.django_db


def _three_line_shop():
    data = open_shop()
    data.add_variant(product__name="Salades", price=Decimal("1.50"), on_hand=20)
    return data


def _confirm(data, key="cle-1"):
    return {
        "cycle": data.cycle.uuid,
        "email": "claire@exemple.fr",
        "full_name": "Claire Martin",
        "phone": "",
        "shipping_method": data.pickup.uuid,
        "payment_method": data.cheque.uuid,
        "note": "",
        "address": "",
        "postcode": "",
        "city": "",
        "idempotency_key": key,
        "confirm": "1",
    }


def test_it_places_a_three_line_order_from_the_checkout_in_at_most_23_queries(
    client, django_assert_max_num_queries
):
    data = _three_line_shop()
    for variant in data.variants:
        client.post(
            reverse("shop:cart_set", args=[data.shop.slug]),
            {"cycle": data.cycle.uuid, "variant": variant.uuid, "set": "1"},
        )
    url = reverse("shop:checkout", args=[data.shop.slug])
    OrderNumberSequence.objects.create(seller=data.shop)  # as after the shop's first order
    with django_assert_max_num_queries(23):
        response = client.post(url, _confirm(data))
    order = Order.objects.get(status="placed")
    assert response.status_code == 302
    assert response["Location"] == order_path(order)  # a guest's signed link
    assert order.lines.count() == 3
    assert order.total == Decimal("7.80")  # 3,20 + 2,50 + 1,50 + 3 × 0,20 of packing
    assert list(Variant.objects.order_by("pk").values_list("on_hand", flat=True)) == [9, 3, 19]


@pytest.mark.django_db(transaction=True)
def test_outside_a_test_transaction_the_confirm_writes_the_session_in_one_statement(client):
    data = _three_line_shop()
    for variant in data.variants:
        client.post(
            reverse("shop:cart_set", args=[data.shop.slug]),
            {"cycle": data.cycle.uuid, "variant": variant.uuid, "set": "1"},
        )
    OrderNumberSequence.objects.create(seller=data.shop)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("shop:checkout", args=[data.shop.slug]), _confirm(data))
    assert response.status_code == 302
    sql = [q["sql"] for q in queries.captured_queries]
    session = [s for s in sql if "django_session" in s]
    assert [s.split()[0] for s in session] == ["SELECT", "UPDATE"]  # no BEGIN/COMMIT around it
    customer = [s for s in sql if "orders_customer" in s]
    assert [s.split()[0] for s in customer] == ["INSERT"]  # one upsert


def test_it_places_a_three_line_cart_in_at_most_14_queries(django_assert_max_num_queries):
    data = _three_line_shop()
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    for variant in data.variants:
        cart_set_quantity(cart=cart, variant=variant, quantity=2)
    OrderNumberSequence.objects.create(seller=data.shop)  # as after the shop's first order
    with django_assert_max_num_queries(14):
        order = order_place(
            cart=cart,
            email="claire@exemple.fr",
            full_name="Claire Martin",
            shipping_method=data.pickup,
            payment_method=data.cheque,
            idempotency_key="k1",
        )
    assert order.status == "placed"
    assert order.items_total == Decimal("14.40")
    assert order.total == Decimal("15.60")


def test_it_says_plus_de_stock_for_a_line_no_longer_offered_and_places_nothing():
    data = _three_line_shop()
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    for variant in data.variants:
        cart_set_quantity(cart=cart, variant=variant, quantity=1)
    salad = data.variants[2]
    CycleVariant.objects.filter(cycle=data.cycle, variant=salad).delete()
    with pytest.raises(InsufficientStock) as caught:
        order_place(
            cart=cart,
            email="claire@exemple.fr",
            full_name="Claire Martin",
            shipping_method=data.pickup,
            payment_method=data.cheque,
        )
    assert [(c.variant_uuid, c.available) for c in caught.value.changes] == [(str(salad.uuid), 0)]
    assert "plus de stock" in caught.value.message
    assert Order.objects.get(pk=cart.pk).status == "cart"
    assert list(Variant.objects.order_by("pk").values_list("on_hand", flat=True)) == [10, 4, 20]
