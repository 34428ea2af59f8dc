"""What orders tells the cycles app through `cabas.cycles.registry` (registered from
`OrdersConfig.ready()`)."""

from cabas.cycles import registry
from cabas.orders.models import Order


def distributor_has_orders(*, cycle, distributor) -> bool:
    """A distributor with orders placed in the cycle (carts do not count) stays in it."""
    orders = Order.objects.filter(cycle=cycle, seller=distributor).exclude(status=Order.Status.CART)
    return orders.exists()


def register() -> None:
    registry.register_distributor_in_use(distributor_has_orders)
