"""Product-list import: read a CSV or XLSX file, check every row, then apply everything or nothing.

Two column sets are accepted (docs/import.md): the Open Food Network product-list template
(`producer,sku,name,display_name,category,...`) and a native one with French headers (`producteur`,
`produit`, `variante`, `catégorie`...). Every problem is reported as `ligne N, colonne C : message`,
where N is the row number a spreadsheet shows (the header is row 1) and C the column's header.

The work is done in three steps so that nothing changes on any error:
1. `read_table` turns the file into rows of text (encodings, delimiters, XLSX), up to
   `PRODUCT_IMPORT_MAX_ROWS` rows (`check_upload` is the cheap part of it an upload goes through
   before it is stored);
2. `check_rows` parses and validates every row (producer, category, unit, price...) without
   writing anything;
3. `product_import` matches the rows with the existing variants (SKU, else product name + variant
   name + unit + quantity) and writes the changes with bulk queries inside one transaction.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cabas.catalogue.exceptions import ImportRejected
from cabas.catalogue.models import Category, Product, TaxRate, Variant
from cabas.enterprises.models import Enterprise
from cabas.enterprises.services_relationships import enterprise_grants
from cabas.lib import money, units
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
REQUIRED = ("name", "category", "units", "price")
IGNORED = ("available_on", "shipping_category")
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}
MAX_INT = 2**31 - 1
PROGRESS_EVERY = 500
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


def _header_key(text: str) -> str:
    """'Catégorie ', 'à la demande', 'Nom-unité' -> 'categorie', 'a_la_demande', 'nom_unite'."""
    return fold(text).replace(" ", "_").replace("-", "_")


HEADERS = {_header_key(c): c for c in OFN_COLUMNS} | {_header_key(k): v for k, v in NATIVE_COLUMNS.items()}


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


def _csv_rows(data: bytes):
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


def _xlsx_rows(data: bytes):
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
    rows_of = _xlsx_rows if file_kind(name) == "xlsx" else _csv_rows
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


# --- 2. Checking the rows ------------------------------------------------------------------------


@dataclass
class Row:
    """One checked row. `None` for an optional value means 'column absent or cell empty: keep'."""

    line: int
    producer: Enterprise
    sku: str
    name: str
    variant_name: str
    category: Category
    description: str | None
    quantity: Decimal
    unit: str
    unit_name: str
    price: Decimal
    on_hand: int | None
    on_demand: bool | None
    tax_rate: TaxRate | None
    has_tax_rate: bool

    def name_key(self) -> tuple:
        return (self.producer.pk, fold(self.name), fold(self.variant_name), self.unit, self.quantity)


class Columns:
    """Where each field is in the header, and the header text to name it in messages."""

    def __init__(self, header: list[str]):
        self.index: dict[str, int] = {}
        self.label: dict[str, str] = {}
        problems = []
        for position, text in enumerate(header):
            key = HEADERS.get(_header_key(text))
            if key is None:
                continue  # other columns are ignored (spreadsheets often carry notes)
            if key in self.index:
                problems.append(Problem(1, text, _("colonne en double")))
                continue
            self.index[key] = position
            self.label[key] = text
        native_only = {_header_key(k) for k in NATIVE_COLUMNS} - {_header_key(c) for c in OFN_COLUMNS}
        native = any(_header_key(text) in native_only for text in header)
        for key in REQUIRED:
            if key not in self.index:
                name = next(k for k, v in NATIVE_COLUMNS.items() if v == key) if native else key
                problems.append(Problem(1, name, _("colonne obligatoire absente")))
        if problems:
            raise ImportRejected(problems)

    def has(self, key: str) -> bool:
        return key in self.index

    def get(self, cells: list[str], key: str) -> str:
        position = self.index.get(key)
        if position is None or position >= len(cells):
            return ""
        return cells[position]


class Checker:
    """Parses and validates rows for an importing enterprise; reference data is loaded once."""

    def __init__(self, enterprise: Enterprise):
        self.enterprise = enterprise
        self.producers: dict[str, Enterprise | str] = {}  # folded name -> producer or why not
        self.categories: dict[str, Category] = {}
        for category in Category.objects.select_related("default_tax_rate").order_by("parent_id", "position"):
            for name in (category.name, category.name_en):
                self.categories.setdefault(fold(name), category)
        self.tax_rates = {rate.rate.normalize(): rate for rate in TaxRate.objects.all()}

    # Each parser returns the value, or raises ValueError with the French message.

    def producer(self, text: str) -> Enterprise:
        key = fold(text)
        if key not in self.producers:
            self.producers[key] = self._find_producer(text)
        found = self.producers[key]
        if isinstance(found, str):
            raise ValueError(found)
        return found

    def _find_producer(self, text: str) -> Enterprise | str:
        me = self.enterprise
        if not text.strip():
            if me.is_producer:
                return me
            return _("producteur manquant : indiquez le nom du producteur")
        if fold(text) == fold(me.name):
            if me.is_producer:
                return me
            return _("« %(name)s » n'est pas un producteur") % {"name": text}
        candidates = [e for e in Enterprise.objects.filter(name__iexact=text.strip())
                      if fold(e.name) == fold(text)]
        if not candidates:
            return _("producteur inconnu : « %(name)s »") % {"name": text}
        for candidate in candidates:
            if candidate.is_producer and enterprise_grants(candidate, me, "manage_products"):
                return candidate
        return _("vous ne pouvez pas gérer les produits de « %(name)s » (il faut son autorisation "
                 "« gérer mes produits »)") % {"name": text}

    def category(self, text: str) -> Category:
        if not text:
            raise ValueError(_("catégorie manquante"))
        found = self.categories.get(fold(text))
        if found is None:
            raise ValueError(_("catégorie inconnue : « %(name)s »") % {"name": text})
        return found

    @staticmethod
    def quantity(text: str) -> Decimal:
        if not text:
            raise ValueError(_("quantité manquante (ex. 500, 1,5 ou 6)"))
        try:
            value = units.parse_quantity(text)
        except units.UnitError:
            raise ValueError(_("quantité invalide : « %(value)s » (un nombre positif, ex. 500 ou 1,5)")
                             % {"value": text})
        if value.as_tuple().exponent < -3 or value >= 10**7:
            raise ValueError(_("quantité invalide : « %(value)s » (au plus 3 décimales)") % {"value": text})
        return value

    @staticmethod
    def unit(text: str) -> str:
        try:
            return units.parse_unit(text)
        except units.UnitError:
            raise ValueError(_("unité inconnue : « %(value)s » (g, kg, ml, cl, dl, l, ou vide pour des "
                               "pièces avec leur nom dans variant_unit_name)") % {"value": text})

    @staticmethod
    def price(text: str) -> Decimal:
        if not text:
            raise ValueError(_("prix manquant"))
        try:
            value = money.to_decimal(text)
        except ValueError:
            raise ValueError(_("prix invalide : « %(value)s » (ex. 3,50)") % {"value": text})
        if value < 0:
            raise ValueError(_("prix négatif : « %(value)s »") % {"value": text})
        if value != value.quantize(money.CENT) or value >= 10**10:
            raise ValueError(_("prix invalide : « %(value)s » (au plus 2 décimales)") % {"value": text})
        return value.quantize(money.CENT)

    @staticmethod
    def stock(text: str) -> int | None:
        if not text:
            return None
        try:
            value = Decimal(text.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
            if not value.is_finite() or value != value.to_integral_value():
                raise ValueError
        except (ArithmeticError, ValueError):
            raise ValueError(_("stock invalide : « %(value)s » (un nombre entier, ex. 12)") % {"value": text})
        if value < 0:
            raise ValueError(_("stock négatif : « %(value)s »") % {"value": text})
        if value > MAX_INT:
            raise ValueError(_("stock trop grand : « %(value)s »") % {"value": text})
        return int(value)

    @staticmethod
    def on_demand(text: str) -> bool | None:
        value = fold(text)
        if not value:
            return None
        if value in ("1", "true", "oui", "yes", "vrai"):
            return True
        if value in ("0", "false", "non", "no", "faux"):
            return False
        raise ValueError(
            _("valeur invalide : « %(value)s » (1 pour oui, 0 pour non, ou vide)") % {"value": text}
        )

    def tax_rate(self, text: str) -> TaxRate | None:
        if not text:
            return None
        cleaned = text.replace("%", "").replace("\u00a0", "").strip()
        try:
            rate = money.to_decimal(cleaned)
        except ValueError:
            rate = None
        found = self.tax_rates.get(rate.normalize()) if rate is not None else None
        if found is None:
            raise ValueError(_("taux de TVA inconnu : « %(value)s » (0, 5,5, 10 ou 20, ou vide pour le taux "
                               "de la catégorie)") % {"value": text})
        return found


def _text(columns: Columns, cells, key, max_length, problems, line, required_message=None) -> str:
    value = columns.get(cells, key)
    if required_message and not value:
        problems.append(Problem(line, columns.label.get(key, key), required_message))
    elif len(value) > max_length:
        problems.append(Problem(line, columns.label[key], _("texte trop long (%(max)s caractères au plus)")
                                % {"max": max_length}))
    return value


def check_rows(
    table: Table, enterprise: Enterprise, progress: Callable[[int], None] | None = None
) -> tuple[list[Row], list[Problem]]:
    """Every row parsed and validated (no write). Also flags two rows describing the same variant and
    rows of one product that disagree on its category."""
    columns = Columns(table.header)
    checker = Checker(enterprise)
    rows: list[Row] = []
    problems: list[Problem] = []
    parse = (
        ("producer", checker.producer), ("category", checker.category), ("units", checker.quantity),
        ("unit_type", checker.unit), ("price", checker.price), ("on_hand", checker.stock),
        ("on_demand", checker.on_demand), ("tax_category", checker.tax_rate),
    )
    name_missing = _("nom du produit manquant")
    for done, (line, cells) in enumerate(table.rows, start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(done)
        row_problems: list[Problem] = []
        values = {}
        for key, parser in parse:
            try:
                values[key] = parser(columns.get(cells, key))
            except ValueError as error:
                row_problems.append(Problem(line, columns.label.get(key, key), str(error)))
        name = _text(columns, cells, "name", 150, row_problems, line, name_missing)
        variant_name = _text(columns, cells, "display_name", 150, row_problems, line)
        sku = _text(columns, cells, "sku", 64, row_problems, line)
        unit_name = _text(columns, cells, "variant_unit_name", 40, row_problems, line)
        if row_problems:
            problems.extend(row_problems)
            continue
        unit = values["unit_type"]
        rows.append(Row(
            line=line, producer=values["producer"], sku=sku, name=name, variant_name=variant_name,
            category=values["category"],
            description=columns.get(cells, "description") if columns.has("description") else None,
            quantity=values["units"], unit=unit, unit_name=unit_name if unit == "item" else "",
            price=values["price"], on_hand=values["on_hand"], on_demand=values["on_demand"],
            tax_rate=values["tax_category"], has_tax_rate=columns.has("tax_category"),
        ))
    problems.extend(_file_problems(rows, columns))
    problems.sort(key=lambda p: p.line or 0)
    return rows, problems


def _file_problems(rows: list[Row], columns: Columns) -> list[Problem]:
    problems = []
    seen_sku: dict[tuple, int] = {}
    seen_key: dict[tuple, int] = {}
    categories: dict[tuple, Row] = {}
    for row in rows:
        if row.sku:
            first = seen_sku.setdefault((row.producer.pk, row.sku), row.line)
            if first != row.line:
                problems.append(Problem(row.line, columns.label["sku"], _(
                    "ligne en double : même SKU que la ligne %(line)s") % {"line": first}))
                continue
        first = seen_key.setdefault(row.name_key(), row.line)
        if first != row.line:
            message = _("ligne en double : même produit, variante et quantité que la ligne %(line)s")
            problems.append(Problem(row.line, columns.label["name"], message % {"line": first}))
            continue
        product = categories.setdefault((row.producer.pk, fold(row.name)), row)
        if product.category != row.category:
            problems.append(Problem(row.line, columns.label["category"], _(
                "catégorie différente de celle de la ligne %(line)s pour le même produit")
                % {"line": product.line}))
    return problems


# --- 3. Matching and writing ---------------------------------------------------------------------


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    products_created: int = 0

    def __str__(self) -> str:
        return _("%(rows)s lignes : %(created)s variantes créées, %(updated)s modifiées, %(unchanged)s "
                 "inchangées (%(products)s nouveaux produits).") % {
            "rows": self.rows, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "products": self.products_created,
        }


@dataclass
class Plan:
    summary: ImportSummary
    problems: list[Problem] = field(default_factory=list)
    new_products: list[Product] = field(default_factory=list)
    changed_products: list[Product] = field(default_factory=list)
    new_variants: list[Variant] = field(default_factory=list)
    changed_variants: list[Variant] = field(default_factory=list)
    variant_fields: set[str] = field(default_factory=set)


def make_plan(rows: list[Row], columns_label: dict[str, str]) -> Plan:
    """Match each row with an existing variant and product (two queries), and list what changes."""
    summary = ImportSummary(rows=len(rows))
    plan = Plan(summary=summary)
    producer_ids = {row.producer.pk for row in rows}
    all_products = list(Product.objects.active().filter(producer_id__in=producer_ids).order_by("-id"))
    products = {(p.producer_id, fold(p.name)): p for p in all_products}  # the oldest wins on duplicates
    by_sku: dict[tuple, Variant] = {}
    by_key: dict[tuple, Variant] = {}
    products_by_pk = {p.pk: p for p in all_products}
    existing = Variant.objects.active().filter(product__producer_id__in=producer_ids).order_by("-id")
    for variant in existing:  # newest first, so the oldest wins on duplicates
        product = products_by_pk[variant.product_id]
        variant.product = product  # one object per product, shared by its variants
        if variant.sku:
            by_sku[(product.producer_id, variant.sku)] = variant
        by_key[(product.producer_id, fold(product.name), fold(variant.name), variant.unit,
                variant.quantity)] = variant

    # Which existing variant each row updates (each at most once).
    matched: dict[int, Variant | None] = {}
    claimed: dict[int, int] = {}
    for row in rows:
        variant = by_sku.get((row.producer.pk, row.sku)) if row.sku else None
        if variant is None:
            variant = by_key.get(row.name_key())
        if variant is not None:
            if variant.pk in claimed:
                message = _("la ligne %(line)s modifie déjà la même variante existante") % {
                    "line": claimed[variant.pk]
                }
                plan.problems.append(Problem(row.line, columns_label.get("name", "name"), message))
                continue
            claimed[variant.pk] = row.line
        matched[row.line] = variant
    if plan.problems:
        return plan

    # Which product each group of rows (same producer, same name) belongs to.
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        groups.setdefault((row.producer.pk, fold(row.name)), []).append(row)
    group_product: dict[tuple, Product] = {}
    taken: set[int] = set()
    for key in groups:
        if key in products:
            group_product[key] = products[key]
            taken.add(products[key].pk)
    now = timezone.now()
    for key, group in groups.items():
        if key in group_product:
            continue
        candidates = [matched[r.line].product for r in group if matched[r.line] is not None]
        product = next((p for p in candidates if p.pk not in taken), None)
        if product is None:
            first = group[0]
            product = Product(producer=first.producer, name=first.name, category=first.category,
                              description=first.description or "", created_at=now)
            plan.new_products.append(product)
        else:
            taken.add(product.pk)
        group_product[key] = product

    changed_products: dict[int, Product] = {}
    for key, group in groups.items():
        product = group_product[key]
        first = group[0]
        if product.pk is None:
            continue
        wanted = {"name": first.name, "category_id": first.category.pk}
        if first.description is not None:
            wanted["description"] = first.description
        if any(getattr(product, f) != v for f, v in wanted.items()):
            for f, v in wanted.items():
                setattr(product, f, v)
            product.updated_at = now
            changed_products[product.pk] = product
    plan.changed_products = list(changed_products.values())

    next_position: dict[int, int] = {}
    for key, group in groups.items():
        product = group_product[key]
        product_changed = product.pk is not None and product.pk in changed_products
        for row in group:
            variant = matched[row.line]
            if variant is None:
                position = next_position.get(id(product), 0)
                next_position[id(product)] = position + 1
                plan.new_variants.append(Variant(
                    product=product, name=row.variant_name, sku=row.sku, unit=row.unit,
                    quantity=row.quantity, unit_name=row.unit_name, price=row.price, tax_rate=row.tax_rate,
                    on_hand=row.on_hand or 0, on_demand=bool(row.on_demand), position=position,
                    created_at=now,
                ))
                summary.created += 1
                continue
            if variant.product is not product:  # moved to the product the file names
                variant.product = product
                plan.variant_fields.add("product")
                changes = {"product"}
            else:
                changes = set()
            wanted = {
                "name": row.variant_name, "unit": row.unit,
                "quantity": row.quantity, "unit_name": row.unit_name, "price": row.price,
            }
            if row.sku:
                wanted["sku"] = row.sku
            if row.has_tax_rate:
                wanted["tax_rate_id"] = row.tax_rate.pk if row.tax_rate else None
            if row.on_hand is not None:
                wanted["on_hand"] = row.on_hand
            if row.on_demand is not None:
                wanted["on_demand"] = row.on_demand
            changes |= {f for f, v in wanted.items() if getattr(variant, f) != v}
            if changes:
                for f in changes - {"product"}:
                    setattr(variant, f, wanted[f])
                variant.updated_at = now
                plan.variant_fields |= changes
                plan.changed_variants.append(variant)
            if changes or product_changed:
                summary.updated += 1
            else:
                summary.unchanged += 1
    summary.products_created = len(plan.new_products)
    return plan


def _update_rows(model, objects: list, fields: list[str]) -> None:
    """UPDATE `fields` of each object by primary key, as one prepared statement run for every row.

    Much faster than `bulk_update` for thousands of rows: no CASE expression built per row and field.
    """
    if not objects:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    params = [
        [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _write(plan: Plan) -> None:
    Product.objects.bulk_create(plan.new_products, batch_size=1000)
    _update_rows(Product, plan.changed_products, ["name", "category", "description", "updated_at"])
    for variant in [*plan.new_variants, *plan.changed_variants]:
        variant.product = variant.product  # takes the product's id, known now that it is saved
    Variant.objects.bulk_create(plan.new_variants, batch_size=1000)
    fields = sorted(f.removesuffix("_id") for f in plan.variant_fields) + ["updated_at"]
    _update_rows(Variant, plan.changed_variants, fields)


def product_import(
    *,
    enterprise: Enterprise,
    name: str,
    data: bytes,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    counted: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import a product list (CSV or XLSX) for `enterprise`: everything, or nothing.

    Raises ImportRejected with every problem found (the file, a cell, a duplicate row...); nothing is
    written then. With `dry_run`, only says what would change. `progress(rows_checked)` is called
    while the rows are checked, before the transaction (so that another connection can see it);
    `counted(rows)` once the file is read, before that.
    """
    table = read_table(name, data)
    if counted:
        counted(len(table.rows))
    rows, problems = check_rows(table, enterprise, progress=progress)
    if problems:
        raise ImportRejected(problems)
    labels = Columns(table.header).label
    with transaction.atomic():
        producer_ids = sorted({row.producer.pk for row in rows})
        # Two imports for the same producer run one after the other (no-op on SQLite).
        list(Enterprise.objects.select_for_update().filter(pk__in=producer_ids).order_by("pk").values("pk"))
        plan = make_plan(rows, labels)
        if plan.problems:
            raise ImportRejected(plan.problems)
        if not dry_run:
            _write(plan)
    return plan.summary
