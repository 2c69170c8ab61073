"""Referrals (岗位推荐, standard art. 17): an officer recommends a posting to a seeker and
records what came of it, forward only; each step leaves its audit event and history row."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from conftest import MarketFactory, UserFactory
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from guidance_support import (
    TODAY,
    employer_make,
    events_of,
    posting_make,
    regions_make,
    seeker_make,
)

from accounts.models import User
from audit.ledger import ledger_day
from cases.models import Applicant
from cases.services import CaseActionError
from markets.models import Market, Membership, Region, Role
from workflows.guidance.matching import match_postings
from workflows.guidance.models import Outcome, Referral
from workflows.guidance.selectors import (
    referral_list_for_market,
    referral_list_for_posting,
    referral_list_for_seeker,
)
from workflows.guidance.services import referral_outcome_set, referral_record
from workflows.postings.models import Posting, Status
from workflows.seekers.models import SeekerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setting(frozen_time: time_machine.Traveller) -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def employer(officer: User, nanning_market: Market) -> Applicant:
    regions_make()
    return employer_make(officer)


@pytest.fixture
def seeker(officer: User, nanning_market: Market, employer: Applicant) -> SeekerProfile:
    return seeker_make(officer, nanning_market)


@pytest.fixture
def posting(nanning_market: Market, employer: Applicant) -> Posting:
    return posting_make(employer, nanning_market)


@pytest.fixture
def liuzhou_market(employer: Applicant) -> Market:
    return MarketFactory.create(region=Region.objects.get(code="450200"), name="柳州市零工市场")


@pytest.fixture
def liuzhou_officer(liuzhou_market: Market) -> User:
    user = UserFactory.create(username="liuzhou_officer")
    Membership.objects.create(user=user, role=Role.OFFICER, market=liuzhou_market)
    return user


def test_referral_lifecycle_leaves_events_and_history(
    officer: User, nanning_market: Market, seeker: SeekerProfile, posting: Posting
) -> None:
    match = match_postings(seeker, today=TODAY)[0]
    assert match.posting == posting

    referral = referral_record(
        actor=officer, seeker=seeker, posting=posting, match=match, note="本人有意向"
    )

    assert referral.outcome == Outcome.RECOMMENDED
    assert (referral.officer, referral.market, referral.score) == (
        officer,
        nanning_market,
        match.score,
    )
    assert referral.reasons == match.reasons_json()
    assert "Same occupation (餐厅服务员)" in [reason["text"] for reason in referral.reasons]
    [recorded] = events_of("guidance.referred")
    assert recorded.actor == officer
    assert recorded.target_id == str(referral.pk)
    assert recorded.new_values["score"] == match.score
    assert recorded.new_values["posting_id"] == posting.pk

    for outcome in (Outcome.REFERRED, Outcome.INTERVIEWED, Outcome.HIRED):
        referral = referral_outcome_set(actor=officer, referral=referral, outcome=outcome)
        assert referral.outcome == outcome
        assert referral.outcome_at is not None

    steps = events_of("guidance.referral_outcome")
    assert [(e.old_values["outcome"], e.new_values["outcome"]) for e in steps] == [
        ("recommended", "referred"),
        ("referred", "interviewed"),
        ("interviewed", "hired"),
    ]
    assert [h.outcome for h in referral.history.order_by("history_id")] == [
        "recommended",
        "referred",
        "interviewed",
        "hired",
    ]
    assert all(h.history_user == officer for h in referral.history.all())
    assert list(referral_list_for_seeker(seeker=seeker)) == [referral]
    assert list(referral_list_for_posting(posting=posting)) == [referral]
    assert list(referral_list_for_market(market=nanning_market, outcome="hired")) == [referral]
    assert list(referral_list_for_market(market=nanning_market, outcome="declined")) == []


def test_a_referral_without_a_match_is_scored_now(
    officer: User, seeker: SeekerProfile, posting: Posting
) -> None:
    referral = referral_record(actor=officer, seeker=seeker, posting=posting)

    assert referral.score == match_postings(seeker, today=TODAY)[0].score
    assert referral.reasons


def test_officer_of_another_market_is_refused(
    officer: User,
    seeker: SeekerProfile,
    posting: Posting,
    liuzhou_officer: User,
) -> None:
    with pytest.raises(PermissionDenied):
        referral_record(actor=liuzhou_officer, seeker=seeker, posting=posting)
    assert not Referral.objects.exists()
    assert events_of("guidance.referred") == []

    referral = referral_record(actor=officer, seeker=seeker, posting=posting)
    with pytest.raises(PermissionDenied):
        referral_outcome_set(actor=liuzhou_officer, referral=referral, outcome=Outcome.REFERRED)
    referral.refresh_from_db()
    assert referral.outcome == Outcome.RECOMMENDED
    assert events_of("guidance.referral_outcome") == []


def test_officer_of_the_seekers_registration_market_may_refer_to_another_market(
    officer: User,
    nanning_market: Market,
    seeker: SeekerProfile,
    employer: Applicant,
    liuzhou_market: Market,
) -> None:
    elsewhere = posting_make(employer, liuzhou_market, county="450202")

    referral = referral_record(actor=officer, seeker=seeker, posting=elsewhere)

    assert referral.market == nanning_market
    assert events_of("guidance.referred")[0].market == nanning_market


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], Outcome.INTERVIEWED),  # not yet referred
        ([Outcome.REFERRED, Outcome.INTERVIEWED, Outcome.HIRED], Outcome.REFERRED),  # backwards
        ([Outcome.DECLINED], Outcome.HIRED),  # declined is final
        ([Outcome.REFERRED, Outcome.HIRED], Outcome.DECLINED),  # hired is final
        ([Outcome.REFERRED], Outcome.RECOMMENDED),  # backwards
    ],
)
def test_illegal_outcome_transition_is_refused_with_a_message(
    officer: User,
    seeker: SeekerProfile,
    posting: Posting,
    path: list[str],
    refused: str,
) -> None:
    referral = referral_record(actor=officer, seeker=seeker, posting=posting)
    for outcome in path:
        referral = referral_outcome_set(actor=officer, referral=referral, outcome=outcome)
    events_before = len(events_of("guidance.referral_outcome"))

    with pytest.raises(CaseActionError) as refusal:
        referral_outcome_set(actor=officer, referral=referral, outcome=refused)

    current = Outcome(referral.outcome).label
    assert str(refusal.value) == (
        f"A referral that is “{current}” cannot become “{Outcome(refused).label}”."
    )
    referral.refresh_from_db()
    assert referral.outcome == (path[-1] if path else Outcome.RECOMMENDED)
    assert len(events_of("guidance.referral_outcome")) == events_before


def test_the_same_outcome_again_changes_nothing(
    officer: User, seeker: SeekerProfile, posting: Posting
) -> None:
    referral = referral_record(actor=officer, seeker=seeker, posting=posting)
    referral = referral_outcome_set(actor=officer, referral=referral, outcome=Outcome.REFERRED)
    referral_outcome_set(actor=officer, referral=referral, outcome=Outcome.REFERRED)

    assert len(events_of("guidance.referral_outcome")) == 1
    assert referral.history.count() == 2


def test_unknown_outcome_is_refused(officer: User, seeker: SeekerProfile, posting: Posting) -> None:
    referral = referral_record(actor=officer, seeker=seeker, posting=posting)
    with pytest.raises(ValidationError) as refusal:
        referral_outcome_set(actor=officer, referral=referral, outcome="promoted")
    assert "outcome" in refusal.value.message_dict


def test_a_seeker_is_recommended_once_for_a_posting(
    officer: User, seeker: SeekerProfile, posting: Posting
) -> None:
    referral_record(actor=officer, seeker=seeker, posting=posting)
    with pytest.raises(ValidationError) as refusal:
        referral_record(actor=officer, seeker=seeker, posting=posting)
    assert refusal.value.message_dict["posting"] == [
        "This seeker was recommended for this posting already."
    ]
    assert Referral.objects.count() == 1
    assert len(events_of("guidance.referred")) == 1


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.FILLED, Status.EXPIRED])
def test_only_an_open_published_posting_is_recommended(
    officer: User,
    nanning_market: Market,
    seeker: SeekerProfile,
    employer: Applicant,
    status: str,
) -> None:
    closed = posting_make(employer, nanning_market, status=status)
    with pytest.raises(ValidationError) as refusal:
        referral_record(actor=officer, seeker=seeker, posting=closed)
    assert "posting" in refusal.value.message_dict
    assert not Referral.objects.exists()


def test_the_ledger_counts_the_registration_the_referral_and_the_hire(
    officer: User, nanning_market: Market, seeker: SeekerProfile, posting: Posting
) -> None:
    match = match_postings(seeker, today=TODAY)[0]
    referral = referral_record(actor=officer, seeker=seeker, posting=posting, match=match)
    for outcome in (Outcome.REFERRED, Outcome.INTERVIEWED, Outcome.HIRED):
        referral = referral_outcome_set(actor=officer, referral=referral, outcome=outcome)

    ledger = ledger_day(market=nanning_market, day=TODAY)

    line = ledger.officer(officer.pk)
    assert line is not None
    for figures in (ledger.totals, line.figures):
        assert (figures.seekers_registered, figures.referrals, figures.hires) == (1, 1, 1)
