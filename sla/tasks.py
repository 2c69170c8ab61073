"""The sweep, every minute (Celery beat), and the delivery of each reminder. Thin and
idempotent: a task run twice, or after a crash, sends nothing twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def sla_sweep_task() -> int:
    return services.sla_sweep()


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=None,
)
def reminder_deliver_task(reminder_id: int) -> bool:
    return services.reminder_deliver(reminder_id=reminder_id)
