"""The daily expiry of postings past their last working day (Celery beat). Thin and
idempotent: run twice, or late after an outage, each posting expires once."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def posting_expire_due_task() -> int:
    return services.posting_expire_due()
