"""The reports in the back-office: the list of the reports a member may open, and one report's page
(its filters, a page of its table with the totals, its downloads as CSV, XLSX and PDF).

The CSV is always streamed at once (constant memory, fast). A PDF or a workbook is downloaded at once
only for a short report (`DIRECT_MAX_ROWS`: about a second of work); a longer one is made in the
background (`views_exports`), and a direct link asking for it brings the member back to the page."""

from itertools import islice

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.fulfilment.exports import recent_exports
from cabas.fulfilment.forms import ReportFiltersForm
from cabas.fulfilment.reports import render as rendering
from cabas.fulfilment.reports.base import GROUPS, REPORTS, Report, reports_for

DOWNLOADS = {
    "csv": rendering.csv_response,
    "xlsx": rendering.xlsx_response,
    "pdf": rendering.pdf_response,
}
# The most rows a PDF or a workbook is made with during the request (WeasyPrint: ~6 ms a row).
DIRECT_MAX_ROWS = {"pdf": 200, "xlsx": 5000}


@require_GET
@manage_view(min_role=Role.Level.VOLUNTEER)
def reports(request, enterprise):
    available = reports_for(enterprise.current_role.role, enterprise)
    groups = [(key, label, [r for r in available if r.group == key]) for key, label in GROUPS.items()]
    context = {"enterprise": enterprise, "nav": "reports", "groups": [g for g in groups if g[2]]}
    return render(request, "manage/reports/list.html", context)


def report_or_error(enterprise, name: str) -> Report:
    """The report called `name` (404 when there is none or the enterprise does not have it), if the
    member's role may open it (403)."""
    report = REPORTS.get(name)
    if report is None or not report.offered_to(enterprise):
        raise Http404
    if not enterprise.current_role.at_least(report.min_role):
        raise PermissionDenied
    return report


@require_GET
@manage_view(min_role=Role.Level.VOLUNTEER)
def report(request, enterprise, name):
    # The view lets every member in; each report then says the role it needs (`Report.min_role`).
    chosen = report_or_error(enterprise, name)
    download = request.GET.get("format", "")
    if download and download not in DOWNLOADS:
        raise Http404
    form = ReportFiltersForm(request.GET, enterprise=enterprise, report=chosen)
    context = {"enterprise": enterprise, "nav": "reports", "report": chosen, "form": form}
    if not form.is_valid():
        # The download links always carry valid filters: a download asked with bad ones is a 400.
        return render(request, "manage/reports/report.html", context, status=400 if download else 200)
    filters = form.filters()
    if download and _too_long(chosen, filters, download):
        messages.info(
            request, _("Ce rapport est trop long pour être téléchargé directement : préparez le fichier.")
        )
        query = request.GET.copy()
        query.pop("format")
        return redirect(f"{request.path}?{query.urlencode()}")
    if download:
        return DOWNLOADS[download](chosen, filters)
    table = rendering.table(chosen, filters, request.GET.get("page"))
    context.update(
        table=table,
        filters_in_words=rendering.filters_in_words(filters, chosen),
        direct={fmt: table.count <= cap for fmt, cap in DIRECT_MAX_ROWS.items()},
        exports=recent_exports(enterprise=enterprise, user=request.user, report=chosen),
    )
    return render(request, "manage/reports/report.html", context)


def _too_long(report: Report, filters, download: str) -> bool:
    """Whether the file asked would take more than about a second to make during the request."""
    cap = DIRECT_MAX_ROWS.get(download)
    # Read no further than one row past the cap (the whole report is read again to make the file).
    return cap is not None and sum(1 for _row in islice(report.rows(filters), cap + 1)) > cap
