"""Who hears about the acceptance-decision clock of a complaint: the same people as for any
clock of its case (cases.reminders), as if it were the case's own."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from cases.models import Case, State
from cases.reminders import case_deadline_reached
from cases.services import CASE_SUBJECT, FINISHED_STATES
from sla.services import deadline_stop

from .models import Complaint

if TYPE_CHECKING:
    from sla.models import Deadline

COMPLAINT_SUBJECT = "complaints.complaint"


def complaint_deadline_reached(deadline: Deadline, level: str) -> None:
    if deadline.subject_type != COMPLAINT_SUBJECT:
        return
    case_id = (
        Complaint.objects.filter(pk=deadline.subject_id).values_list("case_id", flat=True).first()
    )
    if case_id is None:
        return
    state = Case.objects.filter(pk=case_id).values_list("state", flat=True).first()
    if state in FINISHED_STATES:
        # The case ended (withdrawn, say) before the decision: the decision clock stops
        # there, neither met nor late when it was withdrawn, and nobody is reminded.
        deadline_stop(
            subject_type=COMPLAINT_SUBJECT,
            subject_id=deadline.subject_id,
            withdrawn=state == State.WITHDRAWN,
        )
        return
    # Same row (same pk: the notifications stay keyed once per deadline and level), seen as
    # a clock of the case; never saved.
    as_case = copy.copy(deadline)
    as_case.subject_type = CASE_SUBJECT
    as_case.subject_id = case_id
    case_deadline_reached(as_case, level)
