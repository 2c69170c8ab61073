"""One-to-one career guidance (职业指导, standard art. 17): a case for a registered seeker,
sessions with notes and advice, the postings recommended from matching linked to the case,
their outcomes, and the close; each step leaves its audit event, and the case runs against
its 10-working-day deadline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import time_machine
from conftest import UserFactory
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from guidance_support import (
    employer_make,
    events_of,
    guidance_make,
    posting_make,
    regions_make,
    seeker_make,
)

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant, Case, State
from cases.services import CaseActionError
from markets.models import Market, Membership, Role
from sla.models import Deadline
from workflows.guidance.models import GuidanceCase, GuidanceReferral, GuidanceSession, Outcome
from workflows.guidance.services import (
    guidance_close,
    guidance_refer,
    guidance_session_record,
    referral_outcome_set,
)
from workflows.postings.models import Posting
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
def case(officer: User, nanning_market: Market, seeker: SeekerProfile) -> Case:
    return guidance_make(officer, nanning_market, seeker)


def test_the_whole_flow_leaves_its_trail_and_meets_its_deadline(
    officer: User,
    nanning_market: Market,
    seeker: SeekerProfile,
    posting: Posting,
    frozen_time: time_machine.Traveller,
) -> None:
    case = guidance_make(officer, nanning_market, seeker)

    guidance = GuidanceCase.objects.get(case=case)
    assert (case.kind, case.state, case.first_contact_officer, case.owner) == (
        "career_guidance",
        State.IN_PROGRESS,
        officer,
        officer,
    )
    assert (guidance.seeker, guidance.topic, case.applicant_id) == (
        seeker,
        "想找餐饮类零工，了解周末岗位",
        seeker.applicant_id,
    )
    completion = Deadline.objects.get(subject_id=case.pk, target="completion")
    # Opened Monday 2026-03-02: ten working days later is Monday 2026-03-16.
    assert completion.kind == "career_guidance"
    assert timezone.localtime(completion.due_at).date() == date(2026, 3, 16)
    assert completion.stopped_at is None
    [opened] = events_of("guidance.opened")
    assert opened.new_values == {
        "case": case.reference,
        "seeker_id": seeker.pk,
        "channel": "counter",
    }

    frozen_time.shift(600)
    session = guidance_session_record(
        actor=officer,
        case=case,
        notes="  Wants weekend catering work near 青秀区; has a health certificate.  ",
        advice="Take the waiter's job at 邕江餐饮; bring the health certificate.",
    )
    assert (session.officer, session.held_at, session.notes[:5]) == (
        officer,
        timezone.now(),
        "Wants",
    )
    [recorded] = events_of("guidance.session_recorded")
    assert recorded.new_values["session_id"] == session.pk
    assert "notes" not in recorded.new_values  # the log names the session, not its text

    referral = guidance_refer(actor=officer, case=case, posting=posting, note="下午去面试")
    link = GuidanceReferral.objects.get(referral=referral)
    assert (link.guidance, link.session) == (guidance, session)
    assert referral.score > 0 and referral.reasons
    assert [e.new_values["referral_id"] for e in events_of("guidance.referred")] == [referral.pk]
    assert events_of("guidance.case_referral")[0].new_values == {
        "case": case.reference,
        "referral_id": referral.pk,
        "posting_id": posting.pk,
        "session_id": session.pk,
    }

    for outcome in (Outcome.REFERRED, Outcome.HIRED):
        referral_outcome_set(actor=officer, referral=referral, outcome=outcome)

    frozen_time.shift(3600)
    closed = guidance_close(actor=officer, case=case, outcome="Hired as a waiter, weekends.")

    assert (closed.state, closed.outcome) == (State.CLOSED, "Hired as a waiter, weekends.")
    completion.refresh_from_db()
    assert completion.stopped_at == timezone.now()
    [closed_event] = events_of("guidance.closed")
    assert closed_event.new_values == {
        "case": case.reference,
        "sessions": 1,
        "referrals": 1,
        "hired": 1,
    }
    case_trail = AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk))
    assert list(case_trail.order_by("pk").values_list("action", flat=True)) == [
        "case.opened",
        "guidance.opened",
        "guidance.session_recorded",
        "guidance.case_referral",
        "case.resolved",
        "case.closed",
        "guidance.closed",
    ]
    assert session.history.count() == 1 and guidance.history.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"topic": "   "}, "topic"),
        ({"topic": "x" * 201}, "topic"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_bad_input_to_open_is_refused_per_field(
    officer: User,
    nanning_market: Market,
    seeker: SeekerProfile,
    changes: dict[str, str],
    field: str,
) -> None:
    with pytest.raises(ValidationError) as refused:
        guidance_make(officer, nanning_market, seeker, **changes)

    assert field in refused.value.message_dict
    assert not Case.objects.filter(kind="career_guidance").exists()
    assert events_of("guidance.opened") == []


def test_an_officer_of_another_market_cannot_open_guidance_there(
    nanning_market: Market, seeker: SeekerProfile
) -> None:
    stranger = UserFactory.create(username="stranger")

    with pytest.raises(PermissionDenied):
        guidance_make(stranger, nanning_market, seeker)


@pytest.mark.parametrize(
    ("notes", "advice", "fields"),
    [
        ("", "", {"notes", "advice"}),
        ("Talked about weekend jobs", "  ", {"advice"}),
        ("x" * 4001, "Apply", {"notes"}),
        ("bad \x00 byte", "Apply", {"notes"}),
    ],
)
def test_a_session_needs_notes_and_advice(
    officer: User, case: Case, notes: str, advice: str, fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as refused:
        guidance_session_record(actor=officer, case=case, notes=notes, advice=advice)

    assert set(refused.value.message_dict) == fields
    assert GuidanceSession.objects.count() == 0
    assert events_of("guidance.session_recorded") == []


def test_only_the_owner_or_a_team_lead_records_a_session(
    officer: User, team_lead: User, nanning_market: Market, case: Case
) -> None:
    colleague = UserFactory.create(username="colleague")
    Membership.objects.create(user=colleague, role=Role.OFFICER, market=nanning_market)

    with pytest.raises(PermissionDenied):
        guidance_session_record(actor=colleague, case=case, notes="n", advice="a")
    session = guidance_session_record(actor=team_lead, case=case, notes="n", advice="a")

    assert session.officer == team_lead


def test_closing_without_a_session_is_refused(officer: User, case: Case) -> None:
    with pytest.raises(ValidationError) as refused:
        guidance_close(actor=officer, case=case, outcome="Nothing to say")

    assert "outcome" in refused.value.message_dict
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS


def test_closing_needs_an_outcome(officer: User, case: Case) -> None:
    guidance_session_record(actor=officer, case=case, notes="n", advice="a")

    with pytest.raises(ValidationError) as refused:
        guidance_close(actor=officer, case=case, outcome=" ")

    assert "outcome" in refused.value.message_dict
    assert events_of("guidance.closed") == []


def test_a_closed_case_takes_no_more_sessions_or_referrals(
    officer: User, case: Case, posting: Posting
) -> None:
    guidance_session_record(actor=officer, case=case, notes="n", advice="a")
    guidance_close(actor=officer, case=case, outcome="Done")

    with pytest.raises(CaseActionError):
        guidance_session_record(actor=officer, case=case, notes="n", advice="a")
    with pytest.raises(CaseActionError):
        guidance_refer(actor=officer, case=case, posting=posting)
    with pytest.raises(CaseActionError):
        guidance_close(actor=officer, case=case, outcome="Again")

    assert GuidanceSession.objects.count() == 1
    assert GuidanceReferral.objects.count() == 0


def test_a_referral_before_any_session_is_linked_to_the_case_alone(
    officer: User, case: Case, posting: Posting
) -> None:
    referral = guidance_refer(actor=officer, case=case, posting=posting)

    link = GuidanceReferral.objects.get(referral=referral)
    assert (link.guidance.case_id, link.session) == (case.pk, None)


def test_recommending_the_same_posting_twice_is_refused_and_links_nothing(
    officer: User, case: Case, posting: Posting
) -> None:
    guidance_refer(actor=officer, case=case, posting=posting)

    with pytest.raises(ValidationError):
        guidance_refer(actor=officer, case=case, posting=posting)

    assert GuidanceReferral.objects.count() == 1
    assert len(events_of("guidance.case_referral")) == 1
