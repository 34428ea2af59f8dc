"""One report, every way it is read: a page of the HTML table, a CSV, an XLSX, a PDF, the API's JSON.

Each reads `report.rows(filters)` once, as the rows come: the HTML table counts the rows, sums the
totals and keeps only the page asked for; the CSV and the XLSX write each row then a last « Total »
row. The totals are summed as `Report.totals` sums them (`Sums`), in the same pass as the rows, so
that they are the exact sum of what is written.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import weasyprint
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from cabas.fulfilment.reports.base import (
    DATE,
    INT,
    MONEY,
    PERIODS,
    QUANTITY,
    RATE,
    TEXT,
    Column,
    Filters,
    Report,
    Sums,
)
from cabas.lib import money, spreadsheet

PER_PAGE = 100
PROGRESS_EVERY = 200  # rows read between two calls of a `progress` callback
PDF_MAX_ROWS = 5000
PDF_TEMPLATE = "manage/reports/report_pdf.html"
NUMERIC = (INT, QUANTITY, MONEY, RATE)


@dataclass(frozen=True)
class Cell:
    """A value written for a reader: `text` as shown, `numeric` for a right-aligned figure."""

    text: str
    numeric: bool = False


@dataclass
class Table:
    """One page of a report as the HTML page and the PDF show it."""

    columns: tuple[Column, ...]
    rows: list[list[Cell]]  # the page's rows
    totals: list[Cell]  # the totals over every row, labelled « Total »
    subtotals: list[Cell] | None  # the page's own sums, when there are several pages
    count: int  # the number of rows over every page
    page: Page  # page.number, page.paginator.num_pages...; page.links for the page links

    @property
    def has_totals(self) -> bool:
        return any(column.total for column in self.columns)


def _totals(report: Report, filters: Filters, sums: Sums) -> dict:
    """The sums of this pass, unless the report counts its totals its own way (then it is asked)."""
    if type(report).totals is Report.totals:
        return sums.result()
    return report.totals(filters)


# --- Cells ------------------------------------------------------------------------------------


def _grouped(value) -> str:
    """A number the reader's way: French '1 234,5', English '1,234.5'."""
    if isinstance(value, Decimal) and value == value.to_integral():
        value = int(value)
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return money.format_decimal(text)


def display(column: Column, value) -> Cell:
    """`value` of `column` as the HTML table and the PDF show it."""
    numeric = column.kind in NUMERIC
    if value is None or value == "":
        return Cell("", numeric)
    if column.kind == MONEY:
        return Cell(money.format_eur(value), True)
    if column.kind in (INT, QUANTITY):
        return Cell(_grouped(value), True)
    if column.kind == RATE:
        return Cell(money.format_percent(Decimal(value)), True)
    if column.kind == DATE:
        if isinstance(value, datetime.datetime):
            return Cell(timezone.localtime(value).strftime("%d/%m/%Y %H:%M"))
        return Cell(value.strftime("%d/%m/%Y"))
    return Cell(str(value), numeric)


def _display_row(columns: tuple[Column, ...], row: dict) -> list[Cell]:
    return [display(column, row.get(column.key)) for column in columns]


def _display_totals(columns: tuple[Column, ...], totals: dict, label: str) -> list[Cell]:
    cells = [display(column, totals[column.key]) if column.total else Cell("") for column in columns]
    if columns and not columns[0].total:
        cells[0] = Cell(label)
    return cells


Progress = Callable[[int], None] | None  # called with the number of rows read so far


def _counted(rows: Iterable[dict], progress: Progress) -> Iterator[dict]:
    """`rows` as they come, calling `progress(rows read)` every PROGRESS_EVERY rows and at the end."""
    if progress is None:
        yield from rows
        return
    done = 0
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            progress(done)
    progress(done)


def _page_number(value) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def table(
    report: Report, filters: Filters, page_number=1, per_page: int | None = None, progress: Progress = None
) -> Table:
    """Page `page_number` of the report (the last page when it is beyond), `per_page` rows a page
    (PER_PAGE by default), with the totals over every row. One pass over the rows, keeping at most
    two pages of them; `progress`, when given, is told how many rows are read as they are."""
    wanted = _page_number(page_number)
    per_page = per_page or PER_PAGE
    sums = Sums(report.columns)
    kept: list[dict] = []
    last: list[dict] = []  # the page being read: the last page at the end of the pass
    count = 0
    for index, row in enumerate(_counted(report.rows(filters), progress)):
        sums.add(row)
        if index % per_page == 0:
            last = []
        last.append(row)
        if index // per_page + 1 == wanted:
            kept.append(row)
        count = index + 1
    page = Paginator(range(count), per_page).get_page(wanted)
    if page.number != wanted:
        kept = last
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    subtotals = None
    if page.paginator.num_pages > 1 and sums.keys:
        page_sums = Sums(report.columns)
        for row in kept:
            page_sums.add(row)
        label = gettext("Sous-total de la page %(number)s") % {"number": page.number}
        subtotals = _display_totals(report.columns, page_sums.result(), label)
    totals = _display_totals(report.columns, _totals(report, filters, sums), gettext("Total"))
    rows = [_display_row(report.columns, row) for row in kept]
    return Table(report.columns, rows, totals, subtotals, count, page)


