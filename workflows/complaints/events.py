"""One function per business event of a complaint, each writing one row of the event log
(audit). The services call them inside their transaction; the ledger reads them back. The
complainant's identity is never written here: the case (and its applicant) is named by its
reference only."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record

from .models import Complaint, InspectionReferral


def _complaint_event(action: str, complaint: Complaint, actor: User, **values: Any) -> AuditEvent:
    return event_record(
        action=action,
        actor=actor,
        target=complaint,
        market=complaint.case.market,
        new_values={
            "case": complaint.case.reference,
            "category": complaint.category,
            "status": complaint.status,
            **values,
        },
    )


def complaint_filed_event(complaint: Complaint, actor: User) -> AuditEvent:
    return _complaint_event(
        "complaint.filed",
        complaint,
        actor,
        anonymous=complaint.anonymous,
        posting_id=complaint.posting_id,
        employer_id=complaint.employer_id,
    )


def complaint_accepted_event(complaint: Complaint, actor: User) -> AuditEvent:
    return _complaint_event("complaint.accepted", complaint, actor)


def complaint_declined_event(complaint: Complaint, actor: User) -> AuditEvent:
    return _complaint_event("complaint.declined", complaint, actor, reason=complaint.decline_reason)


def complaint_referred_event(referral: InspectionReferral, actor: User) -> AuditEvent:
    return _complaint_event(
        "complaint.referred",
        referral.complaint,
        actor,
        referral_id=referral.pk,
        authority=referral.authority,
    )


def complaint_referral_updated_event(
    referral: InspectionReferral, actor: User, *, old_status: str
) -> AuditEvent:
    return event_record(
        action="complaint.referral_updated",
        actor=actor,
        target=referral.complaint,
        market=referral.complaint.case.market,
        old_values={"referral_status": old_status},
        new_values={
            "case": referral.complaint.case.reference,
            "referral_id": referral.pk,
            "referral_status": referral.status,
            "inspection_reference": referral.inspection_reference,
            "outcome": referral.outcome,
            "note": referral.last_note,
        },
    )


def complaint_posting_suspended_event(complaint: Complaint, actor: User) -> AuditEvent:
    return _complaint_event(
        "complaint.posting_suspended", complaint, actor, posting_id=complaint.posting_id
    )


def complaint_resolved_event(complaint: Complaint, actor: User) -> AuditEvent:
    return _complaint_event("complaint.resolved", complaint, actor, outcome=complaint.case.outcome)


def complaint_satisfaction_recorded_event(complaint: Complaint, actor: User) -> AuditEvent:
    return _complaint_event(
        "complaint.satisfaction_recorded",
        complaint,
        actor,
        satisfaction=complaint.satisfaction,
    )
