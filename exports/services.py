"""Exporting a list to a file (导出): request it, build it (in the request when it is small, in a
Celery worker otherwise), and remove old files.

- ``export_request``: refuses, with a ``export.refused`` event, a list the user may not export;
  otherwise makes the job. A list of at most ``EXPORT_INLINE_MAX_ROWS`` rows is built at once;
  a longer one is handed to a worker when the job is committed.
- ``export_build``: writes the file chunk by chunk, reporting its progress on the job as it
  goes (outside any transaction, so the page that polls sees it), then stores the file and
  records ``export.completed`` with the row count. Safe to run again: a finished job is left
  as it is; one that was cut off (a worker killed) starts again from the first row.
- ``export_files_purge``: removes the files older than ``EXPORT_FILE_DAYS`` days.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from cases.storage import storage_guard
from readreplica import reading_from_replica

from .events import export_completed_event, export_refused_event
from .files import list_write
from .lists import ExportableList, export_list_get
from .models import ExportFormat, ExportJob, ExportState
from .selectors import export_job_list_with_old_files

logger = logging.getLogger(__name__)

DEFAULT_INLINE_MAX_ROWS = 2000
DEFAULT_FILE_DAYS = 7


def inline_max_rows() -> int:
    """Lists up to this many rows are built in the request; longer ones by a worker."""
    return int(getattr(settings, "EXPORT_INLINE_MAX_ROWS", DEFAULT_INLINE_MAX_ROWS))


def file_days() -> int:
    """How many days a finished export's file is kept."""
    return int(getattr(settings, "EXPORT_FILE_DAYS", DEFAULT_FILE_DAYS))


def export_request(
    *,
    actor: User,
    export_list: ExportableList,
    criteria: Mapping[str, Any],
    fmt: str,
    ip_address: str | None = None,
) -> ExportJob:
    """Make an export job of ``export_list`` filtered by ``criteria``, for ``actor``.

    Raises PermissionDenied, after recording ``export.refused``, when ``actor`` may not export
    this list with these filters (a market they do not supervise, an officer)."""
    if fmt not in ExportFormat.values:
        raise ValueError(f"unknown export format {fmt!r}")
    if not export_list.allowed(actor, criteria):
        with transaction.atomic():
            export_refused_event(
                actor=actor,
                list_name=export_list.name,
                criteria=criteria,
                fmt=fmt,
                market_id=export_list.market_id(criteria),
                ip_address=ip_address,
            )
        raise PermissionDenied(_("You may not export this list."))
    with transaction.atomic():
        job = ExportJob.objects.create(
            requester=actor,
            list_name=export_list.name,
            criteria=dict(criteria),
            format=fmt,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            rows_total=export_list.rows(actor, criteria).count(),
            ip_address=ip_address,
        )
        inline = job.rows_total <= inline_max_rows()
        if not inline:
            transaction.on_commit(partial(_build_later, job.pk))
    if inline:
        return export_build(job_id=job.pk)
    return job


def _build_later(job_id: int) -> None:
    from .tasks import export_build_task  # the tasks module imports this one

    export_build_task.delay(job_id)


def _progress(job_id: int, rows: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(rows_done=rows)


def _fail(job: ExportJob, reason: str) -> ExportJob:
    job.state = ExportState.FAILED
    job.error = reason[:200]
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "error", "finished_at"])
    return job


def export_build(*, job_id: int) -> ExportJob:
    """Build the job's file (see the module's docstring); returns the job as it ends."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("requester").get(pk=job_id)
        if job.is_finished:
            return job
        job.state = ExportState.RUNNING
        job.started_at = timezone.now()
        job.rows_done = 0
        job.save(update_fields=["state", "started_at", "rows_done"])
    export_list = export_list_get(job.list_name)
    if export_list is None:
        return _fail(job, f"unknown list {job.list_name!r}")
    if not export_list.allowed(job.requester, job.criteria):
        # The requester's role was taken away since they asked.
        return _fail(job, "the requester may no longer export this list")
    try:
        with translation.override(job.language), tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"export.{job.format}"
            # The rows (the heavy read) from the read replica when there is one; the job's own
            # row was read above from the primary, and every write goes there.
            with reading_from_replica():
                rows = export_list.rows(job.requester, job.criteria)
                job.rows_total = rows.count()
                job.save(update_fields=["rows_total"])
                written = list_write(
                    export_list,
                    rows,
                    path=path,
                    fmt=job.format,
                    progress=partial(_progress, job.pk),
                )
            stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
            with transaction.atomic(), path.open("rb") as content:
                name = f"{job.list_name}-{stamp}-{job.pk}.{job.format}"
                job.file.save(name, File(content), save=False)
                job.state = ExportState.DONE
                job.rows_done = written
                job.rows_total = written
                job.finished_at = timezone.now()
                job.save(update_fields=["file", "state", "rows_done", "rows_total", "finished_at"])
                export_completed_event(job=job, market_id=export_list.market_id(job.criteria))
    except Exception as error:
        logger.exception("export %s failed", job.pk)
        if job.file:
            job.file.delete(save=False)
        return _fail(job, f"{type(error).__name__}: {error}")
    return job


def export_files_purge(*, now: datetime | None = None) -> int:
    """Remove the files of exports finished more than ``EXPORT_FILE_DAYS`` days ago; their
    jobs stay, marked "file removed". Returns how many files were removed."""
    before = (now or timezone.now()) - timedelta(days=file_days())
    removed = 0
    for job in export_job_list_with_old_files(finished_before=before).iterator():
        # A store out of reach stops the run (StorageUnavailable); the next run goes on.
        with storage_guard("delete", job.file.name):
            job.file.delete(save=False)
        job.state = ExportState.EXPIRED
        job.save(update_fields=["file", "state"])
        removed += 1
    if removed:
        logger.info("removed %s export files older than %s days", removed, file_days())
    return removed
