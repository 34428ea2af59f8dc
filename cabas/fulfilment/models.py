"""The reports' background exports: a PDF or a workbook too long to make during a web request is
made by a task (`cabas.fulfilment.tasks.report_export_run`), which records its progress here; the
file is kept for a day (`EXPORT_KEPT`), then purged with its row."""

import datetime
import uuid

from django.core.files.storage import storages
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

EXPORT_KEPT = datetime.timedelta(days=1)
# An export still queued or running this long after it was asked is taken as lost (a worker stopped
# in the middle): its page stops polling and says it failed.
EXPORT_STALLED = datetime.timedelta(hours=1)


def _expires_at() -> datetime.datetime:
    return timezone.now() + EXPORT_KEPT


def private_storage():
    """Where exported reports are written: not under MEDIA_ROOT, only the download view reads them."""
    return storages["private"]


class ReportExport(models.Model):
    """One report asked as a file by a member, with the filters of its page (a query string)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en préparation")
        DONE = "done", _("prêt")
        FAILED = "failed", _("échoué")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", _("tableur (XLSX)")
        CSV = "csv", "CSV"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="report_exports"
    )
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    report = models.CharField(_("rapport"), max_length=64)  # Report.name
    query_string = models.TextField(blank=True)  # the page's filters, checked again by the task
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", max_length=255, blank=True, storage=private_storage)
    error = models.CharField(max_length=255, blank=True)  # French, shown to the member
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=_expires_at, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "report", "user", "created_at"])]
        verbose_name = _("export de rapport")

    def __str__(self):
        return f"{self.report}.{self.format}"

    @property
    def stalled(self) -> bool:
        unfinished = self.status in (self.Status.QUEUED, self.Status.RUNNING)
        return unfinished and self.created_at < timezone.now() - EXPORT_STALLED

    @property
    def running(self) -> bool:
        """Queued or being made (what the page keeps polling for)."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and not self.stalled

    @property
    def rendering(self) -> bool:
        """A PDF whose rows are all read: WeasyPrint lays it out (no finer progress to show)."""
        return (
            self.status == self.Status.RUNNING
            and self.format == self.Format.PDF
            and self.rows_total > 0
            and self.rows_done >= self.rows_total
        )

    @property
    def downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file) and self.expires_at > timezone.now()

    @property
    def download_name(self) -> str:
        """As the direct download names it (`render.filename`), dated the day it was asked."""
        day = timezone.localtime(self.created_at).date()
        return f"{self.report}-{self.enterprise.slug}-{day:%Y-%m-%d}.{self.format}"


class CustomerMessage(models.Model):
    """A message a seller emails the customers of one of its cycles, optionally only those of one
    distribution date and/or one pickup point or delivery zone (`cabas.fulfilment.customer_messages`).
    A task sends it; it stays in the cycle's history."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente d'envoi")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="customer_messages"
    )
    cycle = models.ForeignKey("cycles.OrderCycle", on_delete=models.CASCADE, related_name="customer_messages")
    day = models.DateField(_("date de distribution"), null=True, blank=True)
    shipping_method = models.ForeignKey(
        "cycles.ShippingMethod", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("objet"), max_length=150)
    body = models.TextField(_("message"))
    sent_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipients = models.PositiveIntegerField(_("destinataires"), default=0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)  # when every email was queued

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["seller", "created_at"], name="message_seller_idx"),
            models.Index(fields=["cycle", "created_at"], name="message_cycle_idx"),
        ]
        verbose_name = _("message aux clients")

    def __str__(self):
        return self.subject

    @property
    def target(self) -> str:
        """Whom it was sent to, in words (the cycle aside): « tous les clients du cycle », or the
        distribution date and/or the pickup point or delivery zone."""
        parts = []
        if self.day:
            day = formats.date_format(self.day, "DATE_FORMAT")
            parts.append(gettext("distribution du %(day)s") % {"day": day})
        if self.shipping_method_id:
            parts.append(self.shipping_method.name)
        return " · ".join(parts) or gettext("tous les clients du cycle")
