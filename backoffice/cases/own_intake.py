"""The case kinds that have a record of their own (a complaint, a posting, a seeker's profile
…) and the page that opens them with it. The generic New case form (/cases/new/) offers only
the other kinds: a case of one of these opened there would have no record behind it, never
appear in its service's list and have none of its clocks. ``report_orphan_cases`` lists the
ones opened before the form refused them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Case
from workflows.complaints.models import Complaint
from workflows.guidance.models import GuidanceCase
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile
from workflows.startup.models import StartupService
from workflows.training.models import TrainingReferral
from workflows.welfare.models import Application


@dataclass(frozen=True)
class OwnIntake:
    # The page that opens a case of this kind with its record (a back-office URL name).
    page: str
    # Whether that page is reached from a registered seeker's page rather than directly.
    from_seeker: bool
    # Whether a case has its record: an Exists() on the case's queryset.
    record: Callable[[], Exists]

    def refusal(self, label: str) -> str:
        """The message of the generic form when this kind is asked for there."""
        if self.from_seeker:
            return _(
                "A %(kind)s case is opened from the job seeker's page, with its record: find "
                "or register the seeker at %(page)s."
            ) % {"kind": label, "page": reverse(self.page)}
        return _("A %(kind)s case is opened on its own page, with its record: %(page)s.") % {
            "kind": label,
            "page": reverse(self.page),
        }


def _by_case(model: type[Model]) -> Callable[[], Exists]:
    return lambda: Exists(model._default_manager.filter(case=OuterRef("pk")))


OWN_INTAKE: dict[str, OwnIntake] = {
    "complaint": OwnIntake("backoffice:complaints_new", False, _by_case(Complaint)),
    "posting_review": OwnIntake("backoffice:counter_posting_new", False, _by_case(Posting)),
    "seeker_registration": OwnIntake(
        "backoffice:counter_seeker_new",
        False,
        lambda: Exists(SeekerProfile.objects.filter(applicant=OuterRef("applicant"))),
    ),
    "startup_help": OwnIntake("backoffice:startup_new", False, _by_case(StartupService)),
    "career_guidance": OwnIntake("backoffice:counter_seeker_new", True, _by_case(GuidanceCase)),
    "training_referral": OwnIntake(
        "backoffice:counter_seeker_new", True, _by_case(TrainingReferral)
    ),
    "welfare_application": OwnIntake("backoffice:counter_seeker_new", True, _by_case(Application)),
}


def case_list_orphaned() -> QuerySet[Case]:
    """Cases of a kind with a record of its own that have no such record behind them (opened
    by the generic form before it refused those kinds), oldest first."""
    condition = Q(pk__in=[])
    for code, intake in OWN_INTAKE.items():
        condition |= Q(kind=code) & ~Q(intake.record())
    cases: QuerySet[Case] = (
        Case.objects.filter(condition).select_related("market").order_by("opened_at", "pk")
    )
    return cases
