"""Reads of online self-service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from cases.crypto import mobile_index
from cases.models import Applicant, Case, NoticeItem, SingleNotice, State
from cases.services import CASE_SUBJECT
from markets.models import Market
from sla.models import Deadline, Target
from workflows.guidance.matching import Match, match_postings
from workflows.guidance.models import Referral
from workflows.postings.models import Posting, Status
from workflows.ratings.models import Rating
from workflows.ratings.selectors import ratable
from workflows.seekers.flow import SEEKER_REGISTRATION
from workflows.seekers.models import SeekerProfile

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
    # Rated already (好差评): a resolved case not yet rated offers "rate this service".
    rated: bool = False

    @property
    def may_rate(self) -> bool:
        return not self.rated and ratable(self.case)


def case_list_for_applicant(*, applicant: Applicant, limit: int = 100) -> list[OwnCase]:
    """The applicant's own cases, newest first, each with its completion due date (two
    queries, however many cases)."""
    cases = list(
        Case.objects.filter(applicant=applicant)
        .annotate(rated=Exists(Rating.objects.filter(case=OuterRef("pk"))))
        .order_by("-opened_at", "-pk")[:limit]
    )
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
                rated=bool(getattr(case, "rated", False)),
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


def posting_list_of_employer(*, applicant: Applicant) -> QuerySet[Posting]:
    """The postings the applicant offers as an employer, newest first (the online pages' and
    the API's list of one's own postings)."""
    postings: QuerySet[Posting] = (
        Posting.objects.filter(employer=applicant)
        .select_related("occupation", "county", "market", "employer", "case")
        .order_by("-pk")
    )
    return postings


def posting_get_own(*, applicant: Applicant, pk: int) -> Posting:
    """The applicant's own posting ``pk`` (as its employer); anyone else's is Http404."""
    posting = posting_list_of_employer(applicant=applicant).filter(pk=pk).first()
    if posting is None:
        raise Http404
    return posting


@dataclass(frozen=True)
class PostingActions:
    """What the employer may do to their posting online, from its state (the services check
    again): mark it filled, extend it, withdraw it, correct it after a single notice."""

    fill: bool
    extend: bool
    withdraw: bool
    correct: bool

    @property
    def any(self) -> bool:
        return self.fill or self.extend or self.withdraw or self.correct


def posting_actions_for_employer(posting: Posting) -> PostingActions:
    returned = (
        posting.status == Status.IN_REVIEW
        and posting.case is not None
        and posting.case.state == State.AWAITING_MATERIALS
    )
    return PostingActions(
        fill=posting.status == Status.PUBLISHED,
        extend=posting.status in (Status.PUBLISHED, Status.IN_REVIEW),
        withdraw=posting.status in (Status.PUBLISHED, Status.IN_REVIEW, Status.DRAFT),
        correct=returned,
    )


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
    market: Market = case.market
    return market


def seeker_profile_get(*, applicant: Applicant) -> SeekerProfile | None:
    return SeekerProfile.objects.filter(applicant=applicant).select_related("home_county").first()


def seeker_profile_initial(seeker: SeekerProfile) -> dict[str, Any]:
    """The profile on record as the online profile form shows it."""
    return {
        "household_type": seeker.household_type,
        "home_county": seeker.home_county.code if seeker.home_county else None,
        "wanted_occupations": list(seeker.wanted_occupations),
        "wanted_areas": list(seeker.wanted_areas),
        "available_days": list(seeker.available_days),
        "available_from": seeker.available_from,
        "available_until": seeker.available_until,
        "min_daily_pay": seeker.min_daily_pay,
        "skills": seeker.skills,
        "platform_consent": seeker.platform_consent,
    }


@dataclass(frozen=True)
class CaseDetail:
    """What the applicant's page of one case shows."""

    case: Case
    due_at: datetime | None
    paused: bool
    posting: Posting | None
    notice: SingleNotice | None
    items: list[NoticeItem]
    pending_items: list[NoticeItem]
    may_withdraw: bool


def case_detail_for_applicant(*, case: Case) -> CaseDetail:
    """The case's page for its applicant (the caller got it through ``case_get_own``)."""
    deadline = Deadline.objects.filter(
        subject_type=CASE_SUBJECT, subject_id=case.pk, target=Target.COMPLETION
    ).first()
    notice = case.notices.first()
    items = list(notice.items.all()) if notice is not None else []
    posting = Posting.objects.filter(case=case).select_related("occupation", "county").first()
    return CaseDetail(
        case=case,
        due_at=deadline.due_at if deadline is not None else None,
        paused=bool(deadline and deadline.paused_at and not deadline.stopped_at),
        posting=posting,
        notice=notice,
        items=items,
        pending_items=[item for item in items if item.received_at is None]
        if case.state == State.AWAITING_MATERIALS
        else [],
        may_withdraw=case.state in (State.NEW, State.IN_PROGRESS, State.AWAITING_MATERIALS),
    )


def matches_for_applicant(*, applicant: Applicant, limit: int = 20) -> list[Match]:
    """The published postings that best fit the seeker's profile, with the reasons."""
    seeker = seeker_profile_get(applicant=applicant)
    if seeker is None:
        raise Http404
    return match_postings(seeker, limit)


def referral_list_for_applicant(*, applicant: Applicant) -> list[Referral]:
    """The seeker's referrals (applications and recommendations) and their outcomes."""
    return list(
        Referral.objects.filter(seeker__applicant=applicant)
        .select_related("posting__occupation", "posting__market")
        .order_by("-recommended_at", "-pk")[:100]
    )
