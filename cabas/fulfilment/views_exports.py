"""A report made as a file in the background (`cabas.fulfilment.exports`): the report page's
« Préparer » button starts it, its page shows the progress (polled by htmx) then the download link.

Any member of the enterprise who may open the report may follow and download its exports (the
report page lists only the member's own); another enterprise's export is a 404.
"""

from urllib.parse import urlencode

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.fulfilment.exports import ExportFiltersInvalid, export_filters, export_start
from cabas.fulfilment.forms import ReportFiltersForm
from cabas.fulfilment.models import ReportExport
from cabas.fulfilment.reports import render as rendering
from cabas.fulfilment.reports.base import Report
from cabas.fulfilment.views_reports import report_or_error
from cabas.lib import spreadsheet

BACKGROUND_FORMATS = (ReportExport.Format.PDF, ReportExport.Format.XLSX)
CONTENT_TYPES = {
    ReportExport.Format.PDF: "application/pdf",
    ReportExport.Format.XLSX: spreadsheet.XLSX_CONTENT_TYPE,
    ReportExport.Format.CSV: "text/csv; charset=utf-8",
}


@require_POST
@manage_view(min_role=Role.Level.VOLUNTEER)
def report_export(request, enterprise, name):
    """Start making the report as a PDF or a workbook, with the filters of its page."""
    chosen = report_or_error(enterprise, name)
    fmt = request.POST.get("format", "")
    if fmt not in BACKGROUND_FORMATS:
        raise Http404
    form = ReportFiltersForm(request.POST, enterprise=enterprise, report=chosen)
    if not form.is_valid():
        context = {"enterprise": enterprise, "nav": "reports", "report": chosen, "form": form}
        return render(request, "manage/reports/report.html", context, status=400)
    query = urlencode([(key, request.POST[key]) for key in form.fields if request.POST.get(key)])
    export = export_start(
        enterprise=enterprise, user=request.user, report=chosen, query_string=query, fmt=fmt
    )
    return redirect("fulfilment:export", enterprise.slug, export.uuid)


def _export_or_error(enterprise, export_uuid) -> tuple[ReportExport, Report]:
    """The enterprise's export (404 otherwise) and its report, if the member may open it (403)."""
    export = get_object_or_404(ReportExport, uuid=export_uuid, enterprise=enterprise)
    export.enterprise = enterprise
    return export, report_or_error(enterprise, export.report)


def _context(enterprise, export: ReportExport, report: Report) -> dict:
    return {"enterprise": enterprise, "nav": "reports", "export": export, "report": report}


@require_GET
@manage_view(min_role=Role.Level.VOLUNTEER)
def export(request, enterprise, export):
    """An export's page: its report, its filters, its progress, then its download link."""
    export, chosen = _export_or_error(enterprise, export)
    context = _context(enterprise, export, chosen)
    try:
        context["filters_in_words"] = rendering.filters_in_words(export_filters(export, chosen), chosen)
    except ExportFiltersInvalid:
        context["filters_in_words"] = []
    return render(request, "manage/reports/export.html", context)


@require_GET
@manage_view(min_role=Role.Level.VOLUNTEER)
def export_status(request, enterprise, export):
    """The progress fragment, polled by htmx every second while the export is queued or running."""
    export, chosen = _export_or_error(enterprise, export)
    return render(request, "manage/reports/_export_status.html", _context(enterprise, export, chosen))


@require_GET
@manage_view(min_role=Role.Level.VOLUNTEER)
def export_download(request, enterprise, export):
    """The export's file, while it is kept (a day); 404 before it is made and once it has expired."""
    export, _chosen = _export_or_error(enterprise, export)
    if not export.downloadable:
        raise Http404
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.download_name,
        content_type=CONTENT_TYPES[export.format],
    )
