"""The outbox's writers: synchronous receivers of the postings' and seekers' signals. They run
inside the transaction of the change (the services send the signals there), so a change and its
message are committed, or rolled back, together."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from markets.models import Market
from workflows.postings.models import Posting
from workflows.postings.signals import posting_changed, postings_changed
from workflows.seekers.models import SeekerProfile
from workflows.seekers.signals import seeker_registered

from .models import RecordType
from .payloads import posting_payload, registration_payload
from .services import OutboundWrite, outbound_write, outbound_write_many


def _goes_out(posting: Posting) -> bool:
    """Every change of a posting that was published goes out (the platform never saw one that
    was not: a posting refused or withdrawn in review stays ours)."""
    return posting.published_at is not None


@receiver(posting_changed, dispatch_uid="provincial_posting_changed")
def posting_changed_to_outbox(sender: Any, *, posting: Posting, change: str, **kwargs: Any) -> None:
    if not _goes_out(posting):
        return
    outbound_write(
        record_type=RecordType.POSTING,
        record_id=posting.pk,
        change=change,
        payload=posting_payload(posting),
    )


@receiver(postings_changed, dispatch_uid="provincial_postings_changed")
def postings_changed_to_outbox(
    sender: Any, *, postings: list[Posting], change: str, **kwargs: Any
) -> None:
    """``posting_changed_to_outbox`` for many postings (the bulk intake), written together."""
    outbound_write_many(
        [
            OutboundWrite(
                record_type=RecordType.POSTING,
                record_id=posting.pk,
                change=change,
                payload=posting_payload(posting),
            )
            for posting in postings
            if _goes_out(posting)
        ]
    )


@receiver(seeker_registered, dispatch_uid="provincial_seeker_registered")
def seeker_registered_to_outbox(
    sender: Any,
    *,
    seeker: SeekerProfile,
    market: Market,
    created: bool,
    changed: list[str],
    **kwargs: Any,
) -> None:
    """A registration goes out only with the seeker's consent; withdrawing it sends one last
    message (the pseudonym only) so the platform drops what it holds."""
    if seeker.platform_consent:
        change = "registered" if created or "platform_consent" in changed else "updated"
    elif "platform_consent" in changed:
        change = "consent_withdrawn"
    else:
        return
    outbound_write(
        record_type=RecordType.REGISTRATION,
        record_id=seeker.pk,
        change=change,
        payload=registration_payload(seeker, market_region=market.region.code),
    )
