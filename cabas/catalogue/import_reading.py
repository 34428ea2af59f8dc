"""Product-list import, step 1: read a CSV or XLSX file into rows of text (encodings, delimiters,
XLSX), up to `PRODUCT_IMPORT_MAX_ROWS` rows. `check_upload` is the cheap part of it an upload goes
through before it is stored. The whole import is described in `cabas.catalogue.imports`.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cabas.catalogue.exceptions import ImportRejected
from cabas.lib.spreadsheet import unneutralised
from cabas.lib.text import fold as _fold

# The Open Food Network product-list template, in its order (also the export's columns).
OFN_COLUMNS = (
    "producer", "sku", "name", "display_name", "category", "description", "units", "unit_type",
    "variant_unit_name", "price", "on_hand", "available_on", "on_demand", "shipping_category",
    "tax_category",
)
# The native format: French headers, same meaning (available_on and shipping_category have none).
NATIVE_COLUMNS = {
    "producteur": "producer", "sku": "sku", "produit": "name", "variante": "display_name",
    "catégorie": "category", "description": "description", "quantité": "units", "unité": "unit_type",
    "nom_unité": "variant_unit_name", "prix": "price", "stock": "on_hand", "à_la_demande": "on_demand",
    "tva": "tax_category",
}
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}
SNIFF_BYTES = 64 * 1024  # how much of a CSV the upload check decodes
SHEET_MAX_ROWS = 1_048_576  # the most rows a spreadsheet holds; a row number beyond is a broken file
MAX_COMPRESSION_RATIO = 100  # sheets compress 10 to 20 times; a zip bomb 1,000 times
RATIO_CHECKED_FROM = 1024 * 1024  # small members (styles, theme) may compress well and do no harm


def max_rows() -> int:
    """The most product rows a file may have (the budget is 10,000 rows checked and imported in 10 s)."""
    return getattr(settings, "PRODUCT_IMPORT_MAX_ROWS", 20_000)


def max_unzipped_bytes() -> int:
    """The most an XLSX file may weigh once decompressed (20,000 rows written by openpyxl: 15 MB)."""
    return getattr(settings, "PRODUCT_IMPORT_MAX_UNZIPPED_MB", 50) * 1024 * 1024


@lru_cache(maxsize=65536)  # the same names come back on many rows
def fold(text: str) -> str:
    """Lower case, without accents, extra spaces or ligatures: ' Œufs ' -> 'oeufs'."""
    return _fold(text).replace("œ", "oe").replace("æ", "ae")




@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file, where a spreadsheet user will find it."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.line and self.column:
            return _("ligne %(line)s, colonne %(column)s : %(message)s") % {
                "line": self.line, "column": self.column, "message": self.message,
            }
        if self.line:
            return _("ligne %(line)s : %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass
class Table:
    """The file as text: its header cells and its non-blank rows with their spreadsheet row number."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


# --- 1. Reading the file -------------------------------------------------------------------------


def file_kind(name: str) -> str:
    """'csv' or 'xlsx' from the file name; ImportRejected for any other kind of file."""
    suffix = Path(name or "").suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if suffix in (".xls", ".ods"):
        message = _(
            "Le format %(suffix)s n'est pas pris en charge : enregistrez le fichier en .xlsx ou en .csv."
        )
    else:
        message = _("Ce fichier n'est ni un CSV ni un XLSX : choisissez un fichier .csv ou .xlsx.")
    raise ImportRejected([Problem(None, None, message % {"suffix": suffix})])


def decode(data: bytes, *, complete: bool = True) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Excel writes it on French Windows.

    With `complete=False`, `data` is the beginning of a file: a character cut at its end is no error.
    """
    if b"\x00" in data[:4096]:
        raise ImportRejected([Problem(None, None, _("Ce fichier n'est pas un fichier CSV (texte)."))])
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=complete)
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportRejected([Problem(None, None, _(
            "Encodage du fichier non reconnu : enregistrez-le en CSV UTF-8."))])


def sniff_delimiter(text: str) -> str:
    """The delimiter the header line uses most: ';' (French Excel), ',' or a tab."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def csv_rows(data: bytes):
    text = decode(data)
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
    try:
        # A cell our exports protected from running as a formula ("'-5 % ...") reads back as typed.
        for cells in reader:
            yield [unneutralised(cell) for cell in cells]
    except csv.Error as error:
        raise ImportRejected([Problem(reader.line_num or None, None, _(
            "fichier CSV mal formé (%(error)s)") % {"error": error})])


