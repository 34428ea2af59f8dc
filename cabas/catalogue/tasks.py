"""Product-list import jobs: an uploaded file is checked (the preview), then imported on confirmation.

The request only stores the upload after the checks that need not read it all (size, kind, zip
directory, encoding); every file is read and checked by a background task, which records its
progress on the ImportJob, which the page polls. Once checked, a file of at most
`PRODUCT_IMPORT_BACKGROUND_ROWS` rows is imported during the confirming request, a bigger one by
another task. Tasks receive the job's UUID, never objects.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from cabas.catalogue.exceptions import ImportJobNotReady, ImportRejected
from cabas.catalogue.import_reading import check_upload
from cabas.catalogue.imports import ImportSummary, product_import
from cabas.catalogue.models import ImportJob

logger = logging.getLogger(__name__)
Status = ImportJob.Status


def background_rows() -> int:
    """Checked files with more rows than this are imported in the background."""
    return getattr(settings, "PRODUCT_IMPORT_BACKGROUND_ROWS", 2000)


def import_job_create(*, enterprise, user, name: str, data: bytes) -> ImportJob:
    """Store an uploaded file for a background task to read and check it.

    Only what needs no reading of the whole file is checked here (a sheet without a declared size
    once took a web worker 30 s to count its rows): the file is refused at once if it is of the wrong
    kind, or an XLSX file that would be huge once decompressed.
    """
    job = ImportJob.objects.create(enterprise=enterprise, created_by=user, original_name=name[-255:])
    try:
        check_upload(name, data)
    except ImportRejected as rejected:
        _finish(job, problems=rejected.problems)
        return job
    job.file.save(f"{job.uuid}{Path(name).suffix.lower()}", ContentFile(data), save=False)
    job.save()
    transaction.on_commit(lambda: import_job_check.enqueue(str(job.uuid)))
    return job


def import_job_confirm(*, job: ImportJob) -> ImportJob:
    """Import a checked file (everything or nothing); raises ImportJobNotReady unless it is ready."""
    started = ImportJob.objects.filter(pk=job.pk, status=Status.READY).update(
        status=Status.IMPORTING, progress=0, updated_at=timezone.now()
    )
    if not started:  # a second click, or a file with errors
        raise ImportJobNotReady()
    job.refresh_from_db()
    if job.row_count > background_rows():
        transaction.on_commit(lambda: import_job_apply.enqueue(str(job.uuid)))
    else:
        _run(job, dry_run=False)
    return job


def _finish(job: ImportJob, *, problems=None, summary: ImportSummary | None = None, ready=False) -> None:
    if problems is not None:
        job.status = Status.INVALID
        job.errors = [str(p) for p in problems]
    else:
        job.status = Status.READY if ready else Status.DONE
        job.errors = []
        job.created_count = summary.created
        job.updated_count = summary.updated
        job.unchanged_count = summary.unchanged
    job.progress = job.row_count
    if job.status != Status.READY:
        job.finished_at = timezone.now()
        if job.file:
            job.file.delete(save=False)  # the file was only needed until the import is over
    job.save()


def _run(job: ImportJob, *, dry_run: bool) -> None:
    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=done, updated_at=timezone.now())

    def counted(rows: int) -> None:
        job.row_count = rows
        ImportJob.objects.filter(pk=job.pk).update(row_count=rows, progress=0, updated_at=timezone.now())

    try:
        with job.file.open("rb") as stored:
            data = stored.read()
        summary = product_import(
            enterprise=job.enterprise, name=job.original_name, data=data, dry_run=dry_run,
            progress=progress, counted=counted,
        )
    except ImportRejected as rejected:
        _finish(job, problems=rejected.problems)
    except Exception:
        logger.exception("product import %s failed", job.uuid)
        _finish(job, problems=[_("Erreur inattendue pendant l'import : rien n'a été modifié. Réessayez, ou "
                                 "écrivez-nous si cela se reproduit.")])
        raise
    else:
        _finish(job, summary=summary, ready=dry_run)


def _job(job_uuid: str, status: str) -> ImportJob | None:
    job = ImportJob.objects.select_related("enterprise").filter(uuid=job_uuid).first()
    if job is None or job.status != status:
        logger.warning("import job %s is gone or not %s", job_uuid, status)
        return None
    return job


@task()
def import_job_check(job_uuid: str) -> None:
    """Read and check an uploaded file in the background (the preview)."""
    job = _job(job_uuid, Status.CHECKING)
    if job is not None:
        _run(job, dry_run=True)


@task()
def import_job_apply(job_uuid: str) -> None:
    """Import a big, already checked file in the background."""
    job = _job(job_uuid, Status.IMPORTING)
    if job is not None:
        _run(job, dry_run=False)
