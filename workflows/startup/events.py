"""One function per business event of start-up help, each writing one row of the event log in
the service's transaction. Notes are not copied into the log: the records' history keeps them."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record
from cases.models import Case

from .models import LoanPreCheck, StartupService


def startup_opened_event(case: Case, actor: User) -> AuditEvent:
    return event_record(
        action="startup.opened",
        actor=actor,
        target=case,
        market=case.market,
        new_values={"reference": case.reference, "applicant_id": case.applicant_id},
    )


def startup_item_recorded_event(service: StartupService, actor: User, old: str) -> AuditEvent:
    return event_record(
        action="startup.item_recorded",
        actor=actor,
        target=service.case,
        market=service.case.market,
        old_values={"outcome": old},
        new_values={
            "reference": service.case.reference,
            "item": service.item,
            "outcome": service.outcome,
        },
    )


def loan_prechecked_event(check: LoanPreCheck, actor: User) -> AuditEvent:
    return event_record(
        action="startup.loan_prechecked",
        actor=actor,
        target=check.case,
        market=check.case.market,
        new_values={
            "reference": check.case.reference,
            "precheck_id": check.pk,
            "borrower_kind": check.borrower_kind,
            "amount": str(check.amount),
            "limit": str(check.limit.max_amount),
            "result": check.result,
            "missing": list(check.missing),
            "failed": list(check.failed),
            "notice_id": check.notice_id,
        },
    )


def startup_closed_event(case: Case, actor: User) -> AuditEvent:
    return event_record(
        action="startup.closed",
        actor=actor,
        target=case,
        market=case.market,
        new_values={"reference": case.reference},
    )
