"""The platform link's tasks (scheduled in settings.CELERY_BEAT_SCHEDULE): thin, idempotent."""

from __future__ import annotations

from celery import shared_task

from .inbound import inbound_pull
from .services import outbound_deliver


@shared_task(name="provincial.tasks.outbound_deliver_task", acks_late=True)
def outbound_deliver_task() -> int:
    """Deliver what is due (every worker may run it at once); returns how many were
    delivered. The beat runs it every half minute, which also retries and takes up the messages
    of a worker that died (their lease ran out)."""
    return outbound_deliver().delivered


@shared_task(name="provincial.tasks.inbound_pull_task")
def inbound_pull_task() -> int:
    """Import the platform's feed from the stored cursor; returns how many items were read."""
    return inbound_pull().items
