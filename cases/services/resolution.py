"""The end of a case and after: resolve, close, reopen, withdraw."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .. import events
from ..models import (
    Case,
)
from .base import (
    case_locked,
    case_save,
    case_transition_run,
    text_clean,
)

# --- Outcome ----------------------------------------------------------------------------------


@transaction.atomic
def case_resolve(*, actor: User, case: Case, outcome: str) -> Case:
    case = case_locked(case)
    outcome = text_clean(outcome, field="outcome", label=_("outcome"))
    case_transition_run(case, case.resolve, actor, outcome=outcome)
    case_save(case, actor)
    events.case_resolved_event(case, actor)
    return case


@transaction.atomic
def case_close(*, actor: User, case: Case) -> Case:
    case = case_locked(case)
    case_transition_run(case, case.close, actor)
    case_save(case, actor)
    events.case_closed_event(case, actor)
    return case


@transaction.atomic
def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    case = case_locked(case)
    reason = text_clean(reason, field="reason", label=_("reason"))
    case_transition_run(case, case.reopen, actor)
    case_save(case, actor)
    events.case_reopened_event(case, actor, reason)
    return case


@transaction.atomic
def case_withdraw(*, actor: User, case: Case, reason: str) -> Case:
    """The applicant withdraws the request."""
    case = case_locked(case)
    reason = text_clean(reason, field="reason", label=_("reason"))
    case_transition_run(case, case.withdraw, actor)
    case_save(case, actor)
    events.case_withdrawn_event(case, actor, reason)
    return case
