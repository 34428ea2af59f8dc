"""Back-office product import (upload → preview → confirm) and catalogue export."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cabas.catalogue.exports import catalogue_csv, catalogue_xlsx
from cabas.catalogue.import_reading import NATIVE_COLUMNS, OFN_COLUMNS, max_rows
from cabas.catalogue.models import ImportJob
from cabas.catalogue.tasks import import_job_confirm, import_job_create
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.errors import run_action
from cabas.lib import spreadsheet

MAX_UPLOAD_MB = 10  # 20,000 rows (the most a file may have) are about 2 MB of CSV, 1.3 MB of XLSX
ERRORS_SHOWN = 200


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV ou XLSX"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Modèle de liste de produits d'Open Food Network, ou colonnes en français ; %(size)s Mo et "
            "%(rows)s lignes au plus."
        ) % {"size": MAX_UPLOAD_MB, "rows": number_format(max_rows(), force_grouping=True)}

    def clean_file(self):
        # Django has already streamed a big upload to a temporary file: its size costs nothing to read.
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("Le fichier dépasse %(size)s Mo : découpez-le en plusieurs fichiers.")
                % {"size": MAX_UPLOAD_MB}
            )
        return upload


def _context(enterprise, **extra):
    return {
        "enterprise": enterprise,
        "nav": "import",
        "ofn_columns": OFN_COLUMNS,
        "native_columns": list(NATIVE_COLUMNS),
        **extra,
    }


@manage_view(min_role=Role.Level.MANAGER)
def product_import(request, enterprise):
    """Upload a product list, stored for a background task to check it (the job's page shows its
    progress)."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_create(
            enterprise=enterprise, user=request.user, name=upload.name, data=upload.read()
        )
        return redirect("catalogue:product_import_job", enterprise.slug, job.uuid)
    jobs = enterprise.import_jobs.all()[:5]
    return render(request, "manage/import/start.html", _context(enterprise, form=form, jobs=jobs))


def _get_job(enterprise, job) -> ImportJob:
    return get_object_or_404(ImportJob, uuid=job, enterprise=enterprise)


@manage_view(min_role=Role.Level.MANAGER)
def product_import_job(request, enterprise, job):
    """The state of one import: progress, the problems found, or the preview to confirm."""
    job = _get_job(enterprise, job)
    context = _context(
        enterprise, job=job, form=ImportForm(), errors=job.errors[:ERRORS_SHOWN],
        more_errors=max(0, len(job.errors) - ERRORS_SHOWN),
    )
    return render(request, "manage/import/job.html", context)


@manage_view(min_role=Role.Level.MANAGER)
def product_import_status(request, enterprise, job):
    """The progress fragment polled by htmx every second; once the job is over, htmx reloads the page."""
    job = _get_job(enterprise, job)
    if request.htmx and not job.running:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("catalogue:product_import_job", args=[enterprise.slug, job.uuid])
        return response
    return render(request, "manage/import/_status.html", _context(enterprise, job=job))


@require_POST
@manage_view(min_role=Role.Level.MANAGER)
def product_import_confirm(request, enterprise, job):
    """Import the checked file: everything or nothing."""
    job = _get_job(enterprise, job)
    started = run_action(request, lambda: import_job_confirm(job=job), _("Import lancé."))
    job.refresh_from_db()
    if started and job.status == ImportJob.Status.DONE:
        list(messages.get_messages(request))  # replace "launched" by the outcome
        messages.success(request, _("Import terminé : %(created)s variantes créées, %(updated)s modifiées, "
                                    "%(unchanged)s inchangées.") % {
            "created": job.created_count, "updated": job.updated_count, "unchanged": job.unchanged_count,
        })
    return redirect("catalogue:product_import_job", enterprise.slug, job.uuid)


@manage_view(min_role=Role.Level.MANAGER)
def product_import_errors(request, enterprise, job):
    """Every problem of a file, one per line, as a text file."""
    job = _get_job(enterprise, job)
    response = HttpResponse("\n".join(job.errors) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="erreurs-import.txt"'
    return response


def _filename(enterprise, extension: str) -> str:
    return f"produits-{enterprise.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


@manage_view(min_role=Role.Level.MANAGER)
def product_export_csv(request, enterprise):
    """The catalogue in the OFN product-list format, streamed as CSV."""
    return spreadsheet.csv_response(catalogue_csv(enterprise), _filename(enterprise, "csv"))


@manage_view(min_role=Role.Level.MANAGER)
def product_export_xlsx(request, enterprise):
    """The catalogue in the OFN product-list format, as an XLSX workbook."""
    return spreadsheet.xlsx_response(catalogue_xlsx(enterprise), _filename(enterprise, "xlsx"))
