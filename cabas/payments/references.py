"""Payment references a customer gives with a bank transfer: ISO 11649 structured creditor
references ("RF" + check digits), one per order and one per customer account (top-ups). The
check digits let the statement import recognise a reference even inside a free-text label."""

import re

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

ORDER_PREFIX = "CMD"
ACCOUNT_PREFIX = "CPT"
# An RF reference inside a bank label, possibly written in groups of four ("RF18 5390 0754 70").
_IN_TEXT = re.compile(r"RF\s?\d{2}(?:\s?[0-9A-Z]){1,21}", re.IGNORECASE)


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


def references_in(text: str) -> list[str]:
    """The valid RF references found in a free-text bank label, compacted."""
    found = []
    for match in _IN_TEXT.finditer(text or ""):
        candidate = iso11649.compact(match.group(0))
        # A label may glue other words after the reference: try the longest valid prefix.
        for end in range(len(candidate), 4, -1):
            if iso11649.is_valid(candidate[:end]):
                found.append(candidate[:end])
                break
    return found


def display(reference: str) -> str:
    """'RF18 5390 0754 7034': how a person reads and types a reference."""
    return iso11649.format(reference) if reference else ""
