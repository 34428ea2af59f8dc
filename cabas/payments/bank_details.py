"""Bank account details (IBAN, BIC), checked the same way wherever they are typed: a seller's
transfer or SEPA payment method, a customer's SEPA mandate.

The checks are schwifty's: country, length, IBAN check digits, the national key (the French RIB
key) and the SEPA zone. A refused value raises BankDetailsError with the reason; each caller says it
in its own French words.
"""

import warnings

from schwifty import BIC, IBAN
from schwifty import exceptions as schwifty_errors

MISSING = "missing"
COUNTRY = "country"
LENGTH = "length"
CHECKSUM = "checksum"
CHARACTERS = "characters"
OUTSIDE_SEPA = "outside_sepa"


class BankDetailsError(ValueError):
    """An IBAN or BIC that is not valid; `reason` is one of the constants above."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def iban_display(iban: str) -> str:
    """'FR76 3000 6000 0112 3456 7890 189': an IBAN as printed on a bank document."""
    compact = "".join((iban or "").split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def iban_compact(value: str) -> str:
    """The IBAN `value` in its compact form ("FR76 3000 6000 ..." → "FR763000600..."), or
    BankDetailsError when it is missing, not valid or outside the SEPA zone."""
    text = "".join((value or "").split()).upper()
    if not text:
        raise BankDetailsError(MISSING)
    try:
        with warnings.catch_warnings():
            # Countries without a national key: the IBAN check digits are still verified.
            warnings.simplefilter("ignore", schwifty_errors.NationalChecksumNotVerified)
            iban = IBAN(text, validate_bban=True)
    except schwifty_errors.InvalidCountryCode:
        raise BankDetailsError(COUNTRY)
    except schwifty_errors.InvalidLength:
        raise BankDetailsError(LENGTH)
    except (schwifty_errors.InvalidChecksumDigits, schwifty_errors.InvalidBBANChecksum):
        raise BankDetailsError(CHECKSUM)
    except (schwifty_errors.SchwiftyException, ValueError):
        raise BankDetailsError(CHARACTERS)
    if not iban.in_sepa_zone:
        raise BankDetailsError(OUTSIDE_SEPA)
    return iban.compact


def bic_compact(value: str) -> str:
    """The BIC `value` in its compact form, "" when none is given, or BankDetailsError (LENGTH: not
    8 or 11 characters; CHARACTERS: anything else)."""
    text = "".join((value or "").split()).upper()
    if not text:
        return ""
    try:
        return BIC(text).compact
    except schwifty_errors.InvalidLength:
        raise BankDetailsError(LENGTH)
    except (schwifty_errors.SchwiftyException, ValueError):
        raise BankDetailsError(CHARACTERS)


def bank_bic(iban: str) -> str:
    """The BIC of the bank of a valid `iban` when schwifty's registry knows it (most French banks),
    otherwise ""."""
    try:
        bic = IBAN(iban).bic
    except (schwifty_errors.SchwiftyException, ValueError):
        return ""
    return bic.compact if bic is not None else ""
