"""One function per business event of a public-welfare job application, each writing one row
of the event log in the service's transaction. Seeker and posting by id, never personal data."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record

from .models import Application, Placement


def _application_event(
    action: str, application: Application, actor: User, **values: Any
) -> AuditEvent:
    return event_record(
        action=action,
        actor=actor,
        target=application,
        market=application.market,
        new_values={
            "case": application.case.reference,
            "seeker_id": application.seeker_id,
            "posting_id": application.posting_id,
            "status": application.status,
            **values,
        },
    )


def welfare_applied_event(application: Application, actor: User) -> AuditEvent:
    return _application_event(
        "welfare.applied",
        application,
        actor,
        categories_matched=list(application.categories_matched),
    )


def welfare_approved_event(application: Application, actor: User) -> AuditEvent:
    return _application_event(
        "welfare.approved", application, actor, note=application.decision_note
    )


def welfare_declined_event(application: Application, actor: User) -> AuditEvent:
    return _application_event(
        "welfare.declined", application, actor, reason=application.decision_note
    )


def welfare_placed_event(placement: Placement, actor: User) -> AuditEvent:
    return _application_event(
        "welfare.placed",
        placement.application,
        actor,
        placement_id=placement.pk,
        starts_on=placement.starts_on,
        subsidy_months=placement.subsidy_months,
        subsidy_ends_on=placement.subsidy_ends_on,
        subsidy_monthly_amount=placement.subsidy_monthly_amount,
    )


def placement_ended_event(placement: Placement, actor: User) -> AuditEvent:
    return event_record(
        action="welfare.placement_ended",
        actor=actor,
        target=placement,
        market=placement.market,
        old_values={"ended_on": None},
        new_values={
            "placement_id": placement.pk,
            "seeker_id": placement.seeker_id,
            "posting_id": placement.posting_id,
            "ended_on": placement.ended_on,
            "end_reason": placement.end_reason,
        },
    )
