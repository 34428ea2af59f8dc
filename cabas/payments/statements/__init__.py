"""Bank statements: what a seller's bank says was received (or paid), read from a CSV export of a
French bank (a column mapping, with presets) or a CAMT.053 XML statement, then matched to orders,
customer top-ups and SEPA collections.

The parsers only read: they return `StatementLine`-like values (`ParsedLine`) or raise
`StatementRejected` with every problem found (a French message with its line number). Nothing is
stored until the whole file has been read without a problem.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.payments.exceptions import PaymentError

# Bigger files are refused before being read (a year of a busy account is well under 1 MB).
MAX_FILE_BYTES = 5 * 1024 * 1024
# Problems listed at most (the file is refused anyway).
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class ParsedLine:
    """One operation of a statement: a credit (positive amount) or a debit (negative)."""

    booked_on: date
    amount: Decimal
    label: str
    counterparty: str = ""
    bank_reference: str = ""
    # Where it was in the file (a line number), for messages.
    source_line: int = 0


class StatementRejected(PaymentError):
    """A statement file that cannot be imported: `problems` says why, line by line."""

    # True when the file is refused as a whole (its message says it all), not line by line.
    whole_file = False

    def __init__(self, problems: list[str], message: str | None = None):
        self.problems = problems[:MAX_PROBLEMS]
        if message is None:
            message = ngettext(
                "Le relevé contient %(count)s problème : rien n'a été importé.",
                "Le relevé contient %(count)s problèmes : rien n'a été importé.",
                len(problems),
            ) % {"count": len(problems)}
        super().__init__(message)


def reject(message: str) -> StatementRejected:
    """A file refused as a whole (unreadable, wrong kind): one problem, which is the message."""
    error = StatementRejected(
        [message], message=_("%(problem)s Rien n'a été importé.") % {"problem": message}
    )
    error.whole_file = True
    return error
