"""The acceptance receipt (受理回执) of a case, as printed for the applicant at intake or
reprinted later: the reference number, the service, the completion time limit and due date
of the case's own clock, and the applicant's data masked.

The time limit is what the policy of the case's completion clock (``sla.Deadline.policy``)
allowed when the clock started, not what it allows today: a policy changed after intake
applies to cases opened afterwards, and the receipt says what applies to this one (from the
policy's history; for a seeded policy changed since, from the flow's declaration it was seeded
from). The due date is the clock's current due time (it moves on while the clock is paused
for materials)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from sla.models import Deadline, Target
from sla.selectors import TimeAllowed, policy_time_allowed_at

from .flows import FLOWS
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
    time_limit: str  # "5 working days", in the active language; "" when not known
    due_at: datetime | None
    due_estimated: bool  # the due date lies in a year whose holidays are not known yet
    paused: bool  # the clock stands still (waiting for materials): the due date moves on
    printed_at: datetime


def case_latest_opened_by(*, actor: User, applicant: Applicant, kind: str) -> Case | None:
    """The latest case of ``kind`` for ``applicant`` that ``actor`` took in: the one whose
    receipt an intake that returns no case (a seeker's registration) offers to print."""
    return (
        Case.objects.filter(applicant=applicant, kind=kind, first_contact_officer=actor)
        .order_by("-opened_at", "-pk")
        .first()
    )


def _time_allowed(deadline: Deadline) -> TimeAllowed | None:
    allowed = policy_time_allowed_at(policy=deadline.policy, when=deadline.started_at)
    if allowed is not None or deadline.policy.market_id is not None:
        return allowed
    # A seeded default changed since the clock started: its values then were the seed's.
    for flow in FLOWS.values():
        if flow.kind is not None and flow.kind.code == deadline.kind:
            for limit in flow.time_limits:
                if (limit.target, limit.channel) == (deadline.target, deadline.policy.channel):
                    return TimeAllowed(amount=limit.amount, unit=limit.unit)
    return None


def case_receipt(*, case: Case) -> Receipt:
    """What the receipt of ``case`` says (a query for its completion clock, one or two for
    its policy's history)."""
    completion = (
        Deadline.objects.select_related("policy")
        .filter(subject_type=CASE_SUBJECT, subject_id=case.pk, target=Target.COMPLETION)
        .first()
    )
    allowed = _time_allowed(completion) if completion is not None else None
    kind = kind_get(case.kind)
    applicant = case.applicant
    person = applicant.kind == Applicant.Kind.PERSON
    return Receipt(
        case=case,
        service=kind.label if kind is not None else _("Other service"),
        applicant_name=name_mask(applicant.name) if person else applicant.name,
        applicant_number=applicant.id_number_masked if person else applicant.credit_code,
        time_limit=allowed.text if allowed is not None else "",
        due_at=completion.due_at if completion is not None else None,
        due_estimated=bool(completion and completion.estimated),
        paused=bool(completion and completion.paused_at and not completion.stopped_at),
        printed_at=timezone.now(),
    )
