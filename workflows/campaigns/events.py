"""One function per business event of a campaign, each writing one row of the event log in
the service's transaction (employers, postings and seekers by id)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record

from .models import Campaign


def _event(
    action: str,
    campaign: Campaign,
    actor: User,
    *,
    old_values: Mapping[str, Any] | None = None,
    **values: Any,
) -> AuditEvent:
    return event_record(
        action=action,
        actor=actor,
        target=campaign,
        market=campaign.market,
        old_values=old_values,
        new_values={"campaign_id": campaign.pk, **values},
    )


def campaign_created_event(campaign: Campaign, actor: User) -> AuditEvent:
    return _event(
        "campaign.created",
        campaign,
        actor,
        name=campaign.name,
        kind=campaign.kind,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
    )


def campaign_employer_added_event(
    campaign: Campaign, actor: User, *, employer_id: int, booth: str
) -> AuditEvent:
    return _event("campaign.employer_added", campaign, actor, employer_id=employer_id, booth=booth)


def campaign_posting_linked_event(
    campaign: Campaign, actor: User, *, posting_id: int
) -> AuditEvent:
    return _event("campaign.posting_linked", campaign, actor, posting_id=posting_id)


def campaign_attendance_recorded_event(
    campaign: Campaign,
    actor: User,
    *,
    day: Any,
    headcount: int | None,
    seeker_id: int | None,
    old_headcount: int | None,
) -> AuditEvent:
    return _event(
        "campaign.attendance_recorded",
        campaign,
        actor,
        old_values={"headcount": old_headcount} if old_headcount is not None else None,
        day=day,
        headcount=headcount,
        seeker_id=seeker_id,
    )


def campaign_outcome_recorded_event(
    campaign: Campaign, actor: User, *, outcome_id: int, intentions: int, hired: int
) -> AuditEvent:
    return _event(
        "campaign.outcome_recorded",
        campaign,
        actor,
        outcome_id=outcome_id,
        intentions=intentions,
        hired=hired,
    )
