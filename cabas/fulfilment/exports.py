"""Reports made as files in the background: a member asks for a report's PDF or workbook
(`export_start`), a task makes it (`export_run`, by `cabas.fulfilment.tasks.report_export_run`)
while recording its progress, which the export's page polls; the file is kept for a day, then
`exports_purge` deletes it with its row.

The task checks the filters again with the page's form (`ReportFiltersForm`), from the query string
stored with the export: a cycle or producer that is not the enterprise's fails the export as it
would refuse the page.
"""

from __future__ import annotations

import logging
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext

from cabas.fulfilment import tasks  # tasks.py refers to this module as a whole: no import cycle of names
from cabas.fulfilment.forms import ReportFiltersForm
from cabas.fulfilment.models import EXPORT_KEPT, ReportExport
from cabas.fulfilment.reports import render
from cabas.fulfilment.reports.base import REPORTS, Filters, Report

logger = logging.getLogger(__name__)
Status = ReportExport.Status

# The share of the progress bar for reading the rows: a PDF's rows are read quickly, then
# WeasyPrint lays the pages out (most of the time, with no progress to report).
READ_SHARE = {ReportExport.Format.PDF: 20, ReportExport.Format.XLSX: 95, ReportExport.Format.CSV: 95}


class ExportFiltersInvalid(ValueError):
    """The stored filters no longer pass the page's form (e.g. a cycle of another enterprise)."""


def export_start(*, enterprise, user, report: Report, query_string: str, fmt: str) -> ReportExport:
    """Record the export of `report` with the filters of `query_string` as `fmt`, and have a task
    make it once the current transaction commits."""
    if fmt not in ReportExport.Format.values:
        raise ValueError(f"unknown export format: {fmt!r}")
    now = timezone.now()
    export = ReportExport.objects.create(
        enterprise=enterprise,
        user=user,
        report=report.name,
        query_string=query_string,
        format=fmt,
        created_at=now,
        expires_at=now + EXPORT_KEPT,
    )
    transaction.on_commit(lambda: tasks.report_export_run.enqueue(str(export.uuid)))
    return export


def export_filters(export: ReportExport, report: Report) -> Filters:
    """The filters of `export`, checked by the page's form; raises ExportFiltersInvalid."""
    form = ReportFiltersForm(QueryDict(export.query_string), enterprise=export.enterprise, report=report)
    if not form.is_valid():
        raise ExportFiltersInvalid(form.errors.as_json())
    return form.filters()


def _produce(export: ReportExport, report: Report, filters: Filters) -> bytes:
    share = READ_SHARE[export.format]
    total = export.rows_total

    def progress(done: int) -> None:
        percent = share * min(done, total) // total if total else share
        ReportExport.objects.filter(pk=export.pk).update(rows_done=done, progress=percent)

    if export.format == ReportExport.Format.PDF:
        return render.pdf_bytes(report, filters, progress=progress)
    if export.format == ReportExport.Format.XLSX:
        return render.xlsx_bytes(report, filters, progress=progress)
    return "".join(render.csv_lines(report, filters, progress=progress)).encode("utf-8")


def _fail(export: ReportExport) -> None:
    if export.file:
        export.file.delete(save=False)
    export.status = Status.FAILED
    export.error = gettext("L'export a échoué ; réessayez ou contactez-nous.")
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "error", "file", "finished_at"])


def export_run(export_uuid: str) -> str:
    """Make the file of a queued export (the task's work); returns its status at the end."""
    exports_purge()
    export = ReportExport.objects.select_related("enterprise").filter(uuid=export_uuid).first()
    if export is None or export.status != Status.QUEUED:
        logger.warning("report export %s is gone or not queued", export_uuid)
        return export.status if export else ""
    # Claimed in one conditional UPDATE: a second delivery of the task finds it running and stops.
    if not ReportExport.objects.filter(pk=export.pk, status=Status.QUEUED).update(status=Status.RUNNING):
        return ReportExport.objects.values_list("status", flat=True).get(pk=export.pk)
    export.status = Status.RUNNING
    try:
        report = REPORTS[export.report]
        filters = export_filters(export, report)
        export.rows_total = sum(1 for _row in report.rows(filters))
        export.save(update_fields=["rows_total"])
        data = _produce(export, report, filters)
        export.file.save(f"{secrets.token_hex(16)}.{export.format}", ContentFile(data), save=False)
        export.status, export.progress = Status.DONE, 100
        export.rows_done, export.finished_at = export.rows_total, timezone.now()
        export.save(update_fields=["file", "status", "progress", "rows_done", "finished_at"])
    except Exception:
        logger.exception("report export %s (%s) failed", export.uuid, export)
        _fail(export)
    return export.status


def exports_purge() -> int:
    """Delete the expired exports and their files; returns how many."""
    expired = ReportExport.objects.filter(expires_at__lte=timezone.now())
    storage = ReportExport._meta.get_field("file").storage
    for name in expired.exclude(file="").values_list("file", flat=True):
        storage.delete(name)
    return expired.delete()[0]


def recent_exports(*, enterprise, user, report: Report) -> list[ReportExport]:
    """The member's exports of `report` still kept, newest first (one query)."""
    return list(
        ReportExport.objects.filter(
            enterprise=enterprise, user=user, report=report.name, expires_at__gt=timezone.now()
        )[:10]
    )
