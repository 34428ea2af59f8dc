"""Reads of orders and customers shared by the back-office and the API: plain functions returning
querysets, objects or lists."""

from django.db.models import Q

from cabas.orders.models import Customer, Order


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
