"""Who has the case: claiming it, a team lead reassigning it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


# --- Bulk reassign (a team lead covering for an absent officer) -------------------------------

BULK_REASSIGN_MAX = 100


@dataclass(frozen=True)
class BulkReassigned:
    """What a bulk reassign did: the cases now with the colleague, and those that were with
    them already (left alone, no event)."""

    reassigned: list[Case]
    unchanged: list[Case]


@transaction.atomic(durable=True)
def case_bulk_reassign(
    *, actor: User, market_id: int, case_ids: Sequence[int], to_user: User
) -> BulkReassigned:
    """A team lead gives several open cases of their market to one colleague of that market:
    all of them or, if any may not be given, none (with a message that says why).

    The case rows are locked in the order of their ids (two leads reassigning overlapping
    selections wait for each other, never deadlock), then each goes through ``case_reassign``:
    one audit event and one notification per case that changes hands.
    """
    if not can.leads(actor, market_id):
        raise PermissionDenied
    ids = sorted(set(case_ids))
    if not ids:
        raise ValidationError({"cases": _("Select at least one case.")})
    if len(ids) > BULK_REASSIGN_MAX:
        raise ValidationError(
            {"cases": _("Select at most %(max)d cases at a time.") % {"max": BULK_REASSIGN_MAX}}
        )
    if not can.works_in(to_user, market_id) or not to_user.is_active:
        raise ValidationError(
            {"to_user": _("%(name)s does not work in this market.") % {"name": to_user}}
        )
    cases = list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    foreign = len(ids) - sum(1 for case in cases if case.market_id == market_id)
    if foreign:
        # Their references are not shown: they may be cases the lead may not even see.
        raise CaseActionError(
            ngettext(
                "%(count)d of the selected cases is not a case of this market: nothing was "
                "reassigned.",
                "%(count)d of the selected cases are not cases of this market: nothing was "
                "reassigned.",
                foreign,
            )
            % {"count": foreign}
        )
    fixed = [
        case.reference for case in cases if not case.is_open or case.state == State.TRANSFER_PENDING
    ]
    if fixed:
        raise CaseActionError(
            _(
                "Only open cases that are not being transferred can be reassigned; these cannot: "
                "%(references)s. Nothing was reassigned."
            )
            % {"references": ", ".join(fixed)}
        )
    reassigned, unchanged = [], []
    for case in cases:
        if case.owner_id == to_user.pk:
            unchanged.append(case)
        else:
            reassigned.append(case_reassign(actor=actor, case=case, to_user=to_user))
    return BulkReassigned(reassigned, unchanged)
