"""Product-list import, step 2: parse and validate every row of the table read from the file
(producer, category, unit, price...) without writing anything. The whole import is described in
`cabas.catalogue.imports`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from cabas.catalogue.category_names import CategoryNames
from cabas.catalogue.exceptions import ImportRejected
from cabas.catalogue.import_reading import NATIVE_COLUMNS, OFN_COLUMNS, Problem, Table, fold
from cabas.catalogue.models import Category, TaxRate
from cabas.enterprises.models import Enterprise
from cabas.enterprises.services_relationships import enterprise_grants
from cabas.lib import money, units

REQUIRED = ("name", "category", "units", "price")
IGNORED = ("available_on", "shipping_category")
MAX_INT = 2**31 - 1
PROGRESS_EVERY = 500


def _header_key(text: str) -> str:
    """'Catégorie ', 'à la demande', 'Nom-unité' -> 'categorie', 'a_la_demande', 'nom_unite'."""
    return fold(text).replace(" ", "_").replace("-", "_")


HEADERS = {_header_key(c): c for c in OFN_COLUMNS} | {_header_key(k): v for k, v in NATIVE_COLUMNS.items()}


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
        self.categories = CategoryNames.load()
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
        found = self.categories.lookup(text)
        if found is not None:
            return found
        nearest = self.categories.suggestion(text)
        if nearest is None:
            raise ValueError(_("catégorie inconnue : « %(name)s »") % {"name": text})
        raise ValueError(_("catégorie inconnue : « %(name)s ». Vouliez-vous dire « %(nearest)s » ?")
                         % {"name": text, "nearest": nearest})

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
