"""A selling enterprise's customers: the list with their orders, add and edit, CSV import and
export, and the visibility rules by customer tag.

Emails are stored in lower case (one customer per email and enterprise); tags are normalized by
`cabas.orders.visibility.tag_normalize` ("Adhérent" -> "adherent") so that rules match them.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cabas.catalogue.exceptions import ImportRejected
from cabas.catalogue.import_reading import Problem, decode, fold, sniff_delimiter
from cabas.lib import spreadsheet
from cabas.orders.exceptions import (
    CustomerCodeTaken,
    CustomerEmailTaken,
    CustomerImportRejected,
    InvalidVisibilityRule,
)
from cabas.orders.models import Customer, Order, VisibilityRule
from cabas.orders.visibility import TAG_MAX_LENGTH, tag_normalize, tags_parse

# Orders that count in a customer's history (a cart is not an order yet; a cancelled one is void).
COUNTED = (Order.Status.PLACED, Order.Status.FULFILLED)
EDITABLE = ("email", "first_name", "last_name", "phone", "code", "tags", "address", "postcode", "city")


# --- Listing ----------------------------------------------------------------------------------


def customers_for_list(enterprise, *, q: str = "", tag: str = "") -> QuerySet:
    """The customers of `enterprise`, with `orders_count` and `orders_total` of their placed orders
    (one query), filtered by text (every word in the name, email or code) and by tag."""
    counted = Q(orders__status__in=COUNTED, orders__seller=enterprise)
    customers = Customer.objects.filter(enterprise=enterprise).annotate(
        orders_count=Count("orders", filter=counted),
        orders_total=Coalesce(
            Sum("orders__total", filter=counted),
            Value(0),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
    )
    for word in (q or "").split()[:6]:
        customers = customers.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(code__iexact=word)
            | Q(code__istartswith=word)
        )
    tag = tag_normalize(tag or "")
    if tag:
        # Tags are normalized ASCII words: '"pro"' appears in the JSON text of exactly the lists
        # holding the tag "pro", on SQLite and PostgreSQL alike.
        customers = customers.filter(tags__icontains=f'"{tag}"')
    return customers.order_by("last_name", "first_name", "email", "pk")


def customer_tags(enterprise) -> list[str]:
    """Every tag used by the customers or the rules of `enterprise`, sorted (two queries)."""
    tags = set()
    for values in Customer.objects.filter(enterprise=enterprise).values_list("tags", flat=True).distinct():
        tags.update(values or [])
    tags.update(
        VisibilityRule.objects.filter(enterprise=enterprise)
        .exclude(customer_tag="")
        .values_list("customer_tag", flat=True)
    )
    return sorted(t for t in tags if t)


# --- Add and edit -----------------------------------------------------------------------------


def _clean(data: dict) -> dict:
    values = {key: data[key] for key in EDITABLE if key in data}
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip()
    if "email" in values:
        values["email"] = values["email"].lower()
    if "tags" in values:
        tags = values["tags"]
        values["tags"] = tags_parse(tags) if isinstance(tags, str) else tags_parse(",".join(tags))
    return values


def _check_unique(enterprise, values: dict, exclude_pk=None) -> None:
    others = Customer.objects.filter(enterprise=enterprise).exclude(pk=exclude_pk)
    if "email" in values and others.filter(email__iexact=values["email"]).exists():
        raise CustomerEmailTaken(values["email"])
    code = values.get("code")
    if code:
        holder = others.filter(code__iexact=code).first()
        if holder is not None:
            raise CustomerCodeTaken(code, str(holder))


@transaction.atomic
def customer_create(*, enterprise, data: dict) -> Customer:
    """Add a customer to `enterprise` (CustomerEmailTaken, CustomerCodeTaken)."""
    values = _clean(data)
    _check_unique(enterprise, values)
    return Customer.objects.create(enterprise=enterprise, **values)


@transaction.atomic
def customer_update(*, customer: Customer, data: dict) -> Customer:
    """Change a customer's contact, code and tags (CustomerEmailTaken, CustomerCodeTaken)."""
    values = _clean(data)
    _check_unique(customer.enterprise, values, exclude_pk=customer.pk)
    for key, value in values.items():
        setattr(customer, key, value)
    customer.save()
    return customer


# --- CSV import and export --------------------------------------------------------------------

# The columns of the file, as exported; the import also knows a few other spellings.
EXPORT_COLUMNS = (
    ("email", "email"),
    ("prénom", "first_name"),
    ("nom", "last_name"),
    ("téléphone", "phone"),
    ("code", "code"),
    ("étiquettes", "tags"),
    ("adresse", "address"),
    ("code postal", "postcode"),
    ("commune", "city"),
    ("commandes", None),
    ("montant des commandes", None),
)
ALIASES = {
    "e-mail": "email",
    "mail": "email",
    "courriel": "email",
    "adresse e-mail": "email",
    "first name": "first_name",
    "firstname": "first_name",
    "first_name": "first_name",
    "last name": "last_name",
    "lastname": "last_name",
    "last_name": "last_name",
    "phone": "phone",
    "tel": "phone",
    "tags": "tags",
    "etiquette": "tags",
    "code client": "code",
    "address": "address",
    "cp": "postcode",
    "postcode": "postcode",
    "ville": "city",
    "city": "city",
}
READ_ONLY = {"commandes", "montant des commandes"}
MAX_LENGTHS = {
    "first_name": 80,
    "last_name": 80,
    "phone": 30,
    "code": 40,
    "address": 200,
    "postcode": 10,
    "city": 100,
}
MAX_ROWS = 20_000
PHONE = re.compile(r"^[0-9 +().-]{6,30}$")


