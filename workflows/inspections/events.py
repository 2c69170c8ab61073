"""One function per business event of the facilities and inspections, each writing one row of
the event log (audit) inside the service's transaction, with old and new values."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record

from .models import FacilityProfile, FacilityRectification, Inspection


def facility_profile_changed_event(
    profile: FacilityProfile, actor: User, *, old: dict[str, Any], new: dict[str, Any]
) -> AuditEvent:
    return event_record(
        action="facility.profile_changed",
        actor=actor,
        target=profile,
        market=profile.market,
        old_values=old or None,
        new_values=new,
    )


def inspection_recorded_event(
    inspection: Inspection, actor: User, *, results: dict[str, str], photos: int
) -> AuditEvent:
    return event_record(
        action="inspection.recorded",
        actor=actor,
        target=inspection,
        market=inspection.market,
        new_values={
            "visited_on": inspection.visited_on.isoformat(),
            "results": results,
            "photos": photos,
        },
    )


def _rectification_event(
    action: str, rectification: FacilityRectification, actor: User, **values: Any
) -> AuditEvent:
    return event_record(
        action=action,
        actor=actor,
        target=rectification.case,
        market=rectification.case.market,
        new_values={
            "reference": rectification.case.reference,
            "inspection_id": rectification.item.inspection_id,
            "item": rectification.item.code,
            **values,
        },
    )


def facility_rectification_opened_event(
    rectification: FacilityRectification, actor: User
) -> AuditEvent:
    return _rectification_event(
        "facility_rectification.opened",
        rectification,
        actor,
        owner_id=rectification.case.owner_id,
    )


def facility_rectification_reported_event(
    rectification: FacilityRectification, actor: User
) -> AuditEvent:
    return _rectification_event(
        "facility_rectification.reported",
        rectification,
        actor,
        outcome=rectification.case.outcome,
    )


def facility_rectification_closed_event(
    rectification: FacilityRectification, actor: User, *, old_state: str
) -> AuditEvent:
    return event_record(
        action="facility_rectification.closed",
        actor=actor,
        target=rectification.case,
        market=rectification.case.market,
        old_values={"state": old_state},
        new_values={
            "reference": rectification.case.reference,
            "item": rectification.item.code,
            "state": rectification.case.state,
            "check_note": rectification.check_note,
        },
    )
