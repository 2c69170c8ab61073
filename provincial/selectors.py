"""Reads of the platform link for the staff page."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import FeedCursor, InboundRecord, OutboundMessage


def outbound_status_counts() -> dict[str, int]:
    """Messages per status, every status named (zero when none)."""
    counts = dict.fromkeys(OutboundMessage.Status.values, 0)
    for row in OutboundMessage.objects.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def dead_letter_list() -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(status=OutboundMessage.Status.DEAD).order_by("id")


def inbound_refused_list() -> QuerySet[InboundRecord]:
    return InboundRecord.objects.filter(outcome=InboundRecord.Outcome.REFUSED).order_by(
        "-updated_at", "-id"
    )


def feed_cursor_list() -> QuerySet[FeedCursor]:
    return FeedCursor.objects.order_by("feed")
