from decimal import Decimal

import pytest
from django.core import mail

from cabas.catalogue.models import InventoryItem
from cabas.enterprises.models import Relationship
from cabas.orders.cart import cart_apply_changes, cart_set_quantity
from cabas.orders.exceptions import (
    CheckoutInvalid,
    InsufficientStock,
    InvalidQuantity,
    NotOffered,
    ShopClosed,
)
from cabas.orders.models import Customer, Order, OrderEvent
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import open_shop
from tests.factories import HubFactory, RelationshipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _cart(data, user=None, **lines):
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle, user=user)
    for variant, quantity in lines.items():
        cart_set_quantity(cart=cart, variant=getattr(data, variant, None) or variant, quantity=quantity)
    return cart


def _place(cart, data, **kwargs):
    values = {
        "email": "Claire@Exemple.fr",
        "full_name": "Claire Martin",
        "phone": "06 12 34 56 78",
        "shipping_method": data.pickup,
        "payment_method": data.cheque,
        "idempotency_key": "k1",
    }
    values.update(kwargs)
    return order_place(cart=cart, **values)


def _fill(data, cart, tomatoes=0, eggs=0):
    tomato, egg = data.variants
    if tomatoes:
        cart_set_quantity(cart=cart, variant=tomato, quantity=tomatoes)
    if eggs:
        cart_set_quantity(cart=cart, variant=egg, quantity=eggs)
    return cart


def test_it_places_an_order_with_stock_totals_number_customer_event_and_email(
    django_capture_on_commit_callbacks,
):
    data = open_shop()
    user = UserFactory(email="claire@exemple.fr")
    cart = _fill(
        data, Order.objects.create(seller=data.shop, cycle=data.cycle, user=user), tomatoes=3, eggs=2
    )
    with django_capture_on_commit_callbacks(execute=True):
        order = _place(cart, data, user=user)
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert order.number.startswith("FDS-") and order.number.endswith("-00001")
    # 3 × 3,20 + 2 × 2,50 = 14,60 of products; 5 items × 0,20 of packing fee = 1,00
    assert order.items_total == Decimal("14.60")
    assert order.fees_total == Decimal("1.00")
    assert order.total == Decimal("15.60")
    assert [(f.name, f.amount) for f in order.fee_lines.all()] == [
        ("Préparation des paniers", Decimal("1.00"))
    ]
    tomato, egg = data.variants
    tomato.refresh_from_db()
    egg.refresh_from_db()
    assert (tomato.on_hand, egg.on_hand) == (7, 2)
    assert Customer.objects.get(enterprise=data.shop, email="claire@exemple.fr").user == user
    assert OrderEvent.objects.filter(order=order, to_status="placed").count() == 1
    assert order.pickup_at == data.distribution.pickup_at
    (email,) = mail.outbox
    assert email.to == ["Claire@Exemple.fr"]
    assert order.number in email.subject
    text = email.body
    # The packing fee is per item: it is in the unit prices, as on the shelf, not a row of its own.
    assert "3 × Tomates" in text and "3,40\u00a0€) — 10,20\u00a0€" in text and "15,60" in text
    assert "Préparation des paniers" not in text and "Prix TTC, frais par article inclus" in text
    assert "Retrait à la ferme" in text and "Sonnez à la grange." in text
    assert "À l'ordre de la Ferme des Saules." in text
    html = email.alternatives[0][0]
    assert "15,60" in html and "Tomates" in html


def test_it_numbers_orders_one_after_the_other_per_seller():
    data = open_shop()
    first = _place(_fill(data, _cart(data), tomatoes=1), data, idempotency_key="a")
    second = _place(_fill(data, _cart(data), tomatoes=1), data, idempotency_key="b")
    assert first.number[-5:] == "00001" and second.number[-5:] == "00002"


def test_it_returns_the_same_order_for_the_same_idempotency_key():
    data = open_shop()
    cart = _fill(data, _cart(data), tomatoes=2)
    first = _place(cart, data)
    again = _place(cart, data)
    assert again.pk == first.pk
    data.variants[0].refresh_from_db()
    assert data.variants[0].on_hand == 8
    assert Order.objects.exclude(status="cart").count() == 1


def test_it_places_nothing_and_lists_the_lines_when_stock_ran_out():
    data = open_shop()
    tomato, egg = data.variants
    cart = _fill(data, _cart(data), tomatoes=5, eggs=3)
    type(tomato).objects.filter(pk=tomato.pk).update(on_hand=2)
    type(egg).objects.filter(pk=egg.pk).update(on_hand=0)
    with pytest.raises(InsufficientStock) as caught:
        _place(cart, data)
    messages = [c.message for c in caught.value.changes]
    assert "Tomates : plus que 2 disponibles." in messages
    assert "Œufs : plus de stock." in messages
    cart.refresh_from_db()
    assert cart.status == "cart" and cart.number == ""
    tomato.refresh_from_db()
    assert tomato.on_hand == 2
    cart_apply_changes(cart=cart, changes=caught.value.changes)
    assert [(line.variant_id, line.quantity) for line in cart.lines.all()] == [(tomato.pk, 2)]
    order = _place(cart, data)
    tomato.refresh_from_db()
    assert order.status == "placed" and tomato.on_hand == 0


def test_it_does_not_decrement_on_demand_variants():
    data = open_shop()
    variant = data.add_variant(product__name="Pain", on_hand=0, on_demand=True)
    cart = _cart(data)
    cart_set_quantity(cart=cart, variant=variant, quantity=40)
    _place(cart, data)
    variant.refresh_from_db()
    assert variant.on_hand == 0


