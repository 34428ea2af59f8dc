"""Reads of orders and customers shared by the back-office and the API: plain functions returning
querysets, objects or lists. A placed order is readable by its buyer and by the managers and owners
of its seller."""

from django.db.models import Prefetch, Q

from cabas.enterprises.models import Role
from cabas.enterprises.selectors import MANAGING
from cabas.orders.models import Customer, FeeLine, Line, Order


def orders_numbered(
    number: str, *, user, managed: set[int], limit: int, seller: str | None = None
) -> list[Order]:
    """Up to `limit` placed orders numbered `number` (a number is unique per seller only) that `user`
    bought or whose seller is among `managed` (enterprise ids), of the seller `seller` (a slug) when
    given, oldest first, with their seller and payment method."""
    orders = (
        Order.objects.exclude(status=Order.Status.CART)
        .filter(Q(user=user) | Q(seller_id__in=managed), number=number)
        .select_related("seller", "payment_method")
        .order_by("pk")
    )
    if seller is not None:
        orders = orders.filter(seller__slug=seller)
    return list(orders[:limit])


def customer_of(enterprise, uuid) -> Customer | None:
    """The customer `uuid` of `enterprise` (None: no such customer there)."""
    return Customer.objects.filter(enterprise=enterprise, uuid=uuid).first()


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
    managed = Role.objects.filter(user=user, role__in=MANAGING).values("enterprise")
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
