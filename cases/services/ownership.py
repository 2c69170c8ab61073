"""Who has the case: claiming it, a team lead reassigning it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from sla.models import Target
from sla.services import deadline_stop

from .. import events
from .. import permissions as can
from ..models import (
    Case,
    State,
)
from ..notification_messages import CASE_REASSIGNED
from .base import (
    CASE_SUBJECT,
    CaseActionError,
    case_locked,
    case_save,
    case_transition,
    notify_on_commit,
)

# --- Ownership --------------------------------------------------------------------------------


@transaction.atomic
def case_claim(*, actor: User, case: Case) -> Case:
    return case_transition(
        case,
        "claim",
        actor=actor,
        kwargs={"by": actor},
        save=_claimed_save,
        event=lambda case: events.case_claimed_event(case, actor),
    )


def _claimed_save(case: Case, actor: User) -> None:
    """Saved with its clocks; claimed, it is accepted: the acceptance clock stops."""
    case_save(case, actor)
    deadline_stop(subject_type=CASE_SUBJECT, subject_id=case.pk, target=Target.ACCEPTANCE)


@transaction.atomic
def case_reassign(*, actor: User, case: Case, to_user: User) -> Case:
    """A team lead gives an open case to another officer of the market."""
    case = case_locked(case)
    if not can.lead(case, actor):
        raise PermissionDenied
    if not case.is_open or case.state == State.TRANSFER_PENDING:
        raise CaseActionError(
            _("Only an open case that is not being transferred can be reassigned.")
        )
    if not can.works_in(to_user, case.market_id):
        raise ValidationError({"to_user": _("This officer does not work in this market.")})
    previous = case.owner_id
    if previous == to_user.pk:
        return case
    case.owner = to_user
    case_save(case, actor)
    events.case_reassigned_event(case, actor, previous)
    notify_on_commit(
        to_user,
        CASE_REASSIGNED,
        {"reference": case.reference},
        case,
    )
    return case
