"""Periodic housekeeping of the case engine (Celery beat). Thin and idempotent."""

from __future__ import annotations

from celery import shared_task

from .attachments import attachment_orphans_remove
from .retention import applicants_anonymise_due
from .submissions import form_submission_prune


@shared_task(acks_late=True, ignore_result=True)
def attachment_orphans_remove_task() -> int:
    """Stored files that no attachment row references, past the grace period."""
    return len(attachment_orphans_remove())


@shared_task(acks_late=True, ignore_result=True)
def form_submission_prune_task() -> int:
    """One-time form tokens older than a week."""
    return form_submission_prune()


@shared_task(acks_late=True, ignore_result=True)
def applicants_anonymise_due_task() -> int:
    """Persons whose last case ended more than LGSC_RETENTION_YEARS years ago."""
    return applicants_anonymise_due()
