"""One function per business event of job-seeker registration, each writing one row of the
event log in the service's transaction.

The values name the fields that changed, not their contents: difficulty categories (disability,
minimum-living allowance, prison) are sensitive personal information, and the profile's history
(readable by those who may see the profile) keeps the values themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record
from cases.models import Case

from .models import GuidanceItem, SeekerProfile


def seeker_registered_event(
    profile: SeekerProfile,
    case: Case,
    actor: User,
    *,
    created: bool,
    changed: Sequence[str],
    missing: Sequence[str],
) -> AuditEvent:
    return event_record(
        action="seeker.registered" if created else "seeker.updated",
        actor=actor,
        target=profile,
        market=case.market,
        new_values={
            "reference": case.reference,
            "applicant_id": profile.applicant_id,
            "changed": list(changed),
            "complete": not missing,
            "missing": list(missing),
        },
    )


def guidance_item_recorded_event(item: GuidanceItem, actor: User) -> AuditEvent:
    return event_record(
        action="seeker.guidance_recorded",
        actor=actor,
        target=item.seeker,
        market=item.market,
        new_values={
            "guidance_item_id": item.pk,
            "item": item.item,
            "outcome": item.outcome,
            "given_on": item.given_on.isoformat(),
        },
    )