# --- The filters in words ---------------------------------------------------------------------


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def filters_in_words(filters: Filters, report: Report | None = None) -> list[str]:
    """The filters applied, one sentence each (« Toutes les commandes » when none)."""
    period = PERIODS[report.period if report else "orders"]
    words = []
    if filters.date_from and filters.date_to:
        words.append(str(period.between) % {"start": _day(filters.date_from), "end": _day(filters.date_to)})
    elif filters.date_from:
        words.append(str(period.since) % {"start": _day(filters.date_from)})
    elif filters.date_to:
        words.append(str(period.until) % {"end": _day(filters.date_to)})
    if filters.cycle:
        words.append(gettext("Cycle : %(cycle)s") % {"cycle": filters.cycle.name})
    if filters.distribution_date:
        words.append(gettext("Retrait ou livraison le %(day)s") % {"day": _day(filters.distribution_date)})
    if filters.producer:
        words.append(gettext("Producteur : %(producer)s") % {"producer": filters.producer.name})
    if filters.shipping_method:
        words.append(
            gettext("Mode de retrait ou de livraison : %(method)s") % {"method": filters.shipping_method.name}
        )
    return words or [str(period.everything)]


# --- CSV and XLSX -----------------------------------------------------------------------------


def _raw(column: Column, value):
    """`value` of `column` as a spreadsheet cell: numbers stay numbers, amounts to the cent."""
    if value is None:
        return None
    if column.kind == MONEY:
        return spreadsheet.amount(value)
    if column.kind == TEXT:
        return str(value)
    return value


def _spreadsheet_rows(report: Report, filters: Filters, progress: Progress = None) -> Iterator[list]:
    """Each row as spreadsheet cells, then the « Total » row (when the report has totals)."""
    sums = Sums(report.columns)
    for row in _counted(report.rows(filters), progress):
        sums.add(row)
        yield [_raw(column, row.get(column.key)) for column in report.columns]
    if sums.keys:
        totals = _totals(report, filters, sums)
        line = [_raw(column, totals[column.key]) if column.total else None for column in report.columns]
        if not report.columns[0].total:
            line[0] = gettext("Total")
        yield line


def _header(report: Report) -> list[str]:
    return [str(column.label) for column in report.columns]


def filename(report: Report, filters: Filters, extension: str) -> str:
    return f"{report.name}-{filters.enterprise.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_lines(report: Report, filters: Filters, progress: Progress = None) -> Iterator[str]:
    """The lines of the report as a French CSV (`;`, decimal comma, BOM first), as they are written."""
    return spreadsheet.csv_lines(_header(report), _spreadsheet_rows(report, filters, progress))


def csv_response(report: Report, filters: Filters):
    """The report as a French CSV, streamed."""
    return spreadsheet.csv_response(csv_lines(report, filters), filename(report, filters, "csv"))


def _sheet_title(report: Report) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", str(report.title))[:31] or report.name[:31]


def xlsx_bytes(report: Report, filters: Filters, progress: Progress = None) -> bytes:
    """The report as a workbook of one sheet (written row by row)."""
    rows = _spreadsheet_rows(report, filters, progress)
    return spreadsheet.xlsx_bytes(_header(report), rows, sheet_title=_sheet_title(report))


def xlsx_response(report: Report, filters: Filters) -> HttpResponse:
    return spreadsheet.xlsx_response(xlsx_bytes(report, filters), filename(report, filters, "xlsx"))


# --- PDF --------------------------------------------------------------------------------------


def pdf_bytes(report: Report, filters: Filters, progress: Progress = None) -> bytes:
    """The report printed (A4 landscape): title, structure, filters, table, totals, date made; its
    first PDF_MAX_ROWS rows only, saying so when there are more. `progress` is told the rows read;
    its last call (every row read) comes before WeasyPrint lays the pages out, the long part."""
    data = table(report, filters, 1, per_page=PDF_MAX_ROWS, progress=progress)
    context = {
        "report": report,
        "enterprise": filters.enterprise,
        "filters_in_words": filters_in_words(filters, report),
        "table": data,
        "cut": data.count > PDF_MAX_ROWS,
        "max_rows": _grouped(PDF_MAX_ROWS),
        "count": _grouped(data.count),
        "made_at": timezone.localtime(),
    }
    html = render_to_string(PDF_TEMPLATE, context)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(report: Report, filters: Filters) -> HttpResponse:
    result = HttpResponse(pdf_bytes(report, filters), content_type="application/pdf")
    result["Content-Disposition"] = f'attachment; filename="{filename(report, filters, "pdf")}"'
    return result


# --- JSON (the API) ---------------------------------------------------------------------------


def _json_value(column: Column, value):
    if value is None:
        return None
    if column.kind == MONEY:
        return str(spreadsheet.amount(value))
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int | float | bool):
        return value
    return str(value)


def json_data(report: Report, filters: Filters) -> dict:
    """`{"columns": [{"key", "label"}], "rows": [{key: value}], "totals": {key: value}}`: amounts as
    decimal strings ("12.50"), dates in ISO 8601."""
    sums = Sums(report.columns)
    rows = []
    for row in report.rows(filters):
        sums.add(row)
        rows.append({column.key: _json_value(column, row.get(column.key)) for column in report.columns})
    totals = _totals(report, filters, sums)
    by_key = {column.key: column for column in report.columns}
    return {
        "columns": [{"key": column.key, "label": str(column.label)} for column in report.columns],
        "rows": rows,
        "totals": {key: _json_value(by_key[key], value) for key, value in totals.items()},
    }
