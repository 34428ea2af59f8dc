"""CSV exports of French banks: a column mapping says where the date, the amount (one signed column,
or a debit and a credit column) and the label are; presets give the mapping of common layouts.

Exports of French banks are usually Windows-1252, `;`-separated, with a decimal comma, a space or a
non-breaking space between thousands, dates as dd/mm/yyyy, labels quoted (sometimes on several
lines) and a preamble (account number, balance…) before the header row. The header row is found by
its column names unless the mapping says how many lines to skip.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabas.lib.text import fold
from cabas.payments.statements import MAX_PROBLEMS, ParsedLine, StatementRejected, reject

ENCODINGS = {
    "auto": gettext_lazy("Détection automatique (UTF-8 ou Windows)"),
    "windows-1252": gettext_lazy("Windows-1252 (Excel, la plupart des banques)"),
    "utf-8": gettext_lazy("UTF-8"),
    "iso-8859-15": gettext_lazy("ISO-8859-15 (Latin-9)"),
}
DELIMITERS = {
    ";": gettext_lazy("point-virgule ;"),
    ",": gettext_lazy("virgule ,"),
    "\t": gettext_lazy("tabulation"),
    "|": gettext_lazy("barre verticale |"),
}
# strptime format → how a person reads it.
DATE_FORMATS = {
    "%d/%m/%Y": "jj/mm/aaaa",
    "%d/%m/%y": "jj/mm/aa",
    "%d-%m-%Y": "jj-mm-aaaa",
    "%d.%m.%Y": "jj.mm.aaaa",
    "%Y-%m-%d": "aaaa-mm-jj",
}
MAX_AMOUNT = Decimal("1e9")


@dataclass(frozen=True)
class CsvMapping:
    """Where a bank's CSV export keeps each piece of an operation.

    A column is named as in the header row (case, accents and punctuation do not matter; several
    names separated by "|" are alternatives) or given by its position ("1" is the first column).
    The amount is either one signed column (`amount_column`) or a debit and a credit column
    (a debit is counted negative whatever its sign in the file). `skip_lines` is the number of
    lines before the header row (None: the header row is found by its column names).
    """

    date_column: str
    label_columns: tuple[str, ...]
    amount_column: str = ""
    debit_column: str = ""
    credit_column: str = ""
    counterparty_column: str = ""
    reference_column: str = ""
    date_format: str = "%d/%m/%Y"
    delimiter: str = ";"
    encoding: str = "auto"
    decimal_comma: bool = True
    skip_lines: int | None = None
    has_header: bool = True

    def columns(self) -> dict[str, str]:
        """The columns to find, by role (label columns as label_1, label_2…)."""
        found = {
            "date": self.date_column,
            "amount": self.amount_column,
            "debit": self.debit_column,
            "credit": self.credit_column,
            "counterparty": self.counterparty_column,
            "reference": self.reference_column,
        }
        found.update({f"label_{i}": name for i, name in enumerate(self.label_columns, 1)})
        return {role: name.strip() for role, name in found.items() if name and name.strip()}


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    example: str
    mapping: CsvMapping = field(repr=False)


PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in [
        Preset(
            "credit_agricole",
            gettext_lazy("Crédit Agricole (Date ; Libellé ; Débit euros ; Crédit euros)"),
            "Date;Libellé;Débit euros;Crédit euros;",
            CsvMapping(
                date_column="Date",
                label_columns=("Libellé",),
                debit_column="Débit euros|Débit",
                credit_column="Crédit euros|Crédit",
            ),
        ),
        Preset(
            "banque_postale",
            gettext_lazy("La Banque Postale et montant unique (Date ; Libellé ; Montant(EUROS))"),
            "Date;Libellé;Montant(EUROS);Montant(FRANCS)",
            CsvMapping(
                date_column="Date|Date opération|Date de l'opération",
                label_columns=("Libellé",),
                amount_column="Montant(EUROS)|Montant|Montant en euros",
            ),
        ),
        Preset(
            "societe_generale",
            gettext_lazy("Société Générale (Date de l'opération ; Libellé ; Détail de l'écriture ; Montant)"),
            "Date de l'opération;Libellé;Détail de l'écriture;Montant de l'opération;Devise",
            CsvMapping(
                date_column="Date de l'opération",
                label_columns=("Libellé", "Détail de l'écriture"),
                amount_column="Montant de l'opération",
            ),
        ),
        Preset(
            "credit_mutuel",
            gettext_lazy("Crédit Mutuel, CIC (Date ; Date de valeur ; Débit ; Crédit ; Libellé ; Solde)"),
            "Date;Date de valeur;Débit;Crédit;Libellé;Solde",
            CsvMapping(
                date_column="Date|Date d'opération",
                label_columns=("Libellé",),
                debit_column="Débit",
                credit_column="Crédit",
            ),
        ),
    ]
}


# --- Cells ------------------------------------------------------------------------------------

_CURRENCY = re.compile(r"\s*(€|euros?|eur)\s*$", re.IGNORECASE)
_BLANKS = re.compile(r"[\s\u00a0\u202f\u2009']")
_PLAIN = re.compile(r"\d+(\.\d{1,2})?")
_GROUPED_DOT = re.compile(r"\d{1,3}(\.\d{3})+")
_GROUPED_COMMA = re.compile(r"\d{1,3}(,\d{3})+(\.\d{1,2})?")


def parse_amount(raw: str, *, decimal_comma: bool = True) -> Decimal:
    """'1 234,56', '-12,50', '+9,50 €', '1.234,56' (decimal comma) or '1,234.56' → Decimal with
    cents. Raises ValueError (French message) if it is not an amount."""
    text = _CURRENCY.sub("", (raw or "").strip())
    text = _BLANKS.sub("", text)
    sign = 1
    if text and text[0] in "+-\u2212":
        sign, text = (1 if text[0] == "+" else -1), text[1:]
    elif text.endswith("-"):
        sign, text = -1, text[:-1]
    if decimal_comma:
        if "," in text:
            text = text.replace(".", "") if _GROUPED_DOT.fullmatch(text.split(",")[0]) else text
            text = text.replace(",", ".", 1) if text.count(",") == 1 else text
        elif _GROUPED_DOT.fullmatch(text):
            text = text.replace(".", "")
    elif _GROUPED_COMMA.fullmatch(text):
        text = text.replace(",", "")
    if not _PLAIN.fullmatch(text):
        raise ValueError(_("montant « %(value)s » illisible") % {"value": (raw or "").strip()[:40]})
    try:
        value = Decimal(text).quantize(Decimal("0.01")) * sign
    except InvalidOperation:  # pragma: no cover - the pattern above only lets numbers through
        raise ValueError(_("montant « %(value)s » illisible") % {"value": raw.strip()[:40]})
    if abs(value) >= MAX_AMOUNT:
        raise ValueError(_("montant « %(value)s » trop élevé") % {"value": raw.strip()[:40]})
    return value


def parse_date(raw: str, date_format: str) -> date:
    text = (raw or "").strip()
    try:
        return datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise ValueError(
            _("date « %(value)s » illisible (attendue au format %(format)s)")
            % {"value": text[:40], "format": DATE_FORMATS.get(date_format, date_format)}
        )


def normalize_name(name: str) -> str:
    """'Montant(EUROS)' → 'montant euros', 'Libellé ' → 'libelle': header names compared loosely."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(name)).split())


