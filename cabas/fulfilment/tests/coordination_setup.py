"""Orders for the coordination report tests: a collective coordinating two cycles in which two
grocery hubs sell the tomatoes of a farm and the honey of a beekeeper — and, to be left out, a
cancelled order, a cart and an order of one of the hubs in a cycle another enterprise coordinates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from cabas.catalogue.models import TaxRate, Variant
from cabas.cycles.models import CycleDistributor, CycleSupplier, CycleVariant, Fee, OrderCycle, ShippingMethod
from cabas.enterprises.models import Enterprise, Relationship
from cabas.orders.cart import cart_set_quantity
from cabas.orders.models import Line, Order
from cabas.orders.placing import order_place
from cabas.payments.models import PaymentMethod
from tests.factories import EnterpriseFactory, HubFactory, ProductFactory, VariantFactory


@dataclass
class Hub:
    enterprise: Enterprise
    pickup: ShippingMethod
    cheque: PaymentMethod


@dataclass
class Network:
    coordinator: Enterprise
    farm: Enterprise
    beekeeper: Enterprise
    hubs: list[Hub]
    tomato: Variant
    honey: Variant
    cycle: OrderCycle
    later: OrderCycle  # a second coordinated cycle
    elsewhere: OrderCycle  # coordinated by the farm, distributed by the first hub
    reported: list[Order] = field(default_factory=list)
    left_out: list[Order] = field(default_factory=list)

    def lines(self, orders=None) -> list[Line]:
        orders = self.reported if orders is None else orders
        return list(Line.objects.filter(order__in=[o.pk for o in orders]))


def _hub(name: str, producers) -> Hub:
    hub = HubFactory(name=name)
    for producer in producers:
        Relationship.objects.create(grantor=producer, grantee=hub, status=Relationship.Status.ACCEPTED)
    pickup = ShippingMethod.objects.create(enterprise=hub, kind="pickup", name=f"Retrait {name}")
    cheque = PaymentMethod.objects.create(enterprise=hub, kind="cheque", name="Chèque")
    return Hub(hub, pickup, cheque)


def _cycle(coordinator, name, variants, hubs, fee=None, days=3) -> OrderCycle:
    now = timezone.now()
    cycle = OrderCycle.objects.create(
        coordinator=coordinator,
        name=name,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=2),
    )
    for producer in {v.product.producer for v in variants}:
        supplier = CycleSupplier.objects.create(cycle=cycle, supplier=producer)
        if fee is not None:
            supplier.fees.add(fee)
    CycleVariant.objects.bulk_create(CycleVariant(cycle=cycle, variant=v) for v in variants)
    for hub in hubs:
        distribution = CycleDistributor.objects.create(
            cycle=cycle, distributor=hub.enterprise, pickup_at=now + datetime.timedelta(days=days)
        )
        distribution.shipping_methods.set([hub.pickup])
        distribution.payment_methods.set([hub.cheque])
    return cycle


def _order(hub: Hub, cycle, quantities, i: int) -> Order:
    cart = Order.objects.create(seller=hub.enterprise, cycle=cycle)
    for variant, quantity in quantities.items():
        if quantity:
            cart_set_quantity(cart=cart, variant=variant, quantity=quantity)
    order = order_place(
        cart=cart,
        email=f"client{i}@exemple.fr",
        full_name=f"Client {i}",
        shipping_method=hub.pickup,
        payment_method=hub.cheque,
        idempotency_key=f"c{i}",
    )
    order.refresh_from_db()
    return order


def build(n: int) -> Network:
    """`n` reported orders over the two hubs (one in four in the later cycle, one in three handed
    over) plus the three orders the coordinator's reports leave out."""
    coordinator = EnterpriseFactory(name="Collectif des Monts", is_producer=False)
    farm = EnterpriseFactory(name="Ferme des Saules")
    beekeeper = EnterpriseFactory(name="Les Ruches du Pilat")
    tomato = VariantFactory(
        product=ProductFactory(producer=farm, name="Tomates"), price=Decimal("3.20"), on_hand=1000
    )
    honey = VariantFactory(
        product=ProductFactory(producer=beekeeper, name="Miel"), price=Decimal("6.40"), on_hand=1000
    )
    fee = Fee.objects.create(
        enterprise=coordinator,
        name="Coordination",
        fee_type="admin",
        calculator="flat_per_item",
        amount=Decimal("0.30"),
        tax_rate=TaxRate.objects.get(rate=Decimal("20")),
    )
    hubs = [_hub("Épicerie du Centre", [farm, beekeeper]), _hub("Biocoop des Pentes", [farm, beekeeper])]
    cycle = _cycle(coordinator, "Vente collective", [tomato, honey], hubs, fee)
    later = _cycle(coordinator, "Vente collective suivante", [tomato, honey], hubs, fee, days=10)
    elsewhere = _cycle(farm, "Vente de la ferme", [tomato], hubs[:1])
    network = Network(coordinator, farm, beekeeper, hubs, tomato, honey, cycle, later, elsewhere)
    for i in range(n):
        hub = hubs[i % 2]
        quantities = {tomato: 1 + i % 3, honey: i % 2 + (i % 5 == 0)}
        order = _order(hub, later if i % 4 == 3 else cycle, quantities, i)
        if i % 3 == 2:
            order.transition(Order.Status.FULFILLED)
            order.save()
        network.reported.append(order)
    cancelled = _order(hubs[0], cycle, {tomato: 2, honey: 1}, 90)
    cancelled.transition(Order.Status.CANCELLED)
    cancelled.save()
    cart = Order.objects.create(seller=hubs[1].enterprise, cycle=cycle)
    cart_set_quantity(cart=cart, variant=honey, quantity=3)
    other = _order(hubs[0], elsewhere, {tomato: 4}, 91)
    network.left_out = [cancelled, cart, other]
    return network
