"""Payment references a customer gives with a bank transfer: ISO 11649 structured creditor
references ("RF" + check digits), one per order and one per customer account (top-ups). The
check digits let the statement import recognise a reference even inside a free-text label."""

import re

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

ORDER_PREFIX = "CMD"
ACCOUNT_PREFIX = "CPT"
# An RF reference inside a bank label, possibly written in groups of four ("RF18 5390 0754 70");
# a lookahead so that overlapping candidates are all seen.
_IN_TEXT = re.compile(r"(?=(RF\s?\d{2}(?:\s?[0-9A-Z]){1,21}))")


def rf_reference(body: str) -> str:
    """The ISO 11649 reference of `body` (letters and digits, at most 21)."""
    body = re.sub(r"[^0-9A-Z]", "", body.upper())[:21]
    check = 98 - int(mod_97_10._to_base10(body + "RF00")) % 97  # noqa: SLF001
    return f"RF{check:02d}{body}"


def order_reference(number: str) -> str:
    """The transfer reference of the order numbered `number` ("FDC-2026-00042" → "RF..CMDFDC202600042")."""
    return rf_reference(ORDER_PREFIX + number)


def account_reference(customer_id: int) -> str:
    """The reference of the transfers that top up the account of customer `customer_id`."""
    return rf_reference(f"{ACCOUNT_PREFIX}{customer_id:06d}")


def references_in(text: str) -> set[str]:
    """Every valid ISO 11649 reference a bank label may hold, compacted. A label glues other words
    after a reference ("RF18 5390 0754 70 REF: 123"), and such a longer string is sometimes valid
    too (one time in 97): each valid prefix is a candidate, only real references will match."""
    found = set()
    for match in _IN_TEXT.finditer((text or "").upper()):
        candidate = iso11649.compact(match.group(1))
        found.update(
            candidate[:end] for end in range(5, len(candidate) + 1) if iso11649.is_valid(candidate[:end])
        )
    return found


def display(reference: str) -> str:
    """'RF18 5390 0754 7034': how a person reads and types a reference."""
    return iso11649.format(reference) if reference else ""
