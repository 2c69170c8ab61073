"""Reads of online self-service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404

from cases.crypto import mobile_index
from cases.models import Applicant, Case
from cases.services import CASE_SUBJECT
from markets.models import Market
from sla.models import Deadline, Target
from workflows.seekers.flow import SEEKER_REGISTRATION

from .models import SignInCode


def applicant_list_for_mobile(*, mobile: str) -> list[Applicant]:
    """The applicants on record with this (normalised) mobile, not anonymised."""
    return list(
        Applicant.objects.filter(
            mobile_index=mobile_index(mobile), anonymised_at__isnull=True
        ).order_by("pk")
    )


def sign_in_code_get(*, pk: object) -> SignInCode | None:
    return SignInCode.objects.filter(pk=pk).first() if isinstance(pk, int) else None


@dataclass(frozen=True)
class OwnCase:
    """One of the applicant's cases as their list shows it."""

    case: Case
    due_at: datetime | None
    paused: bool


def case_list_for_applicant(*, applicant: Applicant, limit: int = 100) -> list[OwnCase]:
    """The applicant's own cases, newest first, each with its completion due date (two
    queries, however many cases)."""
    cases = list(Case.objects.filter(applicant=applicant).order_by("-opened_at", "-pk")[:limit])
    deadlines = {
        deadline.subject_id: deadline
        for deadline in Deadline.objects.filter(
            subject_type=CASE_SUBJECT,
            subject_id__in=[case.pk for case in cases],
            target=Target.COMPLETION,
        )
    }
    own = []
    for case in cases:
        deadline = deadlines.get(case.pk)
        own.append(
            OwnCase(
                case=case,
                due_at=deadline.due_at if deadline is not None else None,
                paused=bool(deadline and deadline.paused_at and not deadline.stopped_at),
            )
        )
    return own


def case_get_own(*, applicant: Applicant, pk: int) -> Case:
    """The applicant's own case ``pk``; anyone else's (or none) is Http404, never 403: an id
    tells nothing about whether it exists."""
    case: Case | None = (
        Case.objects.select_related("market", "applicant")
        .filter(pk=pk, applicant=applicant)
        .first()
    )
    if case is None:
        raise Http404
    return case


def seeker_registration_market(*, applicant: Applicant) -> Market:
    """The market of the seeker's latest registration case (where their profile is kept)."""
    case = (
        Case.objects.filter(applicant=applicant, kind=SEEKER_REGISTRATION.code)
        .select_related("market")
        .order_by("-opened_at", "-pk")
        .first()
    )
    if case is None:
        raise Http404
    return case.market