def _cell(value) -> str:
    """An XLSX cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _unreadable_xlsx() -> ImportRejected:
    return ImportRejected([Problem(None, None, _(
        "Ce fichier XLSX est illisible : ouvrez-le dans votre tableur et enregistrez-le à nouveau."))])


def check_xlsx_archive(data: bytes) -> None:
    """Refuse, from the zip's directory alone, an XLSX file that would be huge once decompressed.

    Python's zipfile stops at the size the directory declares for a member, so the declared sizes
    can be trusted.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _unreadable_xlsx()
    bomb = sum(m.file_size for m in members) > max_unzipped_bytes() or any(
        m.file_size > RATIO_CHECKED_FROM and m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1)
        for m in members
    )
    if bomb:
        raise ImportRejected([Problem(None, None, _(
            "Ce fichier XLSX est anormalement gros une fois décompressé : ouvrez-le dans votre tableur, "
            "enregistrez-le à nouveau, ou découpez-le en plusieurs fichiers."))])


def _open_xlsx(data: bytes):
    from openpyxl import load_workbook

    check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _unreadable_xlsx()
    return workbook


def xlsx_rows(data: bytes):
    workbook = _open_xlsx(data)
    try:
        sheet = workbook.active
        # In read-only mode openpyxl stops at the size the sheet declares (<dimension ref="A1:E2"/>),
        # which some programs leave stale: the rows and columns beyond it would be left out unsaid.
        sheet.reset_dimensions()
        width = None  # the header's: cells right of it have no column name, so they are not read
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if line > SHEET_MAX_ROWS:
                raise _unreadable_xlsx()
            if values.count(None) == len(values):  # blank (cheap even for a row styled far right)
                yield []
                continue
            cells = [_cell(v) for v in values[:width]]
            if width is None and any(c.strip() for c in cells):
                width = max(i for i, c in enumerate(cells) if c.strip()) + 1
            yield [unneutralised(cell) for cell in cells]
    finally:
        workbook.close()


def check_upload(name: str, data: bytes) -> None:
    """What can be checked of an uploaded file without reading it all: its kind, for an XLSX file its
    zip directory, for a CSV file the encoding of its beginning. ImportRejected if wrong."""
    if file_kind(name) == "xlsx":
        check_xlsx_archive(data)
    else:
        decode(data[:SNIFF_BYTES], complete=len(data) <= SNIFF_BYTES)


def _too_many_rows(limit: int) -> ImportRejected:
    limit = number_format(limit, force_grouping=True)
    return ImportRejected([Problem(None, None, _(
        "Le fichier contient plus de %(max)s lignes de produits : découpez-le en fichiers de %(max)s "
        "lignes au plus.") % {"max": limit})])


def read_table(name: str, data: bytes) -> Table:
    """The header and the non-blank rows of a CSV or XLSX file; ImportRejected if it has none, or more
    than `max_rows()` (reading stops there)."""
    rows_of = xlsx_rows if file_kind(name) == "xlsx" else csv_rows
    limit = max_rows()
    header = None
    rows = []
    for line, cells in enumerate(rows_of(data), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue  # blank lines (often at the end) are not rows
        if header is None:
            header = cells
        elif len(rows) == limit:
            raise _too_many_rows(limit)
        else:
            rows.append((line, cells))
    if header is None:
        raise ImportRejected([Problem(None, None, _("Le fichier est vide."))])
    if not rows:
        raise ImportRejected([Problem(None, None, _(
            "Le fichier ne contient aucun produit : seule la ligne d'en-tête est remplie."))])
    while header and not header[-1]:
        header.pop()
    return Table(header=header, rows=rows)
