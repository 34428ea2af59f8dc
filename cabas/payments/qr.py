"""What a customer needs to pay an order by bank transfer, and its EPC QR code ("GiroCode").

The EPC069-12 QR code holds the beneficiary (name, IBAN, BIC), the amount in euros and the order's
ISO 11649 reference: a banking app that scans it fills the transfer in, so the reference — which the
statement import recognises — is not mistyped. Made with segno (`segno.helpers.make_epc_qr`):
inline SVG on the order page (no image request, nothing the Content-Security-Policy has to allow),
a PNG embedded in the confirmation email.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from segno import helpers

from cabas.lib import money
from cabas.payments.bank_details import iban_display
from cabas.payments.models import PaymentMethod
from cabas.payments.records.services import order_paid
from cabas.payments.references import display

# Content-ID of the QR code image embedded in the confirmation email.
EMAIL_QR_CID = "epc-qr"


@dataclass(frozen=True)
class TransferDetails:
    """The transfer that pays an order: to whom, how much, with which reference."""

    holder: str
    iban: str  # compact
    bic: str
    amount: Decimal
    reference: str  # compact ISO 11649 reference ("RF.."), or "" for an order placed without one
    text: str  # the free remittance text used when there is no reference

    @property
    def iban_display(self) -> str:
        return iban_display(self.iban)

    @property
    def reference_display(self) -> str:
        """'RF18 5390 0754 7034'."""
        return display(self.reference)

    @property
    def amount_display(self) -> str:
        return money.format_eur(self.amount)

    def qr(self):
        """The EPC QR code (error correction M, as the standard asks)."""
        return helpers.make_epc_qr(
            name=self.holder,
            iban=self.iban,
            amount=self.amount,
            reference=self.reference or None,
            text=None if self.reference else self.text,
            bic=self.bic or None,
        )

    def svg(self) -> SafeString:
        """The QR code as inline SVG markup (an image with a text alternative)."""
        label = _("QR code du virement : %(amount)s à %(holder)s, référence %(reference)s") % {
            "amount": self.amount_display,
            "holder": self.holder,
            "reference": self.reference_display or self.text,
        }
        qr = self.qr()
        width, height = qr.symbol_size(scale=4, border=4)
        markup = qr.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="epc-qr")
        attributes = f'role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
        return mark_safe(markup.replace("<svg ", "<svg " + attributes, 1))  # noqa: S308 — label escaped

    def png(self, scale: int = 5) -> bytes:
        """The QR code as a PNG image (for the email)."""
        buffer = io.BytesIO()
        self.qr().save(buffer, kind="png", scale=scale, border=4)
        return buffer.getvalue()


def order_transfer(order, paid: Decimal | None = None) -> TransferDetails | None:
    """How to pay `order` by transfer: None unless it is a placed or fulfilled order to pay by a
    transfer method that has an IBAN and something is left to pay. `paid`: what it received
    already (None: read from its payments)."""
    method: PaymentMethod | None = order.payment_method
    if method is None or method.kind != PaymentMethod.Kind.TRANSFER or not method.iban:
        return None
    if order.status not in ("placed", "fulfilled"):
        return None
    if paid is None:
        paid = order_paid(order)
    due = money.round_money(order.total - paid)
    if due < Decimal("0.01"):
        return None
    holder = (method.account_holder or order.seller.name).strip()[:70]
    return TransferDetails(
        holder=holder,
        iban=method.iban,
        bic=method.bic,
        amount=due,
        reference=order.payment_reference,
        text=(_("Commande %(number)s") % {"number": order.number})[:140],
    )
