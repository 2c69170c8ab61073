"""Building export files in a worker, and removing old ones (Celery beat). Thin: ids in, one
service each; both safe to run again."""

from __future__ import annotations

from celery import shared_task

from .services import export_build, export_files_purge


@shared_task(name="exports.tasks.export_build_task", acks_late=True, ignore_result=True)
def export_build_task(job_id: int) -> str:
    """Build one export's file; a finished job is left as it is."""
    return str(export_build(job_id=job_id).state)


@shared_task(name="exports.tasks.export_files_purge_task", acks_late=True, ignore_result=True)
def export_files_purge_task() -> int:
    """Remove the files of exports older than EXPORT_FILE_DAYS days."""
    return export_files_purge()
