"""One function per business event of a job posting, each writing one row of the event log
(audit). The services call them inside their transaction; the ledger reads them back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import models

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record

from .models import Occupation, Posting


def _posting_event(
    action: str,
    posting: Posting,
    actor: User | None,
    *,
    old_values: Mapping[str, Any] | None = None,
    **values: Any,
) -> AuditEvent:
    return event_record(
        action=action,
        actor=actor,
        target=posting,
        market=posting.market,
        old_values=old_values,
        new_values={
            "case": posting.case.reference if posting.case else None,
            "status": posting.status,
            **values,
        },
    )


def _warnings(posting: Posting) -> list[str]:
    return [
        str(finding.get("phrase", ""))
        for finding in posting.screening_findings
        if finding.get("severity") == "warn"
    ]


def posting_taken_in_event(
    posting: Posting, actor: User, *, exceptions: Sequence[str]
) -> AuditEvent:
    return _posting_event(
        "posting.taken_in",
        posting,
        actor,
        occupation=posting.occupation.code,
        county=posting.county.code,
        headcount=posting.headcount,
        pay_daily=posting.pay_daily,
        screening_warnings=_warnings(posting),
        screening_exceptions=list(exceptions),
        screening_justification=posting.screening_justification,
    )


def posting_published_event(posting: Posting, actor: User) -> AuditEvent:
    return _posting_event("posting.published", posting, actor, published_at=posting.published_at)


def posting_returned_event(posting: Posting, actor: User, *, items: Sequence[str]) -> AuditEvent:
    return _posting_event("posting.returned_for_correction", posting, actor, items=list(items))


def _plain(value: Any) -> Any:
    """A related record by its code (occupation, county) or key, for the log."""
    if isinstance(value, models.Model):
        return getattr(value, "code", value.pk)
    return value


def _shown(posting: Posting, name: str) -> Any:
    """A field's value as the trail may keep it: the contact phone masked."""
    return posting.contact_phone_masked if name == "contact_phone" else getattr(posting, name)


def posting_resubmitted_event(
    posting: Posting, actor: User, *, changed: Mapping[str, Any]
) -> AuditEvent:
    return _posting_event(
        "posting.resubmitted",
        posting,
        actor,
        old_values={name: _plain(value) for name, value in changed.items()},
        **{name: _plain(_shown(posting, name)) for name in changed},
    )


def posting_rejected_event(posting: Posting, actor: User, *, reason: str) -> AuditEvent:
    return _posting_event("posting.rejected", posting, actor, reason=reason)


def posting_withdrawn_event(posting: Posting, actor: User, *, reason: str) -> AuditEvent:
    return _posting_event("posting.withdrawn", posting, actor, reason=reason)


def posting_filled_event(posting: Posting, actor: User, *, hired: int | None = None) -> AuditEvent:
    """Filled by an officer's word (``hired`` None), or automatically when the referrals hired
    for the posting reach its headcount (``hired``: how many; ``actor``: who recorded the last
    hire)."""
    return _posting_event(
        "posting.filled",
        posting,
        actor,
        old_values={"status": "published"},
        how="by_hand" if hired is None else "hired_out",
        headcount=posting.headcount,
        **({} if hired is None else {"hired": hired}),
    )


def posting_extended_event(posting: Posting, actor: User, *, old_end_date: date) -> AuditEvent:
    return _posting_event(
        "posting.extended",
        posting,
        actor,
        old_values={"end_date": old_end_date},
        end_date=posting.end_date,
    )


def posting_expired_event(posting: Posting) -> AuditEvent:
    return _posting_event("posting.expired", posting, None, end_date=posting.end_date)


def occupation_local_added_event(occupation: Occupation, actor: User) -> AuditEvent:
    """A market's own occupation (本市场工种) was added under a 中类."""
    return event_record(
        action="occupation.local_added",
        actor=actor,
        target=occupation,
        market=occupation.market,
        new_values={
            "code": occupation.code,
            "name": occupation.name,
            "aliases": occupation.aliases,
            "middle_group": occupation.middle_code,
        },
    )
