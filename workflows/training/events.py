"""One function per business event of training (standard art. 21–22), each writing one row of
the event log in the service's transaction. The values name the seeker's profile, the
programme and the case by id or reference, never personal data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record
from markets.models import Market

from .models import Programme, Provider, TrainingReferral, TrainingWish


def provider_saved_event(
    provider: Provider, actor: User, *, market: Market, old_values: Mapping[str, Any] | None
) -> AuditEvent:
    return event_record(
        action="training.provider_saved",
        actor=actor,
        target=provider,
        market=market,
        old_values=old_values,
        new_values={
            "provider_id": provider.pk,
            "name": provider.name,
            "credit_code": provider.credit_code,
            "is_active": provider.is_active,
        },
    )


def programme_saved_event(
    programme: Programme, actor: User, *, old_values: Mapping[str, Any] | None
) -> AuditEvent:
    return event_record(
        action="training.programme_saved",
        actor=actor,
        target=programme,
        market=programme.market,
        old_values=old_values,
        new_values={
            "programme_id": programme.pk,
            "provider_id": programme.provider_id,
            "title": programme.title,
            "capacity": programme.capacity,
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
            "is_published": programme.is_published,
        },
    )


def _referral_event(
    action: str, referral: TrainingReferral, actor: User, *, old: str | None, **values: Any
) -> AuditEvent:
    return event_record(
        action=action,
        actor=actor,
        target=referral,
        market=referral.market,
        old_values=None if old is None else {"state": old},
        new_values={
            "case": referral.case.reference,
            "referral_id": referral.pk,
            "seeker_id": referral.seeker_id,
            "programme_id": referral.programme_id,
            "state": referral.state,
            **values,
        },
    )


def training_referred_event(referral: TrainingReferral, actor: User) -> AuditEvent:
    return _referral_event("training.referred", referral, actor, old=None)


def training_enrolled_event(referral: TrainingReferral, actor: User, *, old: str) -> AuditEvent:
    return _referral_event("training.enrolled", referral, actor, old=old)


def training_completed_event(referral: TrainingReferral, actor: User, *, old: str) -> AuditEvent:
    return _referral_event("training.completed", referral, actor, old=old)


def training_dropped_event(
    referral: TrainingReferral, actor: User, *, old: str, reason: str
) -> AuditEvent:
    return _referral_event("training.dropped", referral, actor, old=old, reason=reason)


def training_wish_recorded_event(wish: TrainingWish, actor: User) -> AuditEvent:
    return event_record(
        action="training.wish_recorded",
        actor=actor,
        target=wish,
        market=wish.market,
        new_values={
            "wish_id": wish.pk,
            "seeker_id": wish.seeker_id,
            "occupation": wish.occupation.code,
        },
    )


def training_report_exported_event(
    actor: User, *, market: Market | None, scope: str, start: str, end: str, rows: int
) -> AuditEvent:
    return event_record(
        action="training.report_exported",
        actor=actor,
        market=market,
        new_values={"scope": scope, "start": start, "end": end, "rows": rows, "format": "csv"},
    )
