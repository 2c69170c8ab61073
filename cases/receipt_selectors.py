"""The acceptance receipt (受理回执) of a case, as printed for the applicant at intake or
reprinted later: the reference number, the service, the completion time limit and due date
of the case's own clock, and the applicant's data masked.

The time limit is the policy the case's completion clock runs on (``sla.Deadline.policy``),
not the one in force today: a policy changed after intake applies to cases opened afterwards,
and the receipt says what applies to this one. The due date is the clock's current due time
(it moves on while the clock is paused for materials)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sla.models import Deadline, Target

from .identity import name_mask
from .kinds import kind_get
from .models import Applicant, Case
from .services import CASE_SUBJECT

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Receipt:
    case: Case
    service: StrOrPromise
    applicant_name: str  # masked for a person; an organisation's name is no personal data
    applicant_number: str  # the ID number masked, or the credit code
    time_limit: str  # "5 working days", in the active language; "" without a clock
    due_at: datetime | None
    due_estimated: bool  # the due date lies in a year whose holidays are not known yet
    paused: bool  # the clock stands still (waiting for materials): the due date moves on
    printed_at: datetime


def case_receipt(*, case: Case) -> Receipt:
    """What the receipt of ``case`` says (one query for its completion clock)."""
    completion = (
        Deadline.objects.select_related("policy")
        .filter(subject_type=CASE_SUBJECT, subject_id=case.pk, target=Target.COMPLETION)
        .first()
    )
    kind = kind_get(case.kind)
    applicant = case.applicant
    person = applicant.kind == Applicant.Kind.PERSON
    return Receipt(
        case=case,
        service=kind.label if kind is not None else _("Other service"),
        applicant_name=name_mask(applicant.name) if person else applicant.name,
        applicant_number=applicant.id_number_masked if person else applicant.credit_code,
        time_limit=completion.policy.time_limit_text if completion is not None else "",
        due_at=completion.due_at if completion is not None else None,
        due_estimated=bool(completion and completion.estimated),
        paused=bool(completion and completion.paused_at and not completion.stopped_at),
        printed_at=timezone.now(),
    )
