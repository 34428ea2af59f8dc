"""Reading placed orders, with their lines and fee lines: the orders a user may read, as the buyer
or as a manager or owner of the seller (the API's order pages)."""

from django.db.models import Prefetch, Q

from cabas.enterprises.models import Role
from cabas.orders.models import FeeLine, Line, Order


def _orders():
    return (
        Order.objects.exclude(status=Order.Status.CART)
        .select_related("seller", "cycle", "shipping_method", "payment_method")
        .prefetch_related(
            Prefetch("lines", queryset=Line.objects.select_related("variant", "producer")),
            Prefetch("fee_lines", queryset=FeeLine.objects.select_related("enterprise")),
        )
    )


def _readable_by(user) -> Q:
    """The orders `user` may read: as the buyer, or as a manager or owner of the seller."""
    managed = Role.objects.filter(user=user, role__in=[Role.Level.MANAGER, Role.Level.OWNER]).values(
        "enterprise"
    )
    return Q(user=user) | Q(seller__in=managed)


def order_detail(pk: int) -> Order:
    """The placed order `pk` with its seller, cycle, methods, lines and fee lines (three queries)."""
    return _orders().get(pk=pk)


def order_readable(user, *, seller: str, number: str) -> Order | None:
    """The order `number` of the seller of slug `seller`, when `user` may read it, else None."""
    return _orders().filter(_readable_by(user), seller__slug=seller, number=number).first()


def orders_readable_by_number(user, number: str, *, limit: int = 2) -> list[Order]:
    """At most `limit` orders numbered `number` (at any seller) that `user` may read."""
    return list(_orders().filter(_readable_by(user), number=number)[:limit])