def test_it_takes_a_hubs_own_stock_instead_of_the_producers():
    data = open_shop()
    hub = HubFactory(slug="epicerie-du-coin")
    RelationshipFactory(
        grantor=data.shop, grantee=hub, status=Relationship.Status.ACCEPTED, add_to_cycles=True
    )
    tomato = data.variants[0]
    item = InventoryItem.objects.create(hub=hub, variant=tomato, on_hand=3, price=Decimal("3.50"))
    hub_dist = data.cycle.distributors.create(distributor=hub)
    pickup = hub.shipping_methods.create(kind="pickup", name="Au magasin")
    cash = hub.payment_methods.create(kind="cash", name="Espèces")
    hub_dist.shipping_methods.add(pickup)
    hub_dist.payment_methods.add(cash)
    cart = Order.objects.create(seller=hub, cycle=data.cycle)
    with pytest.raises(InvalidQuantity, match="plus que 3"):
        cart_set_quantity(cart=cart, variant=tomato, quantity=4)
    cart_set_quantity(cart=cart, variant=tomato, quantity=2)
    order = order_place(
        cart=cart,
        email="a@exemple.fr",
        full_name="A B",
        shipping_method=pickup,
        payment_method=cash,
        idempotency_key="h1",
    )
    item.refresh_from_db()
    tomato.refresh_from_db()
    assert item.on_hand == 1 and tomato.on_hand == 10
    assert order.items_total == Decimal("7.00")  # the hub's price
    assert order.total == Decimal("7.40")


def test_it_checks_the_delivery_postcode_and_minimum_order():
    data = open_shop()
    cart = _fill(data, _cart(data), tomatoes=2)
    with pytest.raises(CheckoutInvalid) as caught:
        _place(
            cart, data, shipping_method=data.delivery, address="1 rue Neuve", postcode="75001", city="Paris"
        )
    assert caught.value.field == "postcode" and "75001" in caught.value.message
    with pytest.raises(CheckoutInvalid, match="au moins 20,00"):
        _place(
            cart, data, shipping_method=data.delivery, address="1 rue Neuve", postcode="69001", city="Lyon"
        )
    cart_set_quantity(cart=cart, variant=data.variants[0], quantity=7)
    order = _place(
        cart, data, shipping_method=data.delivery, address="1 rue Neuve", postcode="69001", city="Lyon"
    )
    assert order.fees_total == Decimal("4.40")  # 7 × 0,20 + 3,00 of delivery
    assert order.total == order.items_total + order.fees_total
    assert order.postcode == "69001"


def test_it_refuses_a_payment_method_of_another_shop():
    data = open_shop()
    other = open_shop(shop=HubFactory())
    cart = _fill(data, _cart(data), tomatoes=1)
    with pytest.raises(CheckoutInvalid) as caught:
        _place(cart, data, payment_method=other.cheque)
    assert caught.value.field == "payment_method"


def test_it_refuses_a_closed_cycle_and_variants_not_offered():
    data = open_shop()
    cart = _fill(data, _cart(data), tomatoes=1)
    other = open_shop(shop=HubFactory()).variants[0]
    with pytest.raises(NotOffered):
        cart_set_quantity(cart=cart, variant=other, quantity=1)
    data.cycle.closes_at = data.cycle.opens_at + (data.cycle.closes_at - data.cycle.opens_at) / 100
    data.cycle.save()
    with pytest.raises(ShopClosed):
        _place(cart, data)
    with pytest.raises(ShopClosed):
        cart_set_quantity(cart=cart, variant=data.variants[0], quantity=2)


def test_it_keeps_an_existing_customer_and_gives_it_the_account_it_had_not():
    data = open_shop()
    known = Customer.objects.create(
        enterprise=data.shop,
        email="claire@exemple.fr",
        first_name="Claire",
        last_name="Dupont",
        phone="01 02 03 04 05",
        code="C12",
        tags=["adherent"],
    )
    user = UserFactory(email="claire@exemple.fr")
    order = _place(_fill(data, _cart(data, user=user), tomatoes=1), data, user=user, full_name="C. M.")
    assert order.customer.pk == known.pk
    assert order.customer.tags == ["adherent"] and order.customer.code == "C12"  # complete, as stored
    assert order.customer.user == user and order.customer.enterprise == data.shop
    known.refresh_from_db()
    assert (known.user, known.first_name, known.last_name, known.phone) == (
        user,
        "Claire",
        "Dupont",
        "01 02 03 04 05",
    )
    # Linked to another account already: it stays so.
    other = UserFactory(email="other@exemple.fr")
    order = _place(_fill(data, _cart(data, user=other), tomatoes=1), data, user=other, idempotency_key="k2")
    assert order.customer.pk == known.pk and order.customer.user_id == user.pk
    assert Customer.objects.filter(enterprise=data.shop).count() == 1


def test_it_records_a_new_guest_customer_from_the_checkout_details():
    data = open_shop()
    order = _place(_fill(data, _cart(data), tomatoes=1), data, full_name="Claire Martin Durand")
    customer = Customer.objects.get(pk=order.customer_id)
    assert (customer.email, customer.first_name, customer.last_name, customer.phone) == (
        "claire@exemple.fr",
        "Claire",
        "Martin Durand",
        "06 12 34 56 78",
    )
    assert customer.user is None and customer.tags == [] and customer.uuid == order.customer.uuid
    assert order.customer.created_at == customer.created_at
