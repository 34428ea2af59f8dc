"""CSV exports for a French spreadsheet: UTF-8 with a BOM, `;` between cells, decimal comma,
streamed line by line; text cells are never run as formulas."""

import csv
import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import StreamingHttpResponse

from cabas.lib import money

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose `write` returns the line (csv.writer then gives it back)."""

    def write(self, value):
        return value


def text(value) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    value = str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def amount(value: Decimal | None) -> str:
    """12.5 -> "12,50", None -> "0,00" (no thousands separator: spreadsheets read it as a number)."""
    value = money.round_money(value) if value is not None else money.ZERO
    return f"{value:.2f}".replace(".", ",")


def date(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def lines(header: list, rows: Iterable[list]) -> Iterator[str]:
    """`header` then each of `rows` as CSV lines, the first one starting with the BOM."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def response(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    """The CSV as a download named `filename`, streamed."""
    result = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result
