"""Bag labels: one sticker per bag of an order (customer, order number, pickup point or delivery
with its date, « Sac n / m »), printed on A4 sheets of ready-cut labels.

`FORMATS` describes the common sheets (size of a label, how many across and down, the sheet's
margins and the gaps between labels) so that each sticker lands on a real label. `label_orders`
reads the orders to label in one query, `stickers` makes the stickers (sorted by pickup point then
customer), `pages` lays them out on sheets (optionally starting further down a partly used sheet)
and `labels_pdf` prints them with WeasyPrint, set up as the reports' PDF (`reports.render`).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import weasyprint
from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cabas.cycles.models import ShippingMethod
from cabas.fulfilment.reports.base import Filters, reported_orders
from cabas.orders.models import Order

PDF_TEMPLATE = "manage/labels/labels_pdf.html"
MIN_BAGS, MAX_BAGS = 1, 20
# The longest texts written on a label (beyond, they are cut with « … »; CSS also cuts what overflows).
MAX_NAME, MAX_TEXT = 40, 60


@dataclass(frozen=True)
class LabelFormat:
    """A sheet of A4 labels; every length in millimetres."""

    key: str
    description: str  # French, for the select
    columns: int
    rows: int
    width: float  # of a label
    height: float
    top: float  # from the sheet's top edge to the first row
    left: float  # from the sheet's left edge to the first column
    gap_x: float = 0  # between two columns
    gap_y: float = 0  # between two rows
    name_size: int = 14  # the customer's name, in points
    text_size: int = 9  # the other lines, in points

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def position(self, index: int) -> tuple[float, float]:
        """(left, top) in mm of the label `index` of a sheet (0 first, row by row)."""
        row, column = divmod(index, self.columns)
        return (
            self.left + column * (self.width + self.gap_x),
            self.top + row * (self.height + self.gap_y),
        )


FORMATS: dict[str, LabelFormat] = {
    f.key: f
    for f in (
        LabelFormat(
            "L7160",
            _("Avery L7160 — 21 étiquettes (3 × 7) de 63,5 × 38,1 mm"),
            3,
            7,
            63.5,
            38.1,
            top=15.15,
            left=7.25,
            gap_x=2.5,
            name_size=13,
            text_size=8,
        ),
        LabelFormat(
            "L7163",
            _("Avery L7163 — 14 étiquettes (2 × 7) de 99,1 × 38,1 mm"),
            2,
            7,
            99.1,
            38.1,
            top=15.15,
            left=4.65,
            gap_x=2.5,
        ),
        LabelFormat(
            "L7165",
            _("Avery L7165 — 8 étiquettes (2 × 4) de 99,1 × 67,7 mm"),
            2,
            4,
            99.1,
            67.7,
            top=13.1,
            left=4.65,
            gap_x=2.5,
            name_size=20,
            text_size=12,
        ),
        LabelFormat(
            "70x37",
            _("24 étiquettes (3 × 8) de 70 × 37 mm, sans marge (Avery 3474, Herma 4453…)"),
            3,
            8,
            70,
            37,
            top=0.5,
            left=0,
            name_size=13,
            text_size=8,
        ),
        LabelFormat(
            "105x37",
            _("16 étiquettes (2 × 8) de 105 × 37 mm, sans marge (Avery 3484…)"),
            2,
            8,
            105,
            37,
            top=0.5,
            left=0,
        ),
    )
}
DEFAULT_FORMAT = "L7160"


@dataclass(frozen=True)
class Sticker:
    """What one bag's label says."""

    customer: str
    number: str
    place: str  # the pickup point, or the delivery
    day: str  # the pickup or delivery date, in words ("" when the order has none)
    bag: int
    bags: int

    @property
    def bag_text(self) -> str:
        return gettext("Sac %(bag)s / %(bags)s") % {"bag": self.bag, "bags": self.bags}


@dataclass(frozen=True)
class PlacedSticker:
    sticker: Sticker | None  # None: a label left blank (already used on the sheet)
    left: str  # mm, as CSS reads them
    top: str


