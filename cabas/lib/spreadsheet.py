"""Every CSV and XLSX file the application writes goes through this module, so that no cell typed by
a user (a product name, a customer's phone number...) is ever run as a formula by a spreadsheet.

Rows are lists of Python values: text (`str`, or anything else, written as its `str`), numbers (`int`,
`Decimal`), dates and datetimes, `None` for an empty cell. Only text can hold a formula:

- CSV: a text starting like a formula (`= + - @`, tab, carriage return) gets a leading apostrophe,
  which spreadsheets show as text and never evaluate; numbers are written by the module itself (digits,
  a sign, the dialect's decimal separator), so a negative amount is still a number.
- XLSX: every text is written as a string cell, never a formula (openpyxl would otherwise turn a text
  starting with "=" into one), so it keeps exactly what was typed; numbers and dates keep their type.
"""

import csv
import datetime
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from cabas.lib import money

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    decimal_separator: str
    date_format: str
    datetime_format: str
    bom: bool


# For a French spreadsheet: UTF-8 with a BOM (Excel then reads the accents), `;`, decimal comma.
FRENCH = CsvDialect(
    delimiter=";", decimal_separator=",", date_format="%d/%m/%Y", datetime_format="%d/%m/%Y %H:%M", bom=True
)
# For other tools (the Open Food Network product list): UTF-8 without BOM, `,`, decimal point.
INTERCHANGE = CsvDialect(
    delimiter=",",
    decimal_separator=".",
    date_format="%Y-%m-%d",
    datetime_format="%Y-%m-%d %H:%M:%S",
    bom=False,
)


def neutralised(text: str) -> str:
    """`text` as a CSV cell a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unneutralised(text: str) -> str:
    """What `neutralised` protected, for an import reading back an exported CSV: the apostrophe is
    removed only before a formula character, so "'Bio" or "l'été" stay as they are."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_START:
        return text[1:]
    return text


def amount(value: Decimal | None) -> Decimal:
    """An amount rounded to the cent (None -> 0.00), written "12,50" in a French CSV."""
    return money.round_money(value) if value is not None else money.ZERO


def date(value: datetime.date) -> str:
    """A date in French, for a text (a label) rather than a date cell."""
    return value.strftime(FRENCH.date_format)


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


# --- CSV --------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose `write` returns the line (csv.writer then gives it back)."""

    def write(self, value):
        return value


def _number(value, dialect: CsvDialect) -> str:
    # Fixed-point, whatever the exponent (Decimal("5E+2") -> "500"): a spreadsheet reads it as a number.
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", dialect.decimal_separator)


def _csv_cell(value, dialect: CsvDialect) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return _number(value, dialect)
    if isinstance(value, datetime.datetime):
        return _local(value).strftime(dialect.datetime_format)
    if isinstance(value, datetime.date):
        return value.strftime(dialect.date_format)
    return neutralised(str(value))


def csv_lines(header: Sequence, rows: Iterable[Sequence], *, dialect: CsvDialect = FRENCH) -> Iterator[str]:
    """`header` then each of `rows` as CSV lines (CRLF), one at a time for a streaming response; with
    the dialect's BOM at the start of the first line."""
    writer = csv.writer(_Echo(), delimiter=dialect.delimiter, lineterminator="\r\n")
    first = writer.writerow([_csv_cell(value, dialect) for value in header])
    yield "\ufeff" + first if dialect.bom else first
    for row in rows:
        yield writer.writerow([_csv_cell(value, dialect) for value in row])


CSV_CHUNK_LINES = 200  # lines sent together: one chunk per line costs more than writing it


def _chunks(lines: Iterable[str]) -> Iterator[str]:
    """`lines` joined by `CSV_CHUNK_LINES` (memory stays bounded: one chunk at a time)."""
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) == CSV_CHUNK_LINES:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def csv_response(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    """The CSV as a download named `filename`, streamed in chunks of `CSV_CHUNK_LINES` lines."""
    result = StreamingHttpResponse(_chunks(lines), content_type=CSV_CONTENT_TYPE)
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result


# --- XLSX -------------------------------------------------------------------------------------


def _xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        is_datetime = isinstance(value, datetime.datetime)
        cell = WriteOnlyCell(sheet, value=_local(value) if is_datetime else value)
        cell.number_format = "dd/mm/yyyy hh:mm" if is_datetime else "dd/mm/yyyy"
        return cell
    # Control characters other than tab and line breaks cannot be stored in an XLSX file.
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if not text:
        return None
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl made a text starting with "=" a formula: force a string
    return cell


def xlsx_bytes(header: Sequence, rows: Iterable[Sequence], *, sheet_title: str) -> bytes:
    """A workbook of one sheet: `header` then `rows` (written as they come, in constant memory)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for row in itertools.chain([header], rows):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """The workbook as a download named `filename`."""
    result = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result
