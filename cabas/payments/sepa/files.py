"""SEPA direct debit: the text rules of the EPC, the creditor identifier check, and the pain.008 file.

Banks accept only a small Latin character set in SEPA files (EPC guidance on the character set):
letters without accents, digits and `/ - ? : ( ) . , ' +` and the space. Names and labels are
transliterated (é → e, Œ → OE, ß → ss) and any other character becomes a space; identifiers (mandate
reference, end-to-end id) must already be made of those characters.

The file is written by sepaxml in the pain.008.001.02 version every French bank accepts, checked
against the XSD sepaxml ships before it is returned.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sepaxml import SepaDD
from sepaxml.validation import ValidationError

# sepaxml's own transliteration library (a dependency of sepaxml), so names are cleaned the same way.
from text_unidecode import unidecode

SCHEMA = "pain.008.001.02"
NAME_LENGTH = 70
LABEL_LENGTH = 140
ID_LENGTH = 35

_NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
# An identifier: SEPA characters without spaces, neither starting nor ending with "/", no "//".
_IDENTIFIER = re.compile(r"^(?!/)(?!.*//)[A-Za-z0-9/\-?:().,'+]{1,35}(?<!/)$")


def sepa_text(value: str, max_length: int = NAME_LENGTH) -> str:
    """`value` in the characters every SEPA bank accepts, at most `max_length` long."""
    text = _NOT_SEPA.sub(" ", unidecode(value or ""))
    return " ".join(text.split())[:max_length].strip()


def is_sepa_identifier(value: str) -> bool:
    """Whether `value` can be a mandate reference or an end-to-end id (EPC rules)."""
    return bool(_IDENTIFIER.match(value or ""))


def creditor_identifier_clean(value: str) -> str | None:
    """The SEPA creditor identifier (ICS in France, e.g. FR72ZZZ123456) in its compact form (spaces
    and dashes removed, upper case), or None when it is malformed or its check digits are wrong
    (ISO 7064 mod 97-10 over the national identifier and the country code; the 3-character business
    code is not checked). A French one has exactly 13 characters."""
    ci = re.sub(r"[\s-]", "", value or "").upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}", ci):
        return None
    if ci.startswith("FR") and len(ci) != 13:
        return None
    digits = "".join(str(int(char, 36)) for char in ci[7:] + ci[:2] + "00")
    return ci if 98 - int(digits) % 97 == int(ci[2:4]) else None


@dataclass(frozen=True)
class Creditor:
    """Who collects: the seller's account, as set on its SEPA payment method."""

    name: str
    iban: str
    bic: str
    identifier: str


@dataclass(frozen=True)
class Debit:
    """One debit of a collection."""

    end_to_end_id: str
    amount: Decimal
    mandate_reference: str
    mandate_signed_on: date
    sequence_type: str  # FRST or RCUR
    debtor_name: str
    debtor_iban: str
    debtor_bic: str  # "" when unknown: the file says NOTPROVIDED
    label: str


class Pain008Error(Exception):
    """The file does not validate against the schema (a value escaped the checks before)."""


def _cents(amount: Decimal) -> int:
    cents = amount * 100
    if cents != cents.to_integral_value() or cents <= 0:
        raise Pain008Error(f"amount {amount} is not a positive amount in cents")
    return int(cents)


def pain008(*, creditor: Creditor, collection_date: date, debits: list[Debit]) -> tuple[str, bytes]:
    """The pain.008.001.02 file collecting `debits` on `collection_date` for `creditor`: returns its
    message id and the XML (UTF-8), validated against the XSD. Debits are grouped by sequence type
    (one payment information block for FRST, one for RCUR)."""
    document = SepaDD(
        {
            "name": sepa_text(creditor.name),
            "IBAN": creditor.iban,
            "BIC": creditor.bic,
            "batch": True,
            "creditor_id": creditor.identifier,
            "currency": "EUR",
        },
        schema=SCHEMA,
        clean=False,  # names are cleaned here (sepa_text) with stricter rules than sepaxml's
    )
    for debit in debits:
        payment = {
            "name": sepa_text(debit.debtor_name),
            "IBAN": debit.debtor_iban,
            "amount": _cents(debit.amount),
            "type": debit.sequence_type,
            "collection_date": collection_date,
            "mandate_id": debit.mandate_reference,
            "mandate_date": debit.mandate_signed_on,
            "description": sepa_text(debit.label, LABEL_LENGTH),
            "endtoend_id": debit.end_to_end_id,
        }
        if debit.debtor_bic:
            payment["BIC"] = debit.debtor_bic
        document.add_payment(payment)
    try:
        xml = document.export(validate=True)
    except ValidationError as error:
        raise Pain008Error(str(error.__cause__ or error)) from error
    return document.msg_id, xml
