"""The end of a case and after: resolve, close, reopen, withdraw."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from sla.services import deadlines_stop_many

from .. import events
from ..counters import case_counted, case_counted_before, case_counts_move
from ..fsm import CaseActionError
from ..kinds import kind_get
from ..models import (
    Case,
    State,
)
from .applicant_sms import case_resolved_sms_enqueue
from .base import (
    CASE_SUBJECT,
    case_transition,
    case_transition_run,
    text_clean,
)

# --- Outcome ----------------------------------------------------------------------------------


@transaction.atomic
def case_resolve(*, actor: User, case: Case, outcome: str, by_service: bool = False) -> Case:
    """Resolve the case; the applicant is texted that it is completed (``applicant_sms``).
    A kind ``resolved_by_service`` is resolved only by its service (``by_service``)."""
    kind = kind_get(case.kind)
    if kind is not None and kind.resolved_by_service and not by_service:
        raise CaseActionError(
            _("Case %(reference)s is finished through its own page, not here.")
            % {"reference": case.reference}
        )
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
def case_close(*, actor: User, case: Case, by_service: bool = False) -> Case:
    """Close the resolved case. A kind ``closed_by_service`` is closed only by its service
    (``by_service``)."""
    kind = kind_get(case.kind)
    if kind is not None and kind.closed_by_service and not by_service:
        raise CaseActionError(
            _("Case %(reference)s is finished through its own page, not here.")
            % {"reference": case.reference}
        )
    return case_transition(
        case, "close", actor=actor, event=lambda case: events.case_closed_event(case, actor)
    )


def case_resolve_and_close_many(*, actor: User, cases: Sequence[Case], outcome: str) -> None:
    """``case_resolve`` then ``case_close`` for many cases just opened (``case_open_many``, the
    cases in memory as it returned them), in the caller's transaction: the same transitions
    and checks, history rows, clocks stopped, audit events and text messages, written in a few
    statements for all."""
    if not cases:
        return
    outcome = text_clean(outcome, field="outcome", label=_("outcome"))
    now = timezone.now()  # resolved and closed together, at one moment
    counted_before = [case_counted_before(case) for case in cases]
    resolved, closed = [], []
    for case in cases:
        case_transition_run(case, case.resolve, actor, outcome=outcome)
        case.resolved_at = now
        resolved.append(copy.copy(case))
        events.case_resolved_event(case, actor)
        case_resolved_sms_enqueue(case=case)
        case_transition_run(case, case.close, actor)
        case.closed_at = now
        closed.append(copy.copy(case))
        events.case_closed_event(case, actor)
    ids = [case.pk for case in cases]
    for start in range(0, len(ids), 500):
        Case.objects.filter(pk__in=ids[start : start + 500]).update(
            state=State.CLOSED, outcome=outcome, resolved_at=now, closed_at=now
        )
    for snapshots in (resolved, closed):
        Case.history.bulk_history_create(
            snapshots, update=True, default_user=actor, default_date=now, batch_size=500
        )
    case_counts_move(zip(counted_before, (case.counted_now() for case in cases), strict=True))
    case_counted(cases)
    deadlines_stop_many(subject_type=CASE_SUBJECT, subject_ids=[case.pk for case in cases], at=now)


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