def header_key(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").replace("-", " ").split())


COLUMNS = {header_key(label): name for label, name in EXPORT_COLUMNS if name} | {
    header_key(k): v for k, v in ALIASES.items()
}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _read(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = decode(data)
    except ImportRejected as error:  # the catalogue's reading rules, our exception
        raise CustomerImportRejected(error.problems)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    header, rows = None, []
    try:
        for line, cells in enumerate(reader, start=1):
            cells = [spreadsheet.unneutralised(c.strip()) for c in cells]  # an export read back
            if not any(cells):
                continue
            if header is None:
                header = cells
            else:
                rows.append((line, cells))
    except csv.Error as error:
        raise CustomerImportRejected(
            [
                Problem(
                    reader.line_num or None, None, _("fichier CSV mal formé (%(error)s)") % {"error": error}
                )
            ]
        )
    if header is None:
        raise CustomerImportRejected([Problem(None, None, _("Le fichier est vide."))])
    if not rows:
        raise CustomerImportRejected(
            [
                Problem(
                    None,
                    None,
                    _("Le fichier ne contient aucun client : seule la ligne d'en-tête est remplie."),
                )
            ]
        )
    if len(rows) > MAX_ROWS:
        raise CustomerImportRejected(
            [Problem(None, None, _("Plus de %(n)s lignes : découpez le fichier.") % {"n": MAX_ROWS})]
        )
    while header and not header[-1]:
        header.pop()
    return header, rows


def _columns(header: list[str]) -> tuple[dict[int, str], list[Problem]]:
    """Position -> field for the recognised columns, and a problem for each unknown or repeated one."""
    problems, columns, seen = [], {}, {}
    for index, label in enumerate(header):
        key = header_key(label)
        if key in READ_ONLY:
            continue
        name = COLUMNS.get(key)
        if name is None:
            problems.append(
                Problem(
                    1,
                    label or str(index + 1),
                    _(
                        "colonne inconnue (colonnes possibles : email, prénom, nom, téléphone, code, "
                        "étiquettes, adresse, code postal, commune)"
                    ),
                )
            )
        elif name in seen:
            problems.append(
                Problem(1, label, _("colonne en double (déjà colonne %(other)s)") % {"other": seen[name]})
            )
        else:
            columns[index] = name
            seen[name] = label
    if "email" not in seen:
        problems.append(Problem(1, None, _("la colonne « email » est obligatoire")))
    return columns, problems


def _check_row(line, cells, columns, header) -> tuple[dict, list[Problem]]:
    values, problems = {}, []
    for index, name in columns.items():
        value = cells[index] if index < len(cells) else ""
        label = header[index]
        if name == "email":
            value = value.lower()
            if not value:
                problems.append(Problem(line, label, _("l'adresse e-mail est obligatoire")))
                continue
            try:
                validate_email(value)
            except ValidationError:
                problems.append(
                    Problem(
                        line, label, _("« %(value)s » n'est pas une adresse e-mail valide") % {"value": value}
                    )
                )
                continue
        elif name == "tags":
            value = tags_parse(value.replace(",", "|"))
            too_long = [t for t in value if len(t) >= TAG_MAX_LENGTH]
            if too_long:
                problems.append(
                    Problem(
                        line,
                        label,
                        _("étiquette trop longue (%(n)s caractères au plus)") % {"n": TAG_MAX_LENGTH - 1},
                    )
                )
                continue
        elif len(value) > MAX_LENGTHS[name]:
            problems.append(Problem(line, label, _("%(n)s caractères au plus") % {"n": MAX_LENGTHS[name]}))
            continue
        elif name == "phone" and value and not PHONE.match(value):
            problems.append(
                Problem(line, label, _("« %(value)s » n'est pas un numéro de téléphone") % {"value": value})
            )
            continue
        values[name] = value
    return values, problems


def _code_problems(parsed: list[tuple[int, dict]], existing: dict, label: str) -> list[Problem]:
    """Codes must stay unique: compare the codes the file gives with those of everyone else."""
    final = {email: (None, c.code.lower()) for email, c in existing.items() if c.code}
    for line, values in parsed:
        if "code" in values:
            final[values["email"]] = (line, values["code"].lower())
    holders = {}
    for email, (line, code) in final.items():
        if code:
            holders.setdefault(code, []).append((line, email))
    problems = []
    for owners in holders.values():
        if len(owners) < 2:
            continue
        in_file = sorted(line for line, _email in owners if line)
        for line, _email in owners:
            if line is None:
                continue
            others = [str(n) for n in in_file if n != line]
            if others:
                message = _("code déjà utilisé ligne %(other)s") % {"other": ", ".join(others)}
            else:
                holder = next(existing[e] for n, e in owners if n is None)
                message = _("code déjà utilisé par %(name)s") % {"name": str(holder)}
            problems.append(Problem(line, label, message))
    return problems


@transaction.atomic
def customer_import(*, enterprise, data: bytes) -> ImportResult:
    """Create or update `enterprise`'s customers from a CSV file, all or nothing.

    Columns: email (required), prénom, nom, téléphone, code, étiquettes (separated by commas),
    adresse, code postal, commune — UTF-8 (with or without BOM) or Windows-1252, `,` or `;`.
    A customer whose email is known is updated: the file's columns replace its values (an empty
    cell empties the field); columns absent from the file are kept. Every problem is reported as
    `ligne N, colonne C : message` in CustomerImportRejected, and nothing changes.
    """
    header, rows = _read(data)
    columns, problems = _columns(header)
    labels = {name: header[index] for index, name in columns.items()}
    existing = {c.email.lower(): c for c in Customer.objects.filter(enterprise=enterprise)}
    seen_emails, parsed = {}, []
    for line, cells in rows:
        values, row_problems = _check_row(line, cells, columns, header)
        email = values.get("email")
        if email and email in seen_emails:
            row_problems.append(
                Problem(
                    line,
                    labels["email"],
                    _("adresse déjà présente ligne %(other)s") % {"other": seen_emails[email]},
                )
            )
        elif email:
            seen_emails[email] = line
        problems.extend(row_problems)
        if not row_problems:
            parsed.append((line, values))
    if "code" in labels:
        problems.extend(_code_problems(parsed, existing, labels["code"]))
    if problems:
        raise CustomerImportRejected(sorted(problems, key=lambda p: p.line or 0))

    created, updated, changed_fields = [], [], set()
    for _line, values in parsed:
        customer = existing.get(values["email"])
        if customer is None:
            created.append(Customer(enterprise=enterprise, **values))
            continue
        for key, value in values.items():
            if key != "email" and getattr(customer, key) != value:
                setattr(customer, key, value)
                changed_fields.add(key)
        updated.append(customer)
    Customer.objects.bulk_create(created, batch_size=1000)
    if changed_fields:
        Customer.objects.bulk_update(updated, sorted(changed_fields), batch_size=500)
    return ImportResult(created=len(created), updated=len(updated))


def customers_csv(enterprise) -> Iterator[str]:
    """The customers of `enterprise` as CSV for a French spreadsheet: UTF-8 with a BOM, `;`,
    the import's columns plus the number and amount of placed orders (streamed, 2,000 per query)."""

    def rows():
        for customer in customers_for_list(enterprise).iterator(chunk_size=2000):
            row = [getattr(customer, name) for _label, name in EXPORT_COLUMNS if name]
            row[5] = ", ".join(customer.tags or [])
            yield [*row, customer.orders_count, spreadsheet.amount(customer.orders_total)]

    return spreadsheet.csv_lines([label for label, _name in EXPORT_COLUMNS], rows())


# --- Visibility rules -------------------------------------------------------------------------

ITEM_FIELDS = {
    VisibilityRule.Subject.PRODUCTS: "products",
    VisibilityRule.Subject.SHIPPING_METHODS: "shipping_methods",
    VisibilityRule.Subject.PAYMENT_METHODS: "payment_methods",
    VisibilityRule.Subject.CYCLES: "cycles",
}


@transaction.atomic
def visibility_rule_save(
    *, enterprise, rule: VisibilityRule | None = None, customer_tag: str, subject: str, action: str, items
) -> VisibilityRule:
    """Create (`rule` None) or change a visibility rule of `enterprise`; `items` are the products,
    shipping methods, payment methods or cycles of `subject` (at least one, all the enterprise's)."""
    if subject not in ITEM_FIELDS:
        raise InvalidVisibilityRule("subject", _("Choisissez à quoi s'applique la règle."))
    if action not in VisibilityRule.Action.values:
        raise InvalidVisibilityRule("action", _("Choisissez « montrer » ou « cacher »."))
    items = list(items)
    if not items:
        raise InvalidVisibilityRule("items", _("Choisissez au moins un élément."))
    if rule is None:
        rule = VisibilityRule(enterprise=enterprise)
        rule.position = VisibilityRule.objects.filter(enterprise=enterprise).count()
    rule.customer_tag = tag_normalize(customer_tag or "")
    rule.subject = subject
    rule.action = action
    rule.save()
    for subject_value, relation in ITEM_FIELDS.items():
        getattr(rule, relation).set(items if subject_value == subject else [])
    return rule


@transaction.atomic
def visibility_rule_delete(*, rule: VisibilityRule) -> None:
    """Delete a rule: the items it named follow the other rules again."""
    rule.delete()
