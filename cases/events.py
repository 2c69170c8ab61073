"""One function per business event of the case engine, each writing one row of the event log
(audit). The services call them inside their transaction; the ledger reads them back."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from accounts.models import User
from audit.models import AuditEvent
from audit.services import TargetRef, event_record
from markets.models import Absence, Market

from .models import (
    Applicant,
    Case,
    CaseAttachment,
    SingleNotice,
    SingleNoticeBreach,
    Transfer,
)


def _case_event(action: str, case: Case, actor: User, **values: Any) -> AuditEvent:
    return event_record(
        action=action,
        actor=actor,
        target=case,
        market=case.market,
        new_values={"reference": case.reference, "state": case.state, **values},
    )


def case_opened_event(case: Case, actor: User) -> AuditEvent:
    return _case_event("case.opened", case, actor, kind=case.kind, channel=case.channel)


def case_claimed_event(case: Case, actor: User) -> AuditEvent:
    return _case_event("case.claimed", case, actor)


def case_transferred_event(
    transfer: Transfer, actor: User, *, covering: Absence | None = None
) -> AuditEvent:
    """``covering``: the absence (AB岗) that sent the transfer to the deputy instead of the
    officer it was meant for; its values name both."""
    cover: dict[str, Any] = {}
    if covering is not None:
        cover = {
            "meant_for_user_id": covering.officer_id,
            "meant_for": str(covering.officer),
            "absence_id": covering.pk,
            "absence_ends_on": covering.ends_on.isoformat(),
        }
    return _case_event(
        "case.transferred",
        transfer.case,
        actor,
        to_market_id=transfer.to_market_id,
        to_user_id=transfer.to_user_id,
        reason=transfer.reason,
        **cover,
    )


def case_transfer_accepted_event(transfer: Transfer, actor: User) -> AuditEvent:
    return _case_event(
        "case.transfer_accepted", transfer.case, actor, from_user_id=transfer.from_user_id
    )


def case_transfer_declined_event(transfer: Transfer, actor: User) -> AuditEvent:
    return _case_event(
        "case.transfer_declined", transfer.case, actor, reason=transfer.decline_reason
    )


def case_materials_requested_event(
    notice: SingleNotice, actor: User, item_count: int
) -> AuditEvent:
    return _case_event(
        "case.materials_requested", notice.case, actor, notice_id=notice.pk, item_count=item_count
    )


def case_materials_received_event(case: Case, actor: User, item_count: int) -> AuditEvent:
    return _case_event("case.materials_received", case, actor, item_count=item_count)


def notice_breach_recorded_event(breach: SingleNoticeBreach, actor: User) -> AuditEvent:
    return _case_event(
        "notice.breach_recorded",
        breach.notice.case,
        actor,
        officer_id=breach.officer_id,
        item=breach.item.name,
        reason=breach.reason,
    )


def case_resolved_event(case: Case, actor: User) -> AuditEvent:
    return _case_event("case.resolved", case, actor, outcome=case.outcome)


def case_closed_event(case: Case, actor: User) -> AuditEvent:
    return _case_event("case.closed", case, actor, kind=case.kind, channel=case.channel)


def case_reopened_event(case: Case, actor: User, reason: str) -> AuditEvent:
    return _case_event("case.reopened", case, actor, reason=reason)


def case_withdrawn_event(case: Case, actor: User, reason: str) -> AuditEvent:
    return _case_event("case.withdrawn", case, actor, reason=reason)


def case_reassigned_event(case: Case, actor: User, previous_owner_id: int | None) -> AuditEvent:
    return event_record(
        action="case.reassigned",
        actor=actor,
        target=case,
        market=case.market,
        old_values={"owner_id": previous_owner_id},
        new_values={"reference": case.reference, "owner_id": case.owner_id},
    )


def case_note_added_event(case: Case, actor: User) -> AuditEvent:
    return _case_event("case.note_added", case, actor)


def personal_data_revealed_event(applicant: Applicant, case: Case, actor: User) -> AuditEvent:
    return event_record(
        action="personal_data.revealed",
        actor=actor,
        target=applicant,
        market=case.market,
        new_values={"reference": case.reference, "field": "id_number"},
    )


def case_viewed_event(case: Case, actor: User, *, page: str, ip_address: str | None) -> AuditEvent:
    """An inspector opened a page of the case (``page``: ``detail``, ``notice``, ``receipt``).
    A read, not work: the ledger counts none."""
    return event_record(
        action="case.viewed",
        actor=actor,
        target=case,
        market=case.market,
        new_values={"reference": case.reference, "state": case.state, "page": page},
        ip_address=ip_address,
    )


def case_attachment_viewed_event(
    case: Case, attachment: CaseAttachment, actor: User, *, ip_address: str | None
) -> AuditEvent:
    """An inspector downloaded a file of the case."""
    return event_record(
        action="case.attachment_viewed",
        actor=actor,
        target=case,
        market=case.market,
        new_values={
            "reference": case.reference,
            "attachment_id": attachment.pk,
            "name": attachment.original_name,
        },
        ip_address=ip_address,
    )


def applicant_viewed_event(
    applicant: Applicant, actor: User, *, market: Market, ip_address: str | None
) -> AuditEvent:
    """An inspector opened the applicant's page; one event in each inspected market where the
    applicant has a case (so each market's log shows it)."""
    return event_record(
        action="applicant.viewed",
        actor=actor,
        target=applicant,
        market=market,
        new_values={"applicant_id": applicant.pk},
        ip_address=ip_address,
    )


def case_attachment_added_event(
    case: Case,
    actor: User,
    *,
    attachment_id: int,
    name: str,
    size: int,
    content_type: str,
    sha256: str,
) -> AuditEvent:
    return _case_event(
        "case.attachment_added",
        case,
        actor,
        attachment_id=attachment_id,
        name=name,
        size=size,
        content_type=content_type,
        sha256=sha256,
    )


def case_attachment_file_missing_event(attachment: CaseAttachment) -> AuditEvent:
    """The store no longer has an attachment's file (noticed by the hourly sweep; no actor)."""
    case = attachment.case
    return event_record(
        action="case.attachment_file_missing",
        actor=None,
        target=case,
        market=case.market,
        new_values={
            "reference": case.reference,
            "state": case.state,
            "attachment_id": attachment.pk,
            "name": attachment.original_name,
            "sha256": attachment.sha256,
            "stored_as": attachment.file.name,
        },
    )


def applicant_renamed_event(
    applicant: Applicant, actor: User, *, market: Market | None, old_name: str, reason: str
) -> AuditEvent:
    """The name on an applicant's record was corrected (who, old → new, why)."""
    return event_record(
        action="applicant.renamed",
        actor=actor,
        target=applicant,
        market=market,
        old_values={"name": old_name},
        new_values={"name": applicant.name, "kind": applicant.kind, "reason": reason},
    )


def applicant_mobile_changed_event(
    applicant: Applicant, actor: User, *, market: Market | None, old_masked: str, reason: str
) -> AuditEvent:
    """The mobile on an applicant's record changed; the numbers are kept masked here (the
    record holds the whole one, encrypted)."""
    return event_record(
        action="applicant.mobile_changed",
        actor=actor,
        target=applicant,
        market=market,
        old_values={"mobile": old_masked},
        new_values={"mobile": applicant.mobile_masked, "reason": reason},
    )


def applicant_industry_changed_event(
    applicant: Applicant, actor: User, *, market: Market | None, old_code: str, reason: str
) -> AuditEvent:
    """An employer's industry (GB/T 4754-2017 大类) was set or corrected; "" is unknown."""
    return event_record(
        action="applicant.industry_changed",
        actor=actor,
        target=applicant,
        market=market,
        old_values={"industry": old_code},
        new_values={
            "industry": applicant.industry.code if applicant.industry else "",
            "reason": reason,
        },
    )


def _applicant_ref(applicant: Applicant) -> TargetRef:
    # Never the name: the trail outlives the anonymisation.
    return TargetRef(type="cases.applicant", id=str(applicant.pk), label=f"#{applicant.pk}")


def applicant_anonymised_event(
    applicant: Applicant, actor: User | None, *, counts: dict[str, int]
) -> AuditEvent:
    return event_record(
        action="applicant.anonymised",
        actor=actor,
        target=_applicant_ref(applicant),
        new_values={"retention_years": settings.LGSC_RETENTION_YEARS, **counts},
    )


def applicant_data_exported_event(
    applicant: Applicant, case: Case, actor: User, *, sections: list[str]
) -> AuditEvent:
    return event_record(
        action="applicant.data_exported",
        actor=actor,
        target=_applicant_ref(applicant),
        market=case.market,
        new_values={"case": case.reference, "sections": sections},
    )