def clean_text(text: str) -> str:
    """A cell as one line of text: line breaks and runs of spaces become one space."""
    return " ".join((text or "").replace("\u00a0", " ").split())


_COUNTERPARTY = re.compile(r"(?:\bDE\s*:|/DE\b|\bDE\b)\s*([^/:]+?)(?=\s*(?:/|\bMOTIF\b|\bREF\b|\bLIB\b|$))")


def guess_counterparty(label: str) -> str:
    """The payer named in a transfer label ('VIR SEPA RECU /DE MARTIN CLAIRE /MOTIF …'), or ''."""
    if not re.search(r"\bVIR|VIREMENT", label or "", re.IGNORECASE):
        return ""
    match = _COUNTERPARTY.search(label)
    return match.group(1).strip()[:140] if match else ""


# --- Decoding ---------------------------------------------------------------------------------


def decode(data: bytes, encoding: str = "auto") -> str:
    """The text of a file: UTF-8 (with or without BOM) or Windows-1252 when `encoding` is "auto"."""
    if encoding == "auto":
        if data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"
        else:
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                encoding = "windows-1252"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise reject(
            _(
                "Ligne %(line)s : caractère illisible en %(encoding)s. Choisissez un autre encodage "
                "(la plupart des banques exportent en Windows-1252)."
            )
            % {"line": line, "encoding": encoding}
        )
    except LookupError:
        raise reject(_("Encodage inconnu : %(encoding)s.") % {"encoding": encoding})


# --- Reading ----------------------------------------------------------------------------------


