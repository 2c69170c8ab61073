"""Reading notifications and the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import BooleanField, Count, ExpressionWrapper, Min, Q, QuerySet

from accounts.models import User

from .models import Notification, OutboxMessage


def notification_list_unread(*, recipient: User) -> QuerySet[Notification]:
    """``recipient``'s unread notifications, newest first."""
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).order_by(
        "-created_at", "-id"
    )


# The number on the bell is kept in the shared cache, for a minute at most, and dropped when a
# notification of its recipient is written or deleted (``notifications.receivers``): a page
# does not count them on every request.
UNREAD_KEPT_SECONDS = 60


def unread_count_key(recipient_id: int) -> str:
    return f"notifications:unread:{recipient_id}"


def notification_unread_count(*, recipient: User) -> int:
    """How many notifications ``recipient`` has not read (the number on the bell)."""
    key = unread_count_key(recipient.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_KEPT_SECONDS)
    return int(count)


def outbox_list_due(*, now: datetime) -> QuerySet[OutboxMessage]:
    """Pending messages whose (next) attempt is due at ``now`` and whose delivery task, if one
    was queued, is presumed lost (its lease ran out), the longest waiting first."""
    return (
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(queued_until__isnull=True) | Q(queued_until__lte=now))
        .order_by("next_attempt_at", "id")
    )


def notification_list_for(*, recipient: User) -> QuerySet[Notification]:
    """All of ``recipient``'s notifications: unread first, newest first within each."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    notifications: QuerySet[Notification] = (
        Notification.objects.filter(recipient=recipient)
        .alias(unread=unread)
        .order_by("-unread", "-created_at", "-pk")
    )
    return notifications


@dataclass(frozen=True)
class OutboxFigures:
    """The outbox for the operators' metrics: messages still to send, messages given up
    (dead letters), and when the oldest still to send was queued."""

    pending: int
    failed: int
    oldest_pending_at: datetime | None


def outbox_figures() -> OutboxFigures:
    """One query, through the (status, next_attempt_at) index."""
    pending = Q(status=OutboxMessage.Status.PENDING)
    failed = Q(status=OutboxMessage.Status.FAILED)
    row = OutboxMessage.objects.filter(pending | failed).aggregate(
        pending=Count("pk", filter=pending),
        failed=Count("pk", filter=failed),
        oldest=Min("created_at", filter=pending),
    )
    return OutboxFigures(
        pending=row["pending"], failed=row["failed"], oldest_pending_at=row["oldest"]
    )
