"""One export of a list (a filtered case list, the event-log search) to a file: who asked for
it, what, how far it has got, and the file once it is there (导出任务).

Not history-tracked: a job is bookkeeping of a file, not a domain record. What matters on the
trail is the export itself, recorded in the event log (``export.completed`` / ``export.refused``)
with who, which list, which filters and how many rows; the progress counter is written many
times a minute while a file is built and would only fill the history with noise.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX (Excel)"


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("File removed")


FINISHED_STATES = (ExportState.DONE, ExportState.FAILED, ExportState.EXPIRED)


def _upload_to(job: ExportJob, filename: str) -> str:
    return f"exports/{timezone.now():%Y/%m}/{filename}"


class ExportJob(models.Model):
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="export_jobs",
    )
    list_name = models.CharField(_("list"), max_length=40)
    criteria = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    language = models.CharField(_("language"), max_length=16)
    state = models.CharField(
        _("state"), max_length=12, choices=ExportState.choices, default=ExportState.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows to write"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=_upload_to, blank=True, max_length=200)
    error = models.CharField(_("error"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="export_requester_recent"),
            models.Index(fields=["state", "finished_at"], name="export_state_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.list_name} #{self.pk} ({self.format})"

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def percent(self) -> int:
        """How far the file has got, 0–100."""
        if self.state == ExportState.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)
