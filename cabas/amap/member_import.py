"""An AMAP's members from a spreadsheet (CSV or XLSX), all or nothing: each row creates or updates
the AMAP's customer of that email address and its membership (adhésion) of the season's year.

Columns (header spellings folded: accents, case, spaces, « - » and « _ » do not matter):
- email (required): a known member is updated, an unknown one added;
- nom and prénom, or a full name (« nom complet », « adhérent »: first word the first name, the
  rest the last name) — at least one of them on every row;
- téléphone, foyer (the household, kept on the membership) — optional;
- adhésion payée: « oui » or « non », optionally followed by the amount (« oui 15 € »); a column
  « montant » may give the amount too. « oui » marks the membership paid now (a paid one stays paid
  with its date), « non » unpaid; an empty cell leaves a known membership as it is.

Reading goes through the product import's helpers (`cabas.catalogue.import_reading`), checking
through the customer import's rules (`cabas.orders.services_customers`); every problem is reported
as `ligne N, colonne C : message` in MemberImportRejected, and then nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.amap.exceptions import AmapError
from cabas.amap.models import AmapSettings, Distribution, Membership
from cabas.catalogue.exceptions import ImportRejected
from cabas.catalogue.import_reading import Problem, csv_rows, file_kind, fold, xlsx_rows
from cabas.lib import money
from cabas.orders.models import Customer
from cabas.orders.services_customers import MAX_LENGTHS, PHONE, header_key

MAX_ROWS = 5_000
HOUSEHOLD_MAX = Membership._meta.get_field("household").max_length
TEMPLATE_COLUMNS = ("nom", "prénom", "email", "téléphone", "foyer", "adhésion payée")
COLUMNS = {
    header_key(label): name
    for label, name in {
        "nom": "last_name",
        "last name": "last_name",
        "prénom": "first_name",
        "first name": "first_name",
        "nom complet": "full_name",
        "nom et prénom": "full_name",
        "prénom et nom": "full_name",
        "adhérent": "full_name",
        "name": "full_name",
        "email": "email",
        "e-mail": "email",
        "mail": "email",
        "courriel": "email",
        "téléphone": "phone",
        "tel": "phone",
        "phone": "phone",
        "foyer": "household",
        "household": "household",
        "adhésion payée": "paid",
        "adhésion": "paid",
        "payée": "paid",
        "paid": "paid",
        "montant": "amount",
        "montant adhésion": "amount",
        "amount": "amount",
    }.items()
}
YES = {"oui", "o", "yes", "y", "1", "x", "vrai", "payee", "paye"}
NO = {"non", "n", "no", "0", "faux"}
PAID_CELL = re.compile(r"^(?P<word>\w+)[\s:,;-]*(?P<amount>.*)$")


class MemberImportRejected(AmapError):
    """A members file that cannot be imported; `problems` lists every reason, line by line."""

    def __init__(self, problems):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            ngettext(
                "Le fichier contient %(count)s problème : rien n'a été importé.",
                "Le fichier contient %(count)s problèmes : rien n'a été importé.",
                count,
            )
            % {"count": count}
        )


@dataclass(frozen=True)
class MemberImportResult:
    created: int
    updated: int
    paid: int


@dataclass
class _Row:
    line: int
    values: dict  # Customer fields
    household: str | None
    paid: bool | None
    amount: Decimal | None


def _table(name: str, data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank rows of a CSV or XLSX file."""
    rows_of = xlsx_rows if file_kind(name) == "xlsx" else csv_rows
    header, rows = None, []
    for line, cells in enumerate(rows_of(data), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if header is None:
            header = cells
        elif len(rows) == MAX_ROWS:
            raise MemberImportRejected(
                [Problem(None, None, _("Plus de %(n)s lignes : découpez le fichier.") % {"n": MAX_ROWS})]
            )
        else:
            rows.append((line, cells))
    if header is None:
        raise MemberImportRejected([Problem(None, None, _("Le fichier est vide."))])
    if not rows:
        raise MemberImportRejected(
            [
                Problem(
                    None,
                    None,
                    _("Le fichier ne contient aucun adhérent : seule la ligne d'en-tête est remplie."),
                )
            ]
        )
    while header and not header[-1]:
        header.pop()
    return header, rows


def _columns(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    """Field -> position for the recognised columns, and a problem for each unknown or repeated one."""
    columns, problems = {}, []
    for index, label in enumerate(header):
        name = COLUMNS.get(header_key(label))
        if name is None:
            problems.append(
                Problem(
                    1,
                    label or str(index + 1),
                    _(
                        "colonne inconnue (colonnes possibles : nom, prénom ou nom complet, email, "
                        "téléphone, foyer, adhésion payée, montant)"
                    ),
                )
            )
        elif name in columns:
            other = header[columns[name]]
            problems.append(
                Problem(1, label, _("colonne en double (déjà colonne %(other)s)") % {"other": other})
            )
        else:
            columns[name] = index
    if "email" not in columns:
        problems.append(Problem(1, None, _("la colonne « email » est obligatoire")))
    if not {"last_name", "first_name", "full_name"} & set(columns):
        problems.append(Problem(1, None, _("une colonne « nom » (ou « nom complet ») est obligatoire")))
    return columns, problems


def _amount(text: str, minimum: Decimal) -> Decimal:
    cleaned = text.replace("€", "").replace("\u00a0", "").replace(" ", "")
    try:
        value = money.to_decimal(cleaned)
    except ValueError:
        raise ValueError(_("montant invalide : « %(value)s » (ex. 15 ou 12,50)") % {"value": text})
    if value != value.quantize(money.CENT) or not 0 <= value < 10**8:
        raise ValueError(_("montant invalide : « %(value)s » (ex. 15 ou 12,50)") % {"value": text})
    if value < minimum:
        raise ValueError(
            _("montant inférieur à l'adhésion minimale (%(min)s)") % {"min": money.format_eur(minimum)}
        )
    return value


def _paid(text: str, minimum: Decimal) -> tuple[bool | None, Decimal | None]:
    """« oui 15 € » -> (True, 15); « non » -> (False, None); empty -> (None, None)."""
    match = PAID_CELL.match(text.strip())
    if not match:
        return None, None
    word, rest = fold(match["word"]), match["amount"].strip()
    if word in NO and not rest:
        return False, None
    if word in YES:
        return True, _amount(rest, minimum) if rest else None
    raise ValueError(
        _("valeur invalide : « %(value)s » (oui ou non, puis le montant : « oui 15 € »)") % {"value": text}
    )


def _names(cells: dict[str, str]) -> dict:
    if "full_name" in cells and not (cells.get("first_name") or cells.get("last_name")):
        first, _sep, last = " ".join(cells["full_name"].split()).partition(" ")
        return {"first_name": first, "last_name": last}
    return {k: cells[k] for k in ("first_name", "last_name") if k in cells}


class _Checker:
    def __init__(self, columns: dict[str, int], header: list[str], minimum: Decimal):
        self.columns, self.header, self.minimum = columns, header, minimum

    def label(self, name: str) -> str:
        return self.header[self.columns[name]]

    def row(self, line: int, cells: list[str]) -> tuple[_Row | None, list[Problem]]:
        text = {name: (cells[i] if i < len(cells) else "") for name, i in self.columns.items()}
        problems = []

        def wrong(name, message):
            problems.append(Problem(line, self.label(name), message))

        email = text["email"].lower()
        if not email:
            wrong("email", _("l'adresse e-mail est obligatoire"))
        else:
            try:
                validate_email(email)
            except ValidationError:
                wrong(
                    "email", _("« %(value)s » n'est pas une adresse e-mail valide") % {"value": text["email"]}
                )
        names = _names(text)
        if not any(names.values()):
            name_column = next(n for n in ("full_name", "last_name", "first_name") if n in self.columns)
            wrong(name_column, _("le nom de l'adhérent est obligatoire"))
        for key, value in names.items():
            if len(value) > MAX_LENGTHS[key]:
                column = key if key in self.columns else "full_name"
                wrong(column, _("%(n)s caractères au plus") % {"n": MAX_LENGTHS[key]})
        phone = text.get("phone", "")
        if phone and (len(phone) > MAX_LENGTHS["phone"] or not PHONE.match(phone)):
            wrong("phone", _("« %(value)s » n'est pas un numéro de téléphone") % {"value": phone})
        household = text.get("household")
        if household is not None and len(household) > HOUSEHOLD_MAX:
            wrong("household", _("%(n)s caractères au plus") % {"n": HOUSEHOLD_MAX})
        paid, amount = None, None
        try:
            paid, amount = _paid(text.get("paid", ""), self.minimum)
        except ValueError as error:
            wrong("paid", str(error))
        if text.get("amount"):
            try:
                amount = _amount(text["amount"], self.minimum)
            except ValueError as error:
                wrong("amount", str(error))
        if problems:
            return None, problems
        values = {"email": email, **names}
        if "phone" in text:
            values["phone"] = phone
        return _Row(line, values, household, paid, amount), []


def default_year(amap) -> int:
    """The membership year an import fills by default: the year of the AMAP's next distribution."""
    today = timezone.localdate()
    upcoming = (
        Distribution.objects.filter(amap=amap, cancelled_at=None, date__gte=today)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    return (upcoming or today).year


def _check(amap, name: str, data: bytes) -> tuple[list[_Row], list[Problem]]:
    try:
        header, rows = _table(name, data)
    except ImportRejected as error:  # the catalogue's reading rules, our exception
        raise MemberImportRejected(error.problems)
    columns, problems = _columns(header)
    if problems:
        raise MemberImportRejected(problems)
    settings = AmapSettings.objects.filter(amap=amap).first()
    checker = _Checker(columns, header, settings.membership_minimum if settings else Decimal("0.00"))
    parsed, seen = [], {}
    for line, cells in rows:
        row, row_problems = checker.row(line, cells)
        if row is not None and row.values["email"] in seen:
            row_problems.append(
                Problem(
                    line,
                    checker.label("email"),
                    _("adresse déjà présente ligne %(other)s") % {"other": seen[row.values["email"]]},
                )
            )
        elif row is not None:
            seen[row.values["email"]] = line
            parsed.append(row)
        problems.extend(row_problems)
    return parsed, problems


def _membership(amap, customer, year, row: _Row, existing: Membership | None, suggested: Decimal, now):
    membership = existing or Membership(amap=amap, customer=customer, year=year, amount=suggested)
    if row.household is not None:
        membership.household = row.household
    if row.amount is not None:
        membership.amount = row.amount
    if row.paid is True and membership.paid_at is None:
        membership.paid_at = now
    elif row.paid is False:
        membership.paid_at = None
    return membership


@transaction.atomic
def member_import(*, amap, name: str, data: bytes, year: int) -> MemberImportResult:
    """Create or update the members of `amap` and their membership of `year` from the file `name`
    (CSV or XLSX), all or nothing (MemberImportRejected lists every problem)."""
    rows, problems = _check(amap, name, data)
    if problems:
        raise MemberImportRejected(sorted(problems, key=lambda p: p.line or 0))
    emails = [row.values["email"] for row in rows]
    customers = {c.email.lower(): c for c in Customer.objects.filter(enterprise=amap, email__in=emails)}
    created = [
        Customer(enterprise=amap, **row.values) for row in rows if row.values["email"] not in customers
    ]
    Customer.objects.bulk_create(created, batch_size=1000)
    updated, fields = [], set()
    for row in rows:
        customer = customers.get(row.values["email"])
        if customer is None:
            continue
        for key, value in row.values.items():
            if key != "email" and getattr(customer, key) != value:
                setattr(customer, key, value)
                fields.add(key)
        updated.append(customer)
    if fields:
        Customer.objects.bulk_update(updated, sorted(fields), batch_size=500)
    customers |= {c.email: c for c in created}
    settings = AmapSettings.objects.filter(amap=amap).first()
    suggested = settings.membership_suggested if settings else Decimal("0.00")
    memberships = {
        m.customer_id: m
        for m in Membership.objects.filter(amap=amap, year=year, customer__in=list(customers.values()))
    }
    now = timezone.now()
    result = []
    for row in rows:
        customer = customers[row.values["email"]]
        existing = memberships.get(customer.pk)
        result.append(_membership(amap, customer, year, row, existing, suggested, now))
    Membership.objects.bulk_create([m for m in result if m.pk is None], batch_size=1000)
    Membership.objects.bulk_update(
        [m for m in result if m.pk is not None], ["household", "amount", "paid_at"], batch_size=500
    )
    paid = sum(1 for m in result if m.paid_at is not None)
    return MemberImportResult(created=len(created), updated=len(updated), paid=paid)


def template_rows() -> list[list[str]]:
    """Two example rows for the downloadable template."""
    return [
        ["Martin", "Camille", "camille.martin@exemple.fr", "06 12 34 56 78", "Martin-Durand", "oui 15 €"],
        ["Durand", "Louis", "louis.durand@exemple.fr", "", "Martin-Durand", "non"],
    ]
