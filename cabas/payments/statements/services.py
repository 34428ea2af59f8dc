"""Bank statement import: read a statement (a CSV preset, a custom column mapping or CAMT.053),
store its operations once, and match its credits to orders, top-ups and SEPA collections.

- The same file imported twice (same SHA-256) changes nothing.
- An operation already stored from an overlapping statement (same date, amount, label and bank
  reference — its fingerprint, per seller) is not stored again.
- All or nothing: a file with a problem is refused as a whole, with a message per line.
- Debits are stored (the statement stays complete) but not matched.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.payments.exceptions import PaymentError
from cabas.payments.models import Collection, StatementImport, StatementLine
from cabas.payments.statements import MAX_FILE_BYTES, ParsedLine, matching, reject
from cabas.payments.statements.camt import parse_camt053
from cabas.payments.statements.csv_formats import PRESETS, CsvMapping, clean_text, parse_csv

CAMT053 = "camt053"
CUSTOM = "csv-custom"


def format_choices() -> list[tuple[str, str]]:
    """The formats a manager picks from: the CSV presets, a custom mapping, CAMT.053."""
    return [
        *((key, preset.name) for key, preset in PRESETS.items()),
        (CUSTOM, _("Autre CSV : je décris les colonnes")),
        (CAMT053, _("CAMT.053 (relevé XML ISO 20022)")),
    ]


def format_name(key: str) -> str:
    return dict(format_choices()).get(key, key)


@dataclass
class ImportResult:
    statement: StatementImport
    already_imported: bool = False
    stored: int = 0  # new operations stored
    known: int = 0  # operations already stored from an overlapping statement
    matched: int = 0
    unmatched: int = 0  # new credits left to match by hand

    @property
    def message(self) -> str:
        if self.already_imported:
            return _("Ce relevé a déjà été importé le %(date)s : rien n'a changé.") % {
                "date": self.statement.imported_at.strftime("%d/%m/%Y")
            }
        parts = [
            ngettext("%(count)s opération importée", "%(count)s opérations importées", self.stored)
            % {"count": self.stored}
        ]
        if self.known:
            parts.append(
                ngettext(
                    "%(count)s déjà connue (relevé précédent), ignorée",
                    "%(count)s déjà connues (relevé précédent), ignorées",
                    self.known,
                )
                % {"count": self.known}
            )
        parts.append(
            ngettext(
                "%(count)s rapprochée automatiquement", "%(count)s rapprochées automatiquement", self.matched
            )
            % {"count": self.matched}
        )
        parts.append(
            ngettext("%(count)s crédit à rapprocher", "%(count)s crédits à rapprocher", self.unmatched)
            % {"count": self.unmatched}
        )
        return ", ".join(parts) + "."


def _read(file) -> tuple[bytes, str]:
    if isinstance(file, bytes | bytearray):
        data, name = bytes(file), "releve"
    else:
        data = file.read(MAX_FILE_BYTES + 1)
        name = (getattr(file, "name", "") or "releve").replace("\\", "/").rsplit("/", 1)[-1]
    if len(data) > MAX_FILE_BYTES:
        raise reject(_("Le fichier dépasse 5 Mo : exportez une période plus courte."))
    return data, name


def statement_parse(data: bytes, file_format: str, mapping: CsvMapping | None = None) -> list[ParsedLine]:
    """The operations of a statement file in `file_format` (read by `_read`, so no larger than
    MAX_FILE_BYTES); raises StatementRejected."""
    if not data.strip():
        raise reject(_("Le fichier est vide."))
    if file_format == CAMT053:
        return parse_camt053(data)
    if file_format == CUSTOM:
        if mapping is None:
            raise PaymentError(_("Décrivez les colonnes du fichier CSV."))
        return parse_csv(data, mapping)
    if file_format in PRESETS:
        return parse_csv(data, PRESETS[file_format].mapping)
    raise PaymentError(_("Format de relevé inconnu."))


def fingerprints(seller_id: int, lines: list[ParsedLine]) -> list[str]:
    """One fingerprint per line: date, amount, label and bank reference (spaces and case do not
    matter), and which occurrence it is of identical lines of the file — two identical
    operations of one statement are both kept, and found again in an overlapping one."""
    seen, result = Counter(), []
    for line in lines:
        key = "|".join(
            [
                str(seller_id),
                line.booked_on.isoformat(),
                f"{line.amount:.2f}",
                clean_text(line.label).upper(),
                clean_text(line.bank_reference).upper(),
            ]
        )
        seen[key] += 1
        result.append(hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest())
    return result


def statement_import(
    *, seller, file, file_format: str, mapping: CsvMapping | None = None, user=None
) -> ImportResult:
    """Import a bank statement of `seller`, then match its new credits automatically. Raises
    StatementRejected / PaymentError (French message) and stores nothing if the file is bad."""
    data, filename = _read(file)
    file_hash = hashlib.sha256(data).hexdigest()
    known = StatementImport.objects.filter(seller=seller, file_hash=file_hash).first()
    if known is not None:
        return ImportResult(statement=known, already_imported=True)
    parsed = statement_parse(data, file_format, mapping)
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _store_and_match(seller, parsed, filename, file_hash, file_format, user)
        except IntegrityError:
            # The same file, or an overlapping one, imported at the same moment by someone else:
            # read again what is stored now.
            known = StatementImport.objects.filter(seller=seller, file_hash=file_hash).first()
            if known is not None:
                return ImportResult(statement=known, already_imported=True)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _store_and_match(seller, parsed, filename, file_hash, file_format, user) -> ImportResult:
    statement = StatementImport.objects.create(
        seller=seller,
        filename=filename[:200],
        file_hash=file_hash,
        file_format=file_format[:30],
        imported_by=user,
    )
    prints = fingerprints(seller.pk, parsed)
    existing = set(
        StatementLine.objects.filter(seller=seller, fingerprint__in=prints).values_list(
            "fingerprint", flat=True
        )
    )
    new = [
        StatementLine(
            statement=statement,
            seller=seller,
            booked_on=line.booked_on,
            amount=line.amount,
            label=line.label,
            counterparty=line.counterparty,
            bank_reference=line.bank_reference,
            fingerprint=fingerprint,
            # Debits are kept for the record, not matched.
            status=StatementLine.Status.UNMATCHED if line.amount > 0 else StatementLine.Status.IGNORED,
        )
        for line, fingerprint in zip(parsed, prints, strict=True)
        if fingerprint not in existing
    ]
    StatementLine.objects.bulk_create(new)
    credits = list(
        StatementLine.objects.filter(statement=statement, amount__gt=0)
        .select_related("seller")
        .order_by("id")
    )
    matched = _auto_match(seller, credits, user)
    return ImportResult(
        statement=statement,
        stored=len(new),
        known=len(parsed) - len(new),
        matched=matched,
        unmatched=len(credits) - matched,
    )


def _auto_match(seller, lines, user) -> int:
    matcher = matching.Matcher(seller)
    matcher.load(lines)
    matched = 0
    for line in lines:
        found = matcher.find(line)
        if found is not None and matching.apply(found, line, user=user):
            matcher.applied(found, line)
            matched += 1
    return matched


# --- Reading ----------------------------------------------------------------------------------


def statements_for_list(seller):
    """The imports of `seller`, newest first, with their counts and the sum of their credits."""
    status = StatementLine.Status
    return (
        StatementImport.objects.filter(seller=seller)
        .select_related("imported_by")
        .annotate(
            line_count=Count("lines"),
            matched_count=Count("lines", filter=Q(lines__status=status.MATCHED)),
            unmatched_count=Count("lines", filter=Q(lines__status=status.UNMATCHED)),
            credits=Sum("lines__amount", filter=Q(lines__amount__gt=0)),
        )
        .order_by("-imported_at", "-id")
    )


def unmatched_lines(seller):
    """The credits of `seller` still to match, oldest first."""
    return StatementLine.objects.filter(
        seller=seller, status=StatementLine.Status.UNMATCHED, amount__gt=0
    ).order_by("booked_on", "id")


# --- Matching by hand -------------------------------------------------------------------------


def statement_line_match_order(*, line: StatementLine, order, user=None) -> StatementLine:
    """A manager says the credit `line` pays `order` (more than what is left is accepted: the
    order then shows an overpayment, a credit owed to the customer)."""
    return matching.match_order(line, order, user=user, within_left=False)


def statement_line_match_account(*, line: StatementLine, customer, user=None) -> StatementLine:
    """A manager says the credit `line` tops up `customer`'s account."""
    return matching.match_account(line, customer, user=user)


def statement_line_match_collection(
    *, line: StatementLine, collection: Collection, user=None
) -> StatementLine:
    """A manager says the credit `line` is the sum of the SEPA `collection`."""
    return matching.match_collection(line, collection, user=user)


@transaction.atomic
def statement_line_ignore(*, line: StatementLine, user=None) -> StatementLine:
    """A credit that pays nothing Cabas knows (a subsidy, a transfer between accounts…)."""
    locked = StatementLine.objects.select_for_update().get(pk=line.pk)
    if locked.status != StatementLine.Status.UNMATCHED:
        raise PaymentError(_("Cette opération est déjà rapprochée ou ignorée."))
    locked.status = StatementLine.Status.IGNORED
    locked.save(update_fields=["status"])
    return locked