def label_orders(enterprise, *, uuids: Iterable | None = None, day: datetime.date | None = None) -> QuerySet:
    """The enterprise's own placed or handed-over orders to label (`Report` rules: no cart, no
    order awaiting payment, no cancelled order): those of `uuids` (others' orders are ignored), or
    those picked up or delivered on `day`; with their seller, shipping method and customer (one
    query once read)."""
    orders = reported_orders(Filters(enterprise=enterprise, distribution_date=day))
    if uuids is not None:
        orders = orders.filter(uuid__in=list(uuids))
    return orders.select_related("seller", "shipping_method", "customer")


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _customer(order: Order) -> str:
    customer = order.customer.full_name if order.customer else ""
    return order.full_name or customer or order.email or gettext("Client sans nom")


def _place(order: Order) -> str:
    method = order.shipping_method
    if method is None:
        return ""
    if method.kind == ShippingMethod.Kind.DELIVERY:
        where = " ".join(part for part in (order.postcode, order.city) if part)
        label = gettext("Livraison : %(method)s") % {"method": method.name}
        return f"{label} — {where}" if where else label
    return method.name


def _day(order: Order) -> str:
    if order.pickup_at is None:
        return ""
    return formats.date_format(timezone.localtime(order.pickup_at), "l j F Y")


def _sort_key(order: Order) -> tuple:
    """Pickup points first, then deliveries, then orders without a method; by name, then customer."""
    method = order.shipping_method
    place = (
        (0 if method.kind == ShippingMethod.Kind.PICKUP else 1, method.name.casefold()) if method else (2, "")
    )
    return (*place, _customer(order).casefold(), order.number, order.pk)


def sort_orders(orders: Iterable[Order]) -> list[Order]:
    """The orders in the labels' order: by pickup point (then deliveries), then customer name."""
    return sorted(orders, key=_sort_key)


def stickers(orders: Iterable[Order], bags: int = 1, per_order: Mapping | None = None) -> list[Sticker]:
    """`bags` stickers per order (`per_order[order.uuid]` for the orders it names), sorted by
    pickup point then customer name. Raises ValueError for a count outside 1..MAX_BAGS."""
    per_order = {str(uuid): count for uuid, count in (per_order or {}).items()}
    made = []
    for order in sort_orders(orders):
        count = per_order.get(str(order.uuid), bags)
        if not MIN_BAGS <= count <= MAX_BAGS:
            raise ValueError(f"bags per order must be within {MIN_BAGS}..{MAX_BAGS}: {count}")
        customer, number = _cut(_customer(order), MAX_NAME), order.number or str(order.uuid)[:8]
        place, day = _cut(_place(order), MAX_TEXT), _day(order)
        made.extend(Sticker(customer, number, place, day, bag, count) for bag in range(1, count + 1))
    return made


def sheet_count(count: int, label_format: LabelFormat, start: int = 1) -> int:
    """The sheets `count` stickers take from label `start` (1: the first) of the first sheet."""
    return math.ceil((start - 1 + count) / label_format.per_sheet) if count else 0


def pages(made: list[Sticker], label_format: LabelFormat, start: int = 1) -> list[list[PlacedSticker]]:
    """The stickers placed on sheets, the first `start - 1` labels of the first sheet left blank.
    Raises ValueError when `start` is not on the sheet."""
    if not 1 <= start <= label_format.per_sheet:
        raise ValueError(f"start must be within 1..{label_format.per_sheet}: {start}")
    slots: list[Sticker | None] = [None] * (start - 1) + list(made)
    result = []
    for first in range(0, len(slots), label_format.per_sheet):
        placed = []
        for index, sticker in enumerate(slots[first : first + label_format.per_sheet]):
            left, top = label_format.position(index)
            placed.append(PlacedSticker(sticker, f"{left:.2f}", f"{top:.2f}"))
        result.append(placed)
    return result


def labels_html(made: list[Sticker], label_format: LabelFormat, start: int = 1) -> str:
    context = {"format": label_format, "sheets": pages(made, label_format, start)}
    return render_to_string(PDF_TEMPLATE, context)


def labels_document(made: list[Sticker], label_format: LabelFormat, start: int = 1):
    """The laid-out sheets (a WeasyPrint document, one page a sheet)."""
    html = labels_html(made, label_format, start)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def labels_pdf(made: list[Sticker], label_format: LabelFormat, start: int = 1) -> bytes:
    return labels_document(made, label_format, start).write_pdf()
