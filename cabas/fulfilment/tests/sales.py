"""Test data for the order reports: the shop of `open_shop` selling its own apples and a
neighbouring beekeeper's honey in its cycle, with orders placed through `order_place`; one
collected, one cancelled and one left as a cart (the last two never reported)."""

from dataclasses import dataclass, field
from decimal import Decimal

from cabas.cycles.models import CycleVariant
from cabas.orders.cart import cart_set_quantity
from cabas.orders.changes import order_cancel
from cabas.orders.models import Order
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import OpenShop, open_shop
from tests.factories import EnterpriseFactory, ProductFactory, VariantFactory


@dataclass
class Sales:
    data: OpenShop
    beekeeper: object
    apples: object
    honey: object
    placed: list = field(default_factory=list)  # the reported orders: placed or collected
    cancelled: Order | None = None
    cart: Order | None = None

    @property
    def shop(self):
        return self.data.shop

    def place(self, number: int, *, apples: int = 1, honey: int = 0, name: str = "", delivery=False) -> Order:
        """A new order of `apples` and `honey`, by customer `number` (or `name`), collected by pickup
        (or delivered in Lyon)."""
        cart = Order.objects.create(seller=self.shop, cycle=self.data.cycle)
        for variant, quantity in ((self.apples, apples), (self.honey, honey)):
            if quantity:
                cart_set_quantity(cart=cart, variant=variant, quantity=quantity)
        where = {"address": "3 rue de la Ré", "postcode": "69001", "city": "Lyon"} if delivery else {}
        order = order_place(
            cart=cart,
            email=f"client{number}@exemple.fr",
            full_name=name or f"Client {number:03d}",
            phone=f"06 00 00 00 {number % 100:02d}",
            shipping_method=self.data.delivery if delivery else self.data.pickup,
            payment_method=self.data.cheque,
            idempotency_key=f"sale-{cart.pk}",
            **where,
        )
        self.placed.append(order)
        return order


def sales(orders: int = 3) -> Sales:
    """`orders` placed orders (customer i buys i % 3 + 1 apples and, one in two, a jar of honey), the
    first one collected; plus a cancelled order and a cart."""
    data = open_shop()
    beekeeper = EnterpriseFactory(name="Rucher des Monts", slug="rucher-des-monts")
    apples = data.add_variant(product__name="Pommes", price=Decimal("2.80"), on_demand=True)
    honey = VariantFactory(
        product=ProductFactory(producer=beekeeper, name="Miel de châtaignier"),
        unit="g",
        quantity=Decimal("500"),
        price=Decimal("7.45"),
        on_demand=True,
    )
    CycleVariant.objects.create(cycle=data.cycle, variant=honey)
    result = Sales(data, beekeeper, apples, honey)
    for number in range(1, orders + 1):
        result.place(number, apples=number % 3 + 1, honey=number % 2)
    collected = result.placed[0]
    event = collected.transition(Order.Status.FULFILLED)
    collected.save()
    event.save()
    result.cancelled = order_cancel(order=result.place(900, apples=2, honey=3, name="Annulé"))
    result.placed.remove(result.cancelled)
    result.cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    cart_set_quantity(cart=result.cart, variant=honey, quantity=4)
    return result
