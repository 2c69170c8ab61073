"""Reads of the platform link for the staff page."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from cases.models import Case
from workflows.postings.models import Posting
from workflows.seekers.flow import SEEKER_REGISTRATION
from workflows.seekers.models import SeekerProfile

from .models import FeedCursor, InboundRecord, OutboundMessage, RecordType


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


def outbound_list_for_markets(
    *, market_ids: Collection[int], written_before: datetime
) -> QuerySet[OutboundMessage]:
    """The outbox's messages about records of ``market_ids``, in the order they were written
    (each record's in its sequence order), whatever their delivery: a posting of one of the
    markets, a registration of a seeker registered at one of them. Only messages written
    before ``written_before``: a message whose transaction is still open when a reader passes
    it (its id is taken at insert) would otherwise be skipped by a reader's cursor."""
    ids = list(market_ids)
    of_posting = Exists(Posting.objects.filter(pk=OuterRef("record_id"), market_id__in=ids))
    of_registration = Exists(
        SeekerProfile.objects.filter(
            pk=OuterRef("record_id"),
            applicant_id__in=Case.objects.filter(
                kind=SEEKER_REGISTRATION.code, market_id__in=ids
            ).values("applicant_id"),
        )
    )
    messages: QuerySet[OutboundMessage] = (
        OutboundMessage.objects.filter(created_at__lt=written_before)
        .alias(of_posting=of_posting, of_registration=of_registration)
        .filter(
            Q(record_type=RecordType.POSTING, of_posting=True)
            | Q(record_type=RecordType.REGISTRATION, of_registration=True)
        )
        .order_by("pk")
    )
    return messages
