"""One function per business event of the satisfaction ratings, each writing one row of the
event log (audit) inside the service's transaction. The applicant is named by the case's
reference only; a rating given by the applicant on a public page has no actor (the channel
says where it came from)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from audit.models import AuditEvent
from audit.services import TargetRef, event_record

from .models import Rating, Rectification


def rating_recorded_event(
    rating: Rating, actor: User | None, *, ip_address: str | None = None
) -> AuditEvent:
    return event_record(
        action="rating.recorded",
        actor=actor,
        target=rating,
        market=rating.market,
        new_values={
            "case": rating.case.reference,
            "level": rating.level,
            "channel": rating.channel,
            "officer_id": rating.officer_id,
            "kind": rating.kind,
            "comment": rating.comment,
        },
        ip_address=ip_address,
    )


def rating_link_refused_event(*, reason: str, ip_address: str | None) -> AuditEvent:
    """A rating link that was tampered with, expired or used already (no case is trusted from
    a refused link, so the event names none)."""
    return event_record(
        action="rating.link_refused",
        target=TargetRef(type="ratings.ratinglink", id="", label=reason),
        new_values={"reason": reason},
        ip_address=ip_address,
        success=False,
    )


def _rectification_event(
    action: str, rectification: Rectification, actor: User, **values: Any
) -> AuditEvent:
    return event_record(
        action=action,
        actor=actor,
        target=rectification.case,
        market=rectification.case.market,
        new_values={
            "reference": rectification.case.reference,
            "rated_case": rectification.rating.case.reference,
            **values,
        },
    )


def rectification_opened_event(rectification: Rectification, actor: User) -> AuditEvent:
    return _rectification_event(
        "rectification.opened",
        rectification,
        actor,
        level=rectification.rating.level,
        owner_id=rectification.case.owner_id,
    )


def rectification_visit_recorded_event(rectification: Rectification, actor: User) -> AuditEvent:
    assert rectification.visited_on is not None  # noqa: S101 - recorded just before
    return _rectification_event(
        "rectification.visit_recorded",
        rectification,
        actor,
        visited_on=rectification.visited_on.isoformat(),
        outcome=rectification.visit_outcome,
    )


def rectification_closed_event(rectification: Rectification, actor: User) -> AuditEvent:
    return _rectification_event(
        "rectification.closed", rectification, actor, outcome=rectification.case.outcome
    )
