"""What every report is made of: its columns, the common filters, the rows it reads and its totals.

A report is a subclass of `Report` registered with `@register`: a stable English `name` (in URLs and
the API), a French title, group and one-sentence description, the common filters it takes, its
columns and `rows(filters)`, an iterator of dicts keyed by the columns' keys. The same rows feed
the HTML table, the CSV, the XLSX, the PDF and the API's JSON (`cabas.fulfilment.reports.render`).

Rows are read by the database (aggregates, `.values()`, `.iterator()`), never by loading every
order into Python: a report costs a fixed number of queries and bounded memory whatever the size.
`totals(filters)` is, by default, the sum of the rows' `total=True` columns — the totals are the
exact sum of what is shown.

The orders a report reads are the seller's placed and collected ones (`REPORTED`): carts, orders
still awaiting their card payment and cancelled orders are left out. `orders_for` and `lines_for`
are the one place that applies the common filters.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cabas.cycles.models import OrderCycle, ShippingMethod
from cabas.enterprises.models import Enterprise, Role, Sells
from cabas.lib import money
from cabas.lib.days import day_bounds
from cabas.orders.models import FeeLine, Line, Order

# The orders every report reads: placed (to prepare, to collect) and collected.
REPORTED = (Order.Status.PLACED, Order.Status.FULFILLED)

# The kinds of column: how a value is written (HTML, CSV, XLSX) and whether it is summed.
TEXT, INT, QUANTITY, MONEY, RATE, DATE = "text", "int", "quantity", "money", "rate", "date"

# The groups of the reports page, in their order there.
GROUPS = {
    "orders": _("Commandes et préparation"),
    "packing": _("Colisage"),
    "bulk": _("Achats groupés"),
    "distribution": _("Distribution et livraison"),
    "payments": _("Paiements"),
    "accounting": _("Frais, TVA et reversements"),
    "catalogue": _("Clients, produits et stock"),
}

# The common filters a report may take (`Report.filters`), by their query-string name.
FILTERS = ("from", "to", "cycle", "distribution_date", "producer", "shipping_method")


@dataclass(frozen=True)
class Period:
    """How the period filters (`from`, `to`) read for a report: which dates they select."""

    label: str  # the `from` field's label
    between: str
    since: str
    until: str
    everything: str  # no filter at all


PERIODS = {
    "orders": Period(
        _("Commandes passées du"),
        _("Commandes passées du %(start)s au %(end)s"),
        _("Commandes passées à partir du %(start)s"),
        _("Commandes passées jusqu'au %(end)s"),
        _("Toutes les commandes"),
    ),
    "payments": Period(
        _("Paiements reçus du"),
        _("Paiements reçus du %(start)s au %(end)s"),
        _("Paiements reçus à partir du %(start)s"),
        _("Paiements reçus jusqu'au %(end)s"),
        _("Tous les paiements"),
    ),
}


@dataclass(frozen=True)
class Column:
    key: str  # stable English key: the JSON key and the XLSX/CSV column order
    label: str  # French label (lazy), the header of the HTML table, the CSV and the XLSX
    kind: str = TEXT
    total: bool = False  # summed in the totals row (INT, QUANTITY and MONEY columns)


@dataclass(frozen=True)
class Filters:
    """The filters one request asks for, already checked: every object belongs to `enterprise` or is
    one of its producers, cycles or methods; None means "not filtered"."""

    enterprise: Enterprise
    date_from: datetime.date | None = None  # the orders placed that day or later (local time)
    date_to: datetime.date | None = None  # ... and that day or earlier
    cycle: OrderCycle | None = None
    distribution_date: datetime.date | None = None  # the pickup or delivery date of the order
    producer: Enterprise | None = None
    shipping_method: ShippingMethod | None = None


class Report:
    name: str = ""  # e.g. "orders-by-supplier"
    title = ""
    group = "orders"  # a key of GROUPS
    description = ""
    filters: tuple[str, ...] = ("from", "to", "cycle", "distribution_date")
    columns: tuple[Column, ...] = ()
    min_role: str = Role.Level.MANAGER  # the distribution sheet: Role.Level.VOLUNTEER
    period: str = "orders"  # a key of PERIODS: what `from` and `to` select

    def offered_to(self, enterprise: Enterprise) -> bool:
        """Whether `enterprise` has this report at all (by default: an enterprise that sells)."""
        return enterprise.sells != Sells.NONE

    def scope(self, enterprise: Enterprise) -> QuerySet:
        """Every order this report may read for `enterprise`, whatever the filters (a queryset): the
        filters offer the cycles, producers and methods of these orders. By default the
        enterprise's reported orders as a seller."""
        return Order.objects.filter(seller=enterprise, status__in=REPORTED)

    def rows(self, filters: Filters) -> Iterator[dict]:
        raise NotImplementedError

    def totals(self, filters: Filters) -> dict:
        """The sums of the `total=True` columns over every row (keys of the other columns absent)."""
        sums = Sums(self.columns)
        for row in self.rows(filters):
            sums.add(row)
        return sums.result()


