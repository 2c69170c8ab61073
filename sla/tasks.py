"""The sweep, every minute (Celery beat), and the delivery of each reminder. Thin and
idempotent: a task run twice, or after a crash, sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

from celery import Task, shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True, ignore_result=True)
def sla_sweep_task() -> int:
    return services.sla_sweep()


RETRY_BACKOFF_MAX = 600  # seconds


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def reminder_deliver_task(self: Task[[int], bool], reminder_id: int) -> bool:
    """Deliver one reminder; on failure retry after 1, 2, 4 … seconds (at most ten minutes),
    first extending the reminder's lease past the retry so the sweep does not queue a second
    task beside the one waiting to retry."""
    try:
        return services.reminder_deliver(reminder_id=reminder_id)
    except Exception as exc:
        countdown = min(2**self.request.retries, RETRY_BACKOFF_MAX)
        until = timezone.now() + timedelta(seconds=countdown) + services.QUEUE_LEASE
        services.reminder_lease_extend(reminder_id=reminder_id, until=until)
        raise self.retry(exc=exc, countdown=countdown) from exc
