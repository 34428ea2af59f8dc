"""Removing a distributor from a cycle: refused once it has orders there (orders says so through the
cycles registry), allowed while it only has carts."""

import pytest

from cabas.cycles.exceptions import CycleError
from cabas.cycles.models import CycleDistributor
from cabas.cycles.services import cycle_distributor_remove
from cabas.orders.cart import cart_set_quantity
from cabas.orders.models import Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.tests.placed import placed_order


def distributes(data) -> bool:
    return CycleDistributor.objects.filter(cycle=data.cycle, distributor=data.shop).exists()


def test_it_keeps_a_distributor_that_has_orders_in_the_cycle(db):
    data = open_shop()
    placed_order(data)

    with pytest.raises(CycleError, match="a déjà des commandes dans ce cycle"):
        cycle_distributor_remove(cycle=data.cycle, distributor=data.shop)

    assert distributes(data)


def test_it_removes_a_distributor_whose_customers_only_filled_carts(db):
    data = open_shop()
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    cart_set_quantity(cart=cart, variant=data.variants[0], quantity=1)

    cycle_distributor_remove(cycle=data.cycle, distributor=data.shop)

    assert not distributes(data)
