"""Reads of payments shared by the back-office and the API: an order's payments, a customer's
account entries, a seller's mandates and payment methods. Plain functions returning querysets,
objects, lists or dataclasses."""

from dataclasses import dataclass

from django.db.models import QuerySet

from cabas.payments.models import AccountEntry, Payment, PaymentMethod
from cabas.payments.sepa.services import mandates_for_list


def payments_of(order) -> list[Payment]:
    """`order`'s payments (refunds included) with their method and refunded payment, oldest first."""
    return list(
        order.payments.select_related("method", "refund_of").order_by("received_on", "created_at", "pk")
    )


@dataclass(frozen=True)
class EntriesPage:
    count: int  # entries in the whole account
    entries: list[AccountEntry]


def account_entries(customer, *, offset: int, limit: int) -> EntriesPage:
    """A page of `customer`'s account entries, newest first, with their order and the structure the
    money was spent at."""
    entries = AccountEntry.objects.filter(customer=customer)
    page = entries.select_related("order", "spent_at").order_by("-created_at", "-id")[offset : offset + limit]
    return EntriesPage(count=entries.count(), entries=list(page))


def mandates_of(seller, *, status: str = "") -> QuerySet:
    """The seller's mandates as its list shows them (see `mandates_for_list`), of `status` when given."""
    mandates = mandates_for_list(seller)
    if status:
        mandates = mandates.filter(status=status)
    return mandates


def mandate_listed(seller, pk: int):
    """The seller's mandate `pk` as its list shows it."""
    return mandates_for_list(seller).get(pk=pk)


def payment_method_for(order, kind: str) -> PaymentMethod | None:
    """The seller's method of `kind` a payment of `order` is attached to: the order's own when of
    that kind, else the seller's first of that kind, active ones first (None when it has none)."""
    if order.payment_method is not None and order.payment_method.kind == kind:
        return order.payment_method
    methods = PaymentMethod.objects.filter(enterprise_id=order.seller_id, kind=kind)
    return methods.order_by("-active", "position", "pk").first()
