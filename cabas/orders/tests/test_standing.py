"""Standing orders (placed in advance by a commitment): numbered in one go after the seller's other
orders, priced at the agreed prices with their fee lines, totals equal to the sum of the lines,
cancelled and moved with their events."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cabas.cycles.models import ShippingMethod
from cabas.orders.models import Order
from cabas.orders.placing import _sequence_next
from cabas.orders.standing import (
    StandingFee,
    StandingLine,
    StandingOrder,
    standing_customer,
    standing_order_lines_set,
    standing_orders_cancel,
    standing_orders_move,
    standing_orders_place,
)
from tests.factories import EnterpriseFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _setup():
    farm = EnterpriseFactory(slug="ferme-des-pres")
    point = ShippingMethod.objects.create(enterprise=EnterpriseFactory(), name="Salle des fêtes")
    variant = VariantFactory(product=ProductFactory(producer=farm, name="Panier"), name="Grand")
    buyer = standing_customer(seller=farm, email="Lea@Exemple.fr", full_name="Léa Roux")
    return farm, point, variant, buyer


def _when(days):
    return timezone.now() + datetime.timedelta(days=days)


def test_standing_orders_are_placed_numbered_and_priced_as_agreed():
    farm, point, variant, buyer = _setup()
    before = _sequence_next(farm)
    orders = standing_orders_place(
        seller=farm,
        customer=buyer,
        orders=[
            StandingOrder(
                pickup_at=_when(7 * i),
                shipping_method=point,
                lines=[StandingLine(variant=variant, quantity=2, unit_price=Decimal("9.35"))],
                fees=[
                    StandingFee(
                        enterprise=farm, name="Don solidaire", fee_type="solidarity", amount=Decimal("1")
                    )
                ],
                note="Légumes — Été",
            )
            for i in range(1, 4)
        ],
    )
    assert buyer.email == "lea@exemple.fr" and buyer.enterprise_id == farm.pk
    numbers = [int(o.number.rsplit("-", 1)[1]) for o in orders]
    assert numbers == [int(before.rsplit("-", 1)[1]) + i for i in (1, 2, 3)]
    for order in Order.objects.filter(pk__in=[o.pk for o in orders]):
        lines, fees = list(order.lines.all()), list(order.fee_lines.all())
        assert order.status == Order.Status.PLACED and order.cycle is None and order.placed_at
        assert [(line.quantity, line.unit_price, line.total) for line in lines] == [
            (2, Decimal("9.35"), Decimal("18.70"))
        ]
        assert order.total == Decimal("19.70") == sum(x.total for x in lines) + sum(f.amount for f in fees)
        assert order.events.get().detail == {"source": "standing"}


def test_standing_orders_change_lines_cancel_and_move():
    farm, point, variant, buyer = _setup()
    other = VariantFactory(product=ProductFactory(producer=farm, name="Œufs"), name="Douzaine")
    (order,) = standing_orders_place(
        seller=farm,
        customer=buyer,
        orders=[
            StandingOrder(
                pickup_at=_when(7),
                shipping_method=point,
                lines=[StandingLine(variant=variant, quantity=1, unit_price=Decimal("4.20"))],
            )
        ],
    )
    standing_order_lines_set(
        order=order,
        fees=[],
        lines=[
            StandingLine(variant=variant, quantity=0, unit_price=Decimal("4.20")),
            StandingLine(variant=other, quantity=3, unit_price=Decimal("2.30")),
        ],
    )
    order.refresh_from_db()
    assert order.total == Decimal("6.90") and [line.product_name for line in order.lines.all()] == ["Œufs"]
    later = _when(14)
    assert standing_orders_move(orders=[order], pickup_at=later, shipping_method=point) == 1
    order.refresh_from_db()
    assert order.pickup_at == later
    assert standing_orders_cancel(orders=[order], reason="Distribution annulée") == 1
    assert standing_orders_cancel(orders=[order], reason="encore") == 0  # already cancelled
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert [e.kind for e in order.events.order_by("pk")] == ["status", "edited", "moved", "status"]
