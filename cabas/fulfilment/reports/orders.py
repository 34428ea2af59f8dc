"""Reports of the group "orders": what each producer sold, what each customer ordered.

Both read the reported orders (`base.reported_lines`, `base.reported_orders`) with one aggregate
query each, row by row (`.iterator()`).
"""

from collections.abc import Iterator

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from cabas.fulfilment.reports.base import (
    FILTERS,
    INT,
    MONEY,
    QUANTITY,
    TEXT,
    Column,
    Filters,
    Report,
    register,
    reported_lines,
    reported_orders,
)

CHUNK = 2000


@register
class OrdersBySupplier(Report):
    name = "orders-by-supplier"
    title = _("Totaux par producteur")
    group = "orders"
    description = _(
        "Pour chaque producteur, le nombre de commandes contenant ses produits, la quantité et le "
        "montant TTC de ses produits vendus."
    )
    filters = FILTERS
    columns = (
        Column("producer", _("Producteur"), TEXT),
        Column("orders", _("Commandes"), INT),  # an order of two producers counts for both: no total
        Column("quantity", _("Quantité"), QUANTITY, total=True),
        Column("amount", _("Montant TTC"), MONEY, total=True),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        rows = (
            reported_lines(filters)
            .values("producer_id", "producer__name")
            .annotate(orders=Count("order_id", distinct=True), quantity=Sum("quantity"), amount=Sum("total"))
            .order_by("producer__name", "producer_id")
        )
        for row in rows.iterator(chunk_size=CHUNK):
            yield {
                "producer": row["producer__name"],
                "orders": row["orders"],
                "quantity": row["quantity"],
                "amount": row["amount"],
            }


@register
class CustomerTotals(Report):
    name = "customer-totals"
    title = _("Totaux par client")
    group = "orders"
    description = _(
        "Pour chaque client, le nombre de ses commandes et leurs montants : produits, frais et total TTC."
    )
    filters = ("from", "to", "cycle", "distribution_date", "shipping_method")
    columns = (
        Column("name", _("Client"), TEXT),
        Column("email", _("Adresse e-mail"), TEXT),
        Column("phone", _("Téléphone"), TEXT),
        Column("orders", _("Commandes"), INT, total=True),
        Column("items", _("Produits TTC"), MONEY, total=True),
        Column("fees", _("Frais TTC"), MONEY, total=True),
        Column("total", _("Total TTC"), MONEY, total=True),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        rows = (
            reported_orders(filters)
            .values("full_name", "email", "phone")
            .annotate(
                orders=Count("pk"), items=Sum("items_total"), fees=Sum("fees_total"), sum_total=Sum("total")
            )
            .order_by("full_name", "email", "phone")
        )
        for row in rows.iterator(chunk_size=CHUNK):
            yield {
                "name": row["full_name"],
                "email": row["email"],
                "phone": row["phone"],
                "orders": row["orders"],
                "items": row["items"],
                "fees": row["fees"],
                "total": row["sum_total"],
            }
