"""The end of a case and after: resolve, close, reopen, withdraw."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .. import events
from ..models import (
    Case,
)
from .applicant_sms import case_resolved_sms_enqueue
from .base import (
    case_transition,
    text_clean,
)

# --- Outcome ----------------------------------------------------------------------------------


@transaction.atomic
def case_resolve(*, actor: User, case: Case, outcome: str) -> Case:
    """Resolve the case; the applicant is texted that it is completed (``applicant_sms``)."""
    outcome = text_clean(outcome, field="outcome", label=_("outcome"))
    case = case_transition(
        case,
        "resolve",
        actor=actor,
        kwargs={"outcome": outcome},
        event=lambda case: events.case_resolved_event(case, actor),
    )
    case_resolved_sms_enqueue(case=case)
    return case


@transaction.atomic
def case_close(*, actor: User, case: Case) -> Case:
    return case_transition(
        case, "close", actor=actor, event=lambda case: events.case_closed_event(case, actor)
    )


@transaction.atomic
def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    reason = text_clean(reason, field="reason", label=_("reason"))
    return case_transition(
        case,
        "reopen",
        actor=actor,
        event=lambda case: events.case_reopened_event(case, actor, reason),
    )


@transaction.atomic
def case_withdraw(*, actor: User, case: Case, reason: str) -> Case:
    """The applicant withdraws the request."""
    reason = text_clean(reason, field="reason", label=_("reason"))
    return case_transition(
        case,
        "withdraw",
        actor=actor,
        event=lambda case: events.case_withdrawn_event(case, actor, reason),
    )
