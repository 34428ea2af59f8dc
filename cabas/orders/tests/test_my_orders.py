import pytest
from django.test import Client
from django.urls import reverse

from cabas.catalogue.models import Variant
from cabas.orders.cart import cart_set_quantity
from cabas.orders.models import Order
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import open_shop
from tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _order(data, user, tomatoes=3, key="k"):
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle, user=user)
    cart_set_quantity(cart=cart, variant=data.variants[0], quantity=tomatoes)
    return order_place(
        cart=cart,
        email=user.email,
        full_name="Claire Martin",
        shipping_method=data.pickup,
        payment_method=data.transfer,
        idempotency_key=key,
        user=user,
    )


def _stock(data):
    return Variant.objects.get(pk=data.variants[0].pk).on_hand


def test_it_lists_my_orders_only(client_for, customer):
    data = open_shop()
    mine = _order(data, customer)
    other = _order(data, UserFactory(), key="k2")
    html = client_for(customer).get(reverse("shop:my_orders")).content.decode()
    assert "Mes commandes" in html and mine.number in html and other.number not in html


def test_it_asks_to_log_in_for_my_orders(client):
    assert client.get(reverse("shop:my_orders")).status_code == 302


def test_it_shows_an_order_to_its_buyer_and_the_sellers_managers_only(client_for, customer, outsider):
    data = open_shop()
    order = _order(data, customer)
    url = reverse("shop:order", args=[order.uuid])
    html = client_for(customer).get(url).content.decode()
    assert order.number in html and "IBAN FR76 0000" in html and "Modifier la commande" in html
    assert client_for(outsider).get(url).status_code == 404
    manager = RoleFactory(enterprise=data.shop, role="manager").user
    html = client_for(manager).get(url).content.decode()
    assert order.number in html and "Annuler la commande" not in html
    html = client_for(manager).get(reverse("orders:orders", args=[data.shop.slug])).content.decode()
    assert order.number in html
    html = (
        client_for(manager).get(reverse("orders:order", args=[data.shop.slug, order.uuid])).content.decode()
    )
    assert "Claire Martin" in html and "— Passée" in html  # the history reads like French, not status codes


def test_it_cancels_an_order_and_gives_the_stock_back(client_for, customer):
    data = open_shop()
    order = _order(data, customer)
    assert _stock(data) == 7
    client_for(customer).post(reverse("shop:order_cancel", args=[order.uuid]), {"confirm": "yes"})
    order.refresh_from_db()
    assert order.status == "cancelled" and _stock(data) == 10


def test_it_edits_an_order_taking_or_giving_back_stock(client_for, customer):
    data = open_shop()
    order = _order(data, customer)
    client = client_for(customer)
    url = reverse("shop:order_edit", args=[order.uuid])
    assert "Tomates" in client.get(url).content.decode()
    client.post(url, {f"q-{data.variants[0].uuid}": "5"})
    order.refresh_from_db()
    assert order.lines.get().quantity == 5 and _stock(data) == 5
    assert order.total == order.items_total + order.fees_total
    response = client.post(url, {f"q-{data.variants[0].uuid}": "20"})
    assert "Tomates : plus que 5 disponibles." in response.content.decode()
    assert order.lines.get().quantity == 5 and _stock(data) == 5


def test_it_refuses_to_change_an_order_when_the_shop_does_not_allow_it(client_for, customer):
    data = open_shop(orders_editable=False)
    order = _order(data, customer)
    html = client_for(customer).get(reverse("shop:order", args=[order.uuid])).content.decode()
    assert "Modifier la commande" not in html
    client_for(customer).post(reverse("shop:order_cancel", args=[order.uuid]), {"confirm": "yes"})
    order.refresh_from_db()
    assert order.status == "placed" and _stock(data) == 7


def test_it_reorders_a_past_order_into_the_cart(client_for, customer):
    data = open_shop()
    order = _order(data, customer, tomatoes=2)
    response = client_for(customer).post(reverse("shop:order_reorder", args=[order.uuid]))
    assert response.status_code == 302
    cart = Order.objects.get(status="cart", user=customer)
    assert cart.lines.get().quantity == 2


def test_it_lists_many_orders_in_a_constant_number_of_queries(
    client_for, customer, django_assert_max_num_queries
):
    data = open_shop()
    Variant.objects.filter(pk=data.variants[0].pk).update(on_hand=1000)
    manager = RoleFactory(enterprise=data.shop, role="manager").user
    for i in range(25):
        _order(data, customer, tomatoes=1, key=f"k{i}")

    buyer = client_for(customer)
    seller = Client()
    seller.force_login(manager)

    with django_assert_max_num_queries(8):
        mine = buyer.get(reverse("shop:my_orders"))
    with django_assert_max_num_queries(12):
        theirs = seller.get(reverse("orders:orders", args=[data.shop.slug]))

    assert mine.content.decode().count("FDS-2026-") == 20  # one page
    assert theirs.status_code == 200 and "FDS-2026-00025" in theirs.content.decode()
