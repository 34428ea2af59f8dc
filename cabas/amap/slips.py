"""The hand-over slip (« bordereau de remise de chèques »): the AMAP, the producer, the date, each
cheque (member, number, bank, amount, planned cashing date) and their total, printed with WeasyPrint
as the reports' PDFs are (`cabas.fulfilment.reports.render`)."""

from __future__ import annotations

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from cabas.amap.selectors_payments import Slip

PDF_TEMPLATE = "manage/amap/payments/slip_pdf.html"


def slip_html(slip: Slip) -> str:
    return render_to_string(
        PDF_TEMPLATE, {"slip": slip, "handover": slip.handover, "made_at": timezone.localtime()}
    )


def slip_document(slip: Slip):
    """The laid-out slip (a WeasyPrint document)."""
    return weasyprint.HTML(string=slip_html(slip), base_url=str(settings.BASE_DIR)).render()


def slip_pdf(slip: Slip) -> bytes:
    return slip_document(slip).write_pdf()


def slip_filename(slip: Slip) -> str:
    handover = slip.handover
    day = timezone.localtime(handover.created_at).date().isoformat()
    return f"bordereau-{handover.producer.slug}-{day}.pdf"