class Sums:
    """The sums of the `total=True` columns of `columns`, added row by row (`Report.totals`, and the
    renderers in the same pass as they write the rows); amounts rounded to the cent."""

    def __init__(self, columns: tuple[Column, ...]):
        self.keys = [c.key for c in columns if c.total]
        self.sums: dict = dict.fromkeys(self.keys, 0)

    def add(self, row: dict) -> None:
        for key in self.keys:
            self.sums[key] += row[key] or 0

    def result(self) -> dict:
        return {k: money.round_money(v) if isinstance(v, Decimal) else v for k, v in self.sums.items()}


REPORTS: dict[str, Report] = {}


def register(report_class: type[Report]) -> type[Report]:
    """Class decorator: add one instance of the report to the registry under its name."""
    if not report_class.name or report_class.name in REPORTS:
        raise ValueError(f"report name missing or taken: {report_class.name!r}")
    REPORTS[report_class.name] = report_class()
    return report_class


def reports_for(role: str, enterprise: Enterprise | None = None) -> list[Report]:
    """The reports a member of this role (of `enterprise`, when given: those it has) may open, in
    the order of GROUPS then by title."""
    rank = Role.RANK[role]
    allowed = [
        r
        for r in REPORTS.values()
        if Role.RANK[r.min_role] <= rank and (enterprise is None or r.offered_to(enterprise))
    ]
    order = list(GROUPS)
    return sorted(allowed, key=lambda r: (order.index(r.group), str(r.title)))


def report_named(name: str, role: str, enterprise: Enterprise) -> Report | None:
    """The report `name` if `enterprise` has it and a member of `role` may open it, else None."""
    report = REPORTS.get(name)
    if report is None or not report.offered_to(enterprise) or Role.RANK[report.min_role] > Role.RANK[role]:
        return None
    return report


def orders_for(filters: Filters, prefix: str = "") -> dict:
    """The lookups (for `.filter(**...)`) selecting the reported orders of `filters.enterprise` as a
    seller with the filters applied; `prefix` is the path to the order ("order__" from a line)."""
    lookups: dict = {f"{prefix}seller": filters.enterprise, f"{prefix}status__in": REPORTED}
    if filters.date_from:
        lookups[f"{prefix}placed_at__gte"] = day_bounds(filters.date_from)[0]
    if filters.date_to:
        lookups[f"{prefix}placed_at__lt"] = day_bounds(filters.date_to)[1]
    if filters.cycle:
        lookups[f"{prefix}cycle"] = filters.cycle
    if filters.distribution_date:
        start, end = day_bounds(filters.distribution_date)
        lookups[f"{prefix}pickup_at__gte"], lookups[f"{prefix}pickup_at__lt"] = start, end
    if filters.shipping_method:
        lookups[f"{prefix}shipping_method"] = filters.shipping_method
    return lookups


def reported_orders(filters: Filters) -> QuerySet:
    """The reported orders (a queryset, not evaluated)."""
    return Order.objects.filter(**orders_for(filters))


def reported_lines(filters: Filters) -> QuerySet:
    """The lines of the reported orders, only `filters.producer`'s when set (a queryset)."""
    lines = Line.objects.filter(**orders_for(filters, "order__"))
    if filters.producer:
        lines = lines.filter(producer=filters.producer)
    return lines


def reported_fee_lines(filters: Filters) -> QuerySet:
    """The fee lines of the reported orders (a queryset)."""
    return FeeLine.objects.filter(**orders_for(filters, "order__"))