def _rows(text: str, delimiter: str):
    """(first line number, cells) of each record; a quoted cell may span several lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise reject(
                _("Ligne %(line)s : ligne illisible (guillemets mal fermés ou caractère invalide).")
                % {"line": start}
            )
        yield start, row
        start = reader.line_num + 1


def _position(name: str) -> int | None:
    return int(name) - 1 if name.isdigit() and 0 < int(name) <= 200 else None


def _matches(header: list[str], name: str) -> int | None:
    """The index of the column `name` (alternatives separated by "|") in `header`, if any."""
    position = _position(name)
    if position is not None:
        return position
    normalized = [normalize_name(cell) for cell in header]
    for alternative in name.split("|"):
        wanted = normalize_name(alternative)
        if wanted and wanted in normalized:
            return normalized.index(wanted)
    return None


def _resolve(mapping: CsvMapping, header: list[str] | None, line: int) -> dict[str, int]:
    indexes, missing = {}, []
    for role, name in mapping.columns().items():
        index = _matches(header, name) if header is not None else _position(name)
        if index is None:
            missing.append(name.split("|")[0])
        else:
            indexes[role] = index
    if missing:
        names = ", ".join(f"« {name} »" for name in missing)
        if header is None:
            raise reject(
                _("Sans ligne d'en-tête, indiquez les colonnes par leur numéro : %(names)s.")
                % {"names": names}
            )
        raise reject(
            _("Ligne %(line)s : colonne(s) %(names)s absente(s) de l'en-tête.")
            % {"line": line, "names": names}
        )
    return indexes


def _is_header(cells: list[str], mapping: CsvMapping) -> bool:
    named = [name for name in mapping.columns().values() if _position(name) is None]
    return bool(named) and all(_matches(cells, name) is not None for name in named)


def _check_mapping(mapping: CsvMapping) -> None:
    if not mapping.amount_column and not (mapping.debit_column and mapping.credit_column):
        raise reject(_("Indiquez la colonne du montant, ou les colonnes du débit et du crédit."))
    if not mapping.date_column or not any(c.strip() for c in mapping.label_columns):
        raise reject(_("Indiquez la colonne de la date et au moins une colonne de libellé."))
    if mapping.date_format not in DATE_FORMATS:
        raise reject(_("Format de date inconnu."))
    if mapping.delimiter not in DELIMITERS:
        raise reject(_("Séparateur inconnu."))


def _amount(cells: dict[str, str], mapping: CsvMapping) -> Decimal:
    if "amount" in cells:
        if not cells["amount"].strip():
            raise ValueError(_("montant vide"))
        return parse_amount(cells["amount"], decimal_comma=mapping.decimal_comma)
    debit, credit = cells.get("debit", "").strip(), cells.get("credit", "").strip()
    if not debit and not credit:
        raise ValueError(_("ni débit ni crédit"))
    debit = parse_amount(debit, decimal_comma=mapping.decimal_comma) if debit else Decimal("0.00")
    credit = parse_amount(credit, decimal_comma=mapping.decimal_comma) if credit else Decimal("0.00")
    if debit and credit:
        raise ValueError(_("un débit et un crédit sur la même ligne"))
    return -abs(debit) if debit else abs(credit)


def parse_csv(data: bytes, mapping: CsvMapping) -> list[ParsedLine]:
    """The operations of a bank's CSV export read with `mapping`. Raises StatementRejected with
    every problem (line number and what is wrong); zero-amount lines are left out."""
    _check_mapping(mapping)
    text = decode(data, mapping.encoding)
    rows = _rows(text, mapping.delimiter)
    indexes, header_line = None, 0
    skip_lines = mapping.skip_lines if mapping.skip_lines is not None or mapping.has_header else 0
    if skip_lines is not None:
        for line, cells in rows:
            if line > skip_lines:
                if mapping.has_header:
                    indexes, header_line = _resolve(mapping, cells, line), line
                else:
                    indexes = _resolve(mapping, None, line)
                    rows = _chain_first(line, cells, rows)
                break
    else:
        for line, cells in rows:
            if _is_header(cells, mapping):
                indexes, header_line = _resolve(mapping, cells, line), line
                break
    if indexes is None:
        if skip_lines is None:
            names = ", ".join(f"« {name.split('|')[0]} »" for name in mapping.columns().values())
            raise reject(
                _("Aucune ligne d'en-tête avec les colonnes %(names)s : vérifiez le format choisi.")
                % {"names": names}
            )
        raise reject(_("Le fichier ne contient aucune opération."))

    lines, problems = [], []
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        cells = {role: (row[index] if index < len(row) else "") for role, index in indexes.items()}
        try:
            booked_on = parse_date(cells["date"], mapping.date_format)
            amount = _amount(cells, mapping)
        except ValueError as error:
            problems.append(_("Ligne %(line)s : %(problem)s.") % {"line": line, "problem": error})
            if len(problems) >= MAX_PROBLEMS:
                break
            continue
        if amount == 0:
            continue
        label = clean_text(
            " ".join(
                cells[f"label_{i}"] for i in range(1, len(mapping.label_columns) + 1) if f"label_{i}" in cells
            )
        )
        counterparty = clean_text(cells.get("counterparty", "")) or guess_counterparty(label)
        lines.append(
            ParsedLine(
                booked_on=booked_on,
                amount=amount,
                label=label[:300],
                counterparty=counterparty[:140],
                bank_reference=clean_text(cells.get("reference", ""))[:140],
                source_line=line,
            )
        )
    if problems:
        raise StatementRejected(problems)
    if not lines:
        raise reject(
            _("Aucune opération après l'en-tête (ligne %(line)s).") % {"line": header_line}
            if header_line
            else _("Le fichier ne contient aucune opération.")
        )
    return lines


def _chain_first(line, cells, rows):
    yield line, cells
    yield from rows
