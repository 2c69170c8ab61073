"""Delivering the outbox (the sweep is scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import Task, shared_task
from django.utils import timezone

from .models import OutboxMessage
from .services import outbox_attempt, outbox_requeue_due


@shared_task(
    bind=True,
    name="notifications.tasks.outbox_deliver_task",
    acks_late=True,
    max_retries=None,  # the message's own attempt limit ends the retries
)
def outbox_deliver_task(self: Task, message_id: int) -> str:
    """Send one outbox message; safe to run any number of times (see ``outbox_attempt``).

    After a failed attempt that left the message pending, the task retries itself when the
    message is due again. A run that found nothing to do does not retry: whichever run made
    the last attempt owns the retries, so duplicates from the sweep die out. In eager mode
    (and when called directly) no time passes between retries, so it does not retry there;
    the sweep picks the message up when it is due.
    """
    result = outbox_attempt(message_id=message_id)
    message = result.message
    if (
        result.attempted
        and message.status == OutboxMessage.Status.PENDING
        and message.next_attempt_at is not None
        and not (self.request.is_eager or self.request.called_directly)
    ):
        wait = (message.next_attempt_at - timezone.now()).total_seconds()
        raise self.retry(countdown=max(wait, 1))
    return str(message.status)


@shared_task(name="notifications.tasks.outbox_sweep_task")
def outbox_sweep_task() -> int:
    """Queue delivery of every pending message that is due and whose task is presumed lost
    (a crashed worker, a broker outage); a message whose task is on its way is left alone.
    Returns how many it queued."""
    return len(outbox_requeue_due())
