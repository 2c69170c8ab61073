"""One function per business event of matching and referral, each writing one row of the event
log in the service's transaction. The values name the referral, the seeker's profile and the
posting by id, never personal data; the referral's history keeps its notes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record

from .models import (
    GuidanceCase,
    GuidanceReferral,
    GuidanceSession,
    Referral,
    Room,
    RoomBooking,
)


def referral_recorded_event(referral: Referral, actor: User) -> AuditEvent:
    return event_record(
        action="guidance.referred",
        actor=actor,
        target=referral,
        market=referral.market,
        new_values={
            "referral_id": referral.pk,
            "seeker_id": referral.seeker_id,
            "posting_id": referral.posting_id,
            "score": referral.score,
            "outcome": referral.outcome,
        },
    )


def referral_outcome_set_event(referral: Referral, actor: User, *, old: str) -> AuditEvent:
    return event_record(
        action="guidance.referral_outcome",
        actor=actor,
        target=referral,
        market=referral.market,
        old_values={"outcome": old},
        new_values={
            "referral_id": referral.pk,
            "seeker_id": referral.seeker_id,
            "posting_id": referral.posting_id,
            "outcome": referral.outcome,
        },
    )


# --- Career guidance (art. 17) and rooms (art. 6) ----------------------------------------------
# The case's own events (opened, resolved, closed) are the engine's; these name what guidance
# adds. Notes and advice are in the session's history, not in the log.


def guidance_opened_event(guidance: GuidanceCase, actor: User) -> AuditEvent:
    return event_record(
        action="guidance.opened",
        actor=actor,
        target=guidance.case,
        market=guidance.case.market,
        new_values={
            "case": guidance.case.reference,
            "seeker_id": guidance.seeker_id,
            "channel": guidance.case.channel,
        },
    )


def guidance_session_recorded_event(session: GuidanceSession, actor: User) -> AuditEvent:
    case = session.guidance.case
    return event_record(
        action="guidance.session_recorded",
        actor=actor,
        target=case,
        market=case.market,
        new_values={
            "case": case.reference,
            "session_id": session.pk,
            "held_at": session.held_at.isoformat(),
        },
    )


def guidance_referral_linked_event(link: GuidanceReferral, actor: User) -> AuditEvent:
    case = link.guidance.case
    return event_record(
        action="guidance.case_referral",
        actor=actor,
        target=case,
        market=case.market,
        new_values={
            "case": case.reference,
            "referral_id": link.referral_id,
            "posting_id": link.referral.posting_id,
            "session_id": link.session_id,
        },
    )


def guidance_closed_event(
    guidance: GuidanceCase, actor: User, *, sessions: int, referrals: int, hired: int
) -> AuditEvent:
    case = guidance.case
    return event_record(
        action="guidance.closed",
        actor=actor,
        target=case,
        market=case.market,
        new_values={
            "case": case.reference,
            "sessions": sessions,
            "referrals": referrals,
            "hired": hired,
        },
    )


def _booking_values(booking: RoomBooking) -> dict[str, Any]:
    return {
        "booking_id": booking.pk,
        "room_id": booking.room_id,
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
        "case_id": booking.case_id,
    }


def room_booked_event(booking: RoomBooking, actor: User) -> AuditEvent:
    return event_record(
        action="guidance.room_booked",
        actor=actor,
        target=booking,
        market=booking.room.market,
        new_values=_booking_values(booking),
    )


def room_booking_cancelled_event(booking: RoomBooking, actor: User) -> AuditEvent:
    return event_record(
        action="guidance.room_booking_cancelled",
        actor=actor,
        target=booking,
        market=booking.room.market,
        old_values={"cancelled_at": None},
        new_values={**_booking_values(booking), "cancelled_at": str(booking.cancelled_at)},
    )


def _room_values(room: Room) -> dict[str, Any]:
    return {
        "room_id": room.pk,
        "name": room.name,
        "kind": room.kind,
        "capacity": room.capacity,
        "is_active": room.is_active,
    }


def room_created_event(room: Room, actor: User) -> AuditEvent:
    return event_record(
        action="guidance.room_created",
        actor=actor,
        target=room,
        market=room.market,
        new_values=_room_values(room),
    )


def room_updated_event(room: Room, actor: User, *, old: Mapping[str, Any]) -> AuditEvent:
    """Old and new values of what changed."""
    new = _room_values(room)
    changed = [name for name, value in old.items() if new.get(name) != value]
    return event_record(
        action="guidance.room_updated",
        actor=actor,
        target=room,
        market=room.market,
        old_values={name: old[name] for name in changed},
        new_values={"room_id": room.pk, **{name: new[name] for name in changed}},
    )
