"""The downloads of the seller's filtered orders list, as a French CSV (streamed) or an XLSX
(written row by row, `cabas.lib.spreadsheet`): one row per order, or one row per line.

Both read the database as they write (`.iterator()`): bounded memory whatever the number of orders.
Each ends with a « Total » row, the sum of the amounts written above it. With a producer filter, the
lines download holds only that producer's lines (what it brings), the orders download the whole
orders holding at least one of them.
"""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.lib import spreadsheet
from cabas.orders.models import Line
from cabas.orders.registry import ORDERS_LIST_FILTERS

FORMATS = ("csv", "xlsx")
ROWS = ("orders", "lines")
CHUNK = 500


def _order_header() -> list[str]:
    exported = [str(f.label) for f in ORDERS_LIST_FILTERS if f.exported is not None]
    return [
        _("Numéro"),
        _("Passée le"),
        _("Client"),
        _("E-mail"),
        _("Téléphone"),
        _("Retrait ou livraison"),
        _("Date de retrait ou de livraison"),
        _("État"),
        *exported,
        _("Produits"),
        _("Frais"),
        _("dont TVA"),
        _("Total"),
    ]


def _order_rows(orders: QuerySet, total_label: str) -> Iterator[list]:
    """One row per order (its registry columns decorated as in the list), then the « Total » row."""
    cells = [f for f in ORDERS_LIST_FILTERS if f.exported is not None]
    sums = [Decimal("0")] * 4
    ordered = orders.select_related("shipping_method").order_by("placed_at", "pk")
    for order in ordered.iterator(chunk_size=CHUNK):
        for list_filter in ORDERS_LIST_FILTERS:
            list_filter.decorate(order)
        amounts = [
            spreadsheet.amount(v) for v in (order.items_total, order.fees_total, order.vat_total, order.total)
        ]
        sums = [total + value for total, value in zip(sums, amounts, strict=True)]
        yield [
            order.number,
            order.placed_at,
            order.full_name,
            order.email,
            order.phone,
            order.shipping_method.name if order.shipping_method else "",
            order.pickup_at,
            order.get_status_display(),
            *[list_filter.exported(order) for list_filter in cells],
            *amounts,
        ]
    yield [total_label, *[None] * (7 + len(cells)), *sums]


def _line_header() -> list[str]:
    return [
        _("Commande"),
        _("Client"),
        _("Producteur"),
        _("Produit"),
        _("Variante"),
        _("Conditionnement"),
        _("Quantité"),
        _("Prix unitaire"),
        _("Taux de TVA"),
        _("Total"),
    ]


def _line_rows(orders: QuerySet, total_label: str, producer=None) -> Iterator[list]:
    """One row per line of `orders` (only `producer`'s when given), then the « Total » row."""
    lines = Line.objects.filter(order__in=orders.values("pk"))
    if producer is not None:
        lines = lines.filter(producer=producer)
    values = lines.order_by("order__placed_at", "order_id", "pk").values_list(
        "order__number",
        "order__full_name",
        "producer__name",
        "product_name",
        "variant_name",
        "size",
        "quantity",
        "unit_price",
        "tax_rate",
        "total",
    )
    quantity, total = 0, Decimal("0")
    for *texts, count, unit_price, tax_rate, line_total in values.iterator(chunk_size=CHUNK):
        line_total = spreadsheet.amount(line_total)
        quantity += count
        total += line_total
        yield [*texts, count, spreadsheet.amount(unit_price), tax_rate, line_total]
    yield [total_label, None, None, None, None, None, quantity, None, None, total]


def download(enterprise, orders: QuerySet, *, file_format: str, rows: str, producer=None):
    """The response: `orders` (filtered) as `file_format` ("csv", "xlsx"), one row per order or per
    line (`rows`: "orders", "lines")."""
    # Labels translated now: a streamed CSV is written once the view has returned.
    if rows == "orders":
        header, data, name = _order_header(), _order_rows(orders, _("Total")), _("commandes")
    else:
        header, data, name = _line_header(), _line_rows(orders, _("Total"), producer), _("lignes-commandes")
    filename = f"{name}-{enterprise.slug}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "csv":
        return spreadsheet.csv_response(spreadsheet.csv_lines(header, data), filename)
    sheet = _("Commandes") if rows == "orders" else _("Lignes")
    return spreadsheet.xlsx_response(spreadsheet.xlsx_bytes(header, data, sheet_title=sheet), filename)
