"""Orders for the packing and distribution report tests: a farm shop selling its own tomatoes and
eggs and a neighbour's honey over two cycles (two distribution dates), with pickup and delivery
orders, some already handed over — and, to be left out, a cancelled order, a cart and an order
placed at another shop."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from cabas.cycles.models import CycleDistributor, CycleSupplier, CycleVariant, OrderCycle
from cabas.enterprises.models import Enterprise
from cabas.orders.cart import cart_set_quantity
from cabas.orders.models import Line, Order
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import OpenShop, open_shop
from tests.factories import EnterpriseFactory, ProductFactory, VariantFactory

NAMES = ["Zoé Petit", "Adrien Morel", "Lucie Bernard", "Marc Durand", "Inès Roux", "Bruno Faure"]
DELIVERY_ADDRESSES = [
    ("69002", "8 quai Saint-Antoine"),
    ("69001", "3 rue Terme"),
    ("69001", "1 place Sathonay"),
]


@dataclass
class Scene:
    data: OpenShop
    honey_farm: Enterprise
    later: OrderCycle  # a second cycle of the shop, distributed a week later
    later_day: datetime.date
    reported: list[Order] = field(default_factory=list)  # placed or handed over: what reports show
    left_out: list[Order] = field(default_factory=list)  # cancelled, cart, another shop's

    @property
    def first_day(self) -> datetime.date:
        return timezone.localdate(self.data.distribution.pickup_at)  # the day in Paris, as reports read it

    def lines(self, orders=None) -> list[Line]:
        """The lines of `orders` (default: the reported ones), read again from the database."""
        orders = self.reported if orders is None else orders
        return list(Line.objects.filter(order__in=[o.pk for o in orders]).select_related("producer"))


def _later_cycle(data: OpenShop, variants) -> tuple[OrderCycle, CycleDistributor]:
    cycle = OrderCycle.objects.create(
        coordinator=data.shop,
        name="Vente de la semaine suivante",
        opens_at=data.cycle.opens_at,
        closes_at=data.cycle.closes_at,
    )
    for supplier in {v.product.producer for v in variants}:
        CycleSupplier.objects.create(cycle=cycle, supplier=supplier)
    CycleVariant.objects.bulk_create(CycleVariant(cycle=cycle, variant=v) for v in variants)
    distribution = CycleDistributor.objects.create(
        cycle=cycle, distributor=data.shop, pickup_at=data.distribution.pickup_at + datetime.timedelta(days=7)
    )
    distribution.shipping_methods.set([data.pickup, data.delivery])
    distribution.payment_methods.set([data.cheque, data.transfer])
    return cycle, distribution


def _cart(seller, cycle, quantities) -> Order:
    cart = Order.objects.create(seller=seller, cycle=cycle)
    for variant, quantity in quantities.items():
        if quantity:
            cart_set_quantity(cart=cart, variant=variant, quantity=quantity)
    return cart


def _place(data: OpenShop, cart: Order, i: int, delivery: bool) -> Order:
    details = {}
    if delivery:
        postcode, address = DELIVERY_ADDRESSES[i // 3 % len(DELIVERY_ADDRESSES)]
        details = {"address": address, "postcode": postcode, "city": "Lyon", "note": f"Code porte {i}"}
    order = order_place(
        cart=cart,
        email=f"client{i}@exemple.fr",
        full_name=f"{NAMES[i % len(NAMES)]} {i}",
        phone=f"06 00 00 00 {i:02d}",
        shipping_method=data.delivery if delivery else data.pickup,
        payment_method=data.cheque,
        idempotency_key=f"k{i}",
        **details,
    )
    order.refresh_from_db()
    return order


def build(n: int) -> Scene:
    """`n` reported orders (a third delivered, a third handed over, one in five in the later cycle)
    plus the three orders no report may show."""
    data = open_shop()
    tomato, egg = data.variants
    honey_farm = EnterpriseFactory(name="Les Ruches du Pilat")
    CycleSupplier.objects.create(cycle=data.cycle, supplier=honey_farm)
    honey = VariantFactory(
        product=ProductFactory(producer=honey_farm, name="Miel de châtaignier"),
        unit="g",
        quantity=Decimal("250"),
        price=Decimal("6.40"),
        on_hand=1000,
    )
    CycleVariant.objects.create(cycle=data.cycle, variant=honey)
    type(tomato).objects.filter(pk__in=[tomato.pk, egg.pk]).update(on_hand=1000)
    later, later_distribution = _later_cycle(data, [tomato, egg, honey])
    scene = Scene(data, honey_farm, later, timezone.localdate(later_distribution.pickup_at))
    for i in range(n):
        delivery = i % 3 == 1
        cycle = later if i % 5 == 4 else data.cycle
        quantities = {tomato: 7 if delivery else 1 + i % 4, egg: i % 3, honey: 1 + i % 2 if i % 2 == 0 else 0}
        order = _place(data, _cart(data.shop, cycle, quantities), i, delivery)
        if i % 3 == 2:
            order.transition(Order.Status.FULFILLED)
            order.save()
        scene.reported.append(order)
    cancelled = _place(data, _cart(data.shop, data.cycle, {tomato: 2, honey: 1}), 90, False)
    cancelled.transition(Order.Status.CANCELLED)
    cancelled.save()
    cart = _cart(data.shop, data.cycle, {tomato: 3, egg: 1})
    other = open_shop(shop=EnterpriseFactory(name="Ferme voisine"))
    elsewhere = _place(other, _cart(other.shop, other.cycle, {other.variants[0]: 2}), 91, False)
    scene.left_out = [cancelled, cart, elsewhere]
    return scene
