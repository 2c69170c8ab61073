"""Periodic housekeeping of the inspections (Celery beat). Thin and idempotent."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def inspection_photo_orphans_remove_task() -> int:
    """Stored photos that no photo row refers to, past the grace period."""
    return len(services.inspection_photo_orphans_remove())
