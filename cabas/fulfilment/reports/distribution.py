"""Distribution reports: the sheet the volunteers tick at a pickup and the delivery round, one row
per reported order (one query each)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cabas.cycles.models import ShippingMethod
from cabas.enterprises.models import Role
from cabas.fulfilment.reports.base import INT, MONEY, TEXT, Column, Filters, Report, register, reported_orders
from cabas.orders.models import Order

DISTRIBUTION_FILTERS = ("cycle", "distribution_date", "shipping_method")
CHUNK = 2000

CUSTOMER = Column("customer", _("Client"))
NUMBER = Column("number", _("Commande"))
PHONE = Column("phone", _("Téléphone"))
ITEMS = Column("items", _("Articles"), INT)
TOTAL = Column("total", _("Total"), MONEY, total=True)

HANDED_OVER = _("Remise")
TO_HAND_OVER = _("À remettre")


def _orders_with_items(filters: Filters):
    """The reported orders, each annotated with `items`, the sum of its lines' quantities (a
    queryset grouped by order; not evaluated)."""
    return reported_orders(filters).annotate(items=Coalesce(Sum("lines__quantity"), Value(0)))


@register
class DistributionSheet(Report):
    name = "distribution-sheet"
    title = _("Feuille d'émargement")
    group = "distribution"
    description = _("La liste des commandes à remettre, à signer par chaque client à la distribution.")
    filters = DISTRIBUTION_FILTERS
    min_role = Role.Level.VOLUNTEER
    columns = (
        CUSTOMER,
        NUMBER,
        PHONE,
        ITEMS,
        TOTAL,
        Column("status", _("État")),
        Column("signature", _("Signature"), TEXT),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        orders = (
            _orders_with_items(filters)
            .order_by("full_name", "number", "pk")
            .values_list("full_name", "number", "phone", "items", "total", "status")
        )
        handed_over, to_hand_over = str(HANDED_OVER), str(TO_HAND_OVER)
        for full_name, number, phone, items, total, status in orders.iterator(chunk_size=CHUNK):
            yield {
                "customer": full_name,
                "number": number,
                "phone": phone,
                "items": items,
                "total": total,
                "status": handed_over if status == Order.Status.FULFILLED else to_hand_over,
                "signature": "",
            }


@register
class DeliveryRound(Report):
    name = "delivery-round"
    title = _("Tournée de livraison")
    group = "distribution"
    description = _("Les commandes à livrer à domicile, dans l'ordre des codes postaux et des adresses.")
    filters = DISTRIBUTION_FILTERS
    columns = (
        CUSTOMER,
        PHONE,
        Column("address", _("Adresse")),
        Column("postcode", _("Code postal")),
        Column("city", _("Commune")),
        Column("note", _("Instructions")),
        NUMBER,
        ITEMS,
        TOTAL,
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        keys = tuple(c.key for c in self.columns)
        orders = (
            _orders_with_items(filters)
            .filter(shipping_method__kind=ShippingMethod.Kind.DELIVERY)
            .order_by("postcode", "city", "address", "full_name", "number", "pk")
            .values_list(
                "full_name", "phone", "address", "postcode", "city", "note", "number", "items", "total"
            )
        )
        for values in orders.iterator(chunk_size=CHUNK):
            yield dict(zip(keys, values, strict=True))
