"""A placed order to pay, for the payments tests: the open shop of the orders tests, a cart of
2 tomatoes and 1 box of eggs, placed with the given payment method."""

from cabas.orders.cart import cart_set_quantity
from cabas.orders.models import Order
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import open_shop


def placed_order(data=None, *, method=None, email="claire@exemple.fr", user=None, key="k1") -> Order:
    data = data or open_shop()
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle, user=user)
    cart_set_quantity(cart=cart, variant=data.variants[0], quantity=2)  # tomatoes
    cart_set_quantity(cart=cart, variant=data.variants[1], quantity=1)  # eggs
    return order_place(
        cart=cart,
        email=email,
        full_name="Claire Martin",
        shipping_method=data.pickup,
        payment_method=method or data.cheque,
        idempotency_key=key,
        user=user,
    )
