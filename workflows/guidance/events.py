"""One function per business event of matching and referral, each writing one row of the event
log in the service's transaction. The values name the referral, the seeker's profile and the
posting by id, never personal data; the referral's history keeps its notes."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record

from .models import Referral


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
