"""A posting's life (standard art. 13): taken in from any channel → reviewed through its case →
published, returned for correction, rejected, withdrawn, filled or expired; each step leaves
its audit events and the review case in the right state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import time_machine
from conftest import SHANGHAI
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from posting_support import (
    actions_since,
    audit_mark,
    employer_make,
    posting_data,
    posting_events,
    qingxiu_make,
)

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant, Case, ChecklistItem, NoticeItem, State
from cases.services import CaseActionError
from markets.models import Market
from sla.models import Deadline, Policy
from workflows.postings import tasks
from workflows.postings.models import Posting, Status
from workflows.postings.screening import screen_posting
from workflows.postings.selectors import posting_list_published
from workflows.postings.services import (
    posting_expire_due,
    posting_fill,
    posting_intake,
    posting_intake_and_publish,
    posting_publish,
    posting_reject,
    posting_resubmit,
    posting_return_for_correction,
    posting_withdraw,
)

pytestmark = pytest.mark.django_db

CASE = "cases.case"
POSTING = "postings.posting"
# Texts the lawful-content screen (workflows.postings.screening) warns about / blocks; each
# test first asserts that the screen still sees them so.
WARN_TEXT = "限35岁以下，能适应夜班。"
BLOCKED_BUT_EXCEPTABLE = "女浴室保洁，限女性。"


@pytest.fixture(autouse=True)
def _setting(frozen_time: time_machine.Traveller) -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def employer(officer: User, nanning_market: Market) -> Applicant:
    qingxiu_make()
    return employer_make(officer)


def intake(actor: User, market: Market, employer: Applicant, **overrides: object) -> Posting:
    return posting_intake(
        actor=actor,
        market=market,
        channel="online",
        employer=employer,
        data=posting_data(**overrides),
    )


def case_of(posting: Posting) -> Case:
    assert posting.case_id is not None
    return Case.objects.get(pk=posting.case_id)


# --- Instant quick hiring (即时快招) ------------------------------------------------------------


def test_clean_posting_at_the_counter_is_published_in_the_same_sitting(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    mark = audit_mark()

    posting = posting_intake_and_publish(
        actor=officer, market=nanning_market, employer=employer, data=posting_data()
    )

    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED
    assert posting.published_at == datetime(2026, 3, 2, 9, 0, 1, tzinfo=SHANGHAI)
    assert str(posting.pay_daily) == "200.00"
    case = case_of(posting)
    assert case.kind == "posting_review"
    assert case.channel == "counter"
    assert case.state == State.CLOSED
    assert case.outcome == "published"
    assert case.first_contact_officer == officer
    assert actions_since(mark) == [
        ("case.opened", CASE),
        ("posting.taken_in", POSTING),
        ("case.resolved", CASE),
        ("case.closed", CASE),
        ("posting.published", POSTING),
    ]
    published = posting_events(posting)[-1]
    assert published.actor == officer
    assert published.market == nanning_market
    assert published.new_values["case"] == case.reference
    assert [h.status for h in posting.history.order_by("history_id")] == [
        Status.IN_REVIEW,
        Status.PUBLISHED,
    ]
    assert list(posting_list_published()) == [posting]


def test_review_case_has_the_default_time_limit_of_one_working_day(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    posting = intake(officer, nanning_market, employer)

    policy = Policy.objects.get(kind="posting_review", target="completion", market=None, channel="")
    assert (policy.amount, policy.unit) == (1, "working_days")
    deadline = Deadline.objects.get(subject_id=case_of(posting).pk, target="completion")
    # Opened Monday morning: due when the market closes on Tuesday.
    assert deadline.due_at == datetime(2026, 3, 3, 17, 30, tzinfo=SHANGHAI)


def test_a_review_taken_at_the_counter_is_due_within_the_working_hour(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    posting = posting_intake(
        actor=officer,
        market=nanning_market,
        channel="counter",
        employer=employer,
        data=posting_data(),
    )

    deadline = Deadline.objects.get(subject_id=case_of(posting).pk, target="completion")
    assert deadline.due_at - deadline.started_at == timedelta(hours=1)


def test_blocked_posting_is_not_taken_in_and_leaves_nothing(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    mark = audit_mark()

    with pytest.raises(ValidationError) as caught:
        posting_intake_and_publish(
            actor=officer,
            market=nanning_market,
            employer=employer,
            data=posting_data(description="只招男性，限本地户口"),
        )

    assert "description" in caught.value.message_dict
    assert not Posting.objects.exists()
    assert not Case.objects.exists()
    assert actions_since(mark) == []


def test_warn_finding_is_recorded_and_shown_but_does_not_block(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    text = WARN_TEXT
    warnings = [f for f in screen_posting(text) if f.severity == "warn"]
    assert warnings, "the screen must warn about this text"

    posting = posting_intake_and_publish(
        actor=officer, market=nanning_market, employer=employer, data=posting_data(description=text)
    )

    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED
    recorded = [f for f in posting.screening_findings if f["severity"] == "warn"]
    assert [f["phrase"] for f in recorded] == [str(f.phrase) for f in warnings]
    assert all(f["basis"] and f["explanation"] for f in recorded)
    taken_in = posting_events(posting)[0]
    assert taken_in.new_values["screening_warnings"] == [str(f.phrase) for f in warnings]


def test_screen_exception_is_granted_by_a_team_lead_with_written_justification(
    officer: User, team_lead: User, nanning_market: Market, employer: Applicant
) -> None:
    text = BLOCKED_BUT_EXCEPTABLE
    [finding] = screen_posting(text)
    assert (finding.category, finding.severity) == ("gender", "block")
    justification = "女浴室保洁，涉及个人隐私，只能由女性从事。"
    data = posting_data(
        description=text, screening_exceptions=["gender"], screening_justification=justification
    )

    with pytest.raises(PermissionDenied):
        posting_intake(
            actor=officer, market=nanning_market, channel="counter", employer=employer, data=data
        )
    posting = posting_intake(
        actor=team_lead, market=nanning_market, channel="counter", employer=employer, data=data
    )

    assert posting.screening_exception_by == team_lead
    assert posting.screening_justification == justification
    [recorded] = posting.screening_findings
    assert recorded["phrase"] == finding.phrase
    assert recorded["severity"] == "allowed"
    assert recorded["justification"] == justification
    assert posting_events(posting)[0].new_values["screening_exceptions"] == ["gender"]
    posting = posting_publish(actor=team_lead, posting=posting)
    assert posting.status == Status.PUBLISHED


# --- Correction through the single notice (一次性告知) ------------------------------------------


def test_return_for_correction_then_resubmit_then_publish(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    posting = intake(
        officer, nanning_market, employer, pay_min="150", pay_max="", pay_method="hourly"
    )
    items = list(ChecklistItem.objects.filter(kind="posting_review", name__startswith="薪酬"))
    assert len(items) == 1
    mark = audit_mark()

    notice = posting_return_for_correction(actor=officer, posting=posting, items=items)

    assert case_of(posting).state == State.AWAITING_MATERIALS
    assert [item.name for item in notice.items.all()] == ["薪酬标准及计酬方式"]
    assert actions_since(mark) == [
        ("case.materials_requested", CASE),
        ("posting.returned_for_correction", POSTING),
    ]
    with pytest.raises(CaseActionError):
        posting_publish(actor=officer, posting=posting)

    mark = audit_mark()
    posting = posting_resubmit(
        actor=officer,
        posting=posting,
        data={"pay_min": "25", "pay_max": "30", "occupation": "4-03-02-01"},
    )

    posting.refresh_from_db()
    assert (str(posting.pay_min), str(posting.pay_max)) == ("25.00", "30.00")
    assert str(posting.pay_daily) == "200.00"
    assert posting.status == Status.IN_REVIEW
    assert case_of(posting).state == State.IN_PROGRESS
    assert not NoticeItem.objects.filter(received_at__isnull=True).exists()
    assert actions_since(mark) == [
        ("case.materials_received", CASE),
        ("posting.resubmitted", POSTING),
    ]
    resubmitted = posting_events(posting)[-1]
    assert resubmitted.old_values == {
        "occupation": "4-03-02-05",
        "pay_min": "150.00",
        "pay_max": "150.00",
        "pay_daily": "1200.00",
    }
    assert resubmitted.new_values["occupation"] == "4-03-02-01"
    assert resubmitted.new_values["pay_min"] == "25.00"

    posting = posting_publish(actor=officer, posting=posting)

    assert posting.status == Status.PUBLISHED
    assert case_of(posting).state == State.CLOSED
    assert case_of(posting).outcome == "published"


def test_resubmitted_details_are_checked_again(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    posting = intake(officer, nanning_market, employer)
    items = list(ChecklistItem.objects.filter(kind="posting_review")[:1])
    posting_return_for_correction(actor=officer, posting=posting, items=items)
    mark = audit_mark()

    with pytest.raises(ValidationError) as caught:
        posting_resubmit(actor=officer, posting=posting, data={"headcount": "0"})

    assert "headcount" in caught.value.message_dict
    assert case_of(posting).state == State.AWAITING_MATERIALS
    assert actions_since(mark) == []


# --- Rejection ------------------------------------------------------------------------------------


def test_team_lead_rejects_a_posting_and_the_case_is_closed(
    officer: User, team_lead: User, nanning_market: Market, employer: Applicant
) -> None:
    posting = intake(officer, nanning_market, employer)
    mark = audit_mark()

    posting = posting_reject(actor=team_lead, posting=posting, reason="用工主体无法核实")

    posting.refresh_from_db()
    assert posting.status == Status.REJECTED
    case = case_of(posting)
    assert case.state == State.CLOSED
    assert case.outcome == "rejected: 用工主体无法核实"
    assert actions_since(mark) == [
        ("case.resolved", CASE),
        ("case.closed", CASE),
        ("posting.rejected", POSTING),
    ]
    assert posting_events(posting)[-1].actor == team_lead
    assert not posting_list_published().exists()


def test_officer_may_not_reject_a_posting(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    posting = intake(officer, nanning_market, employer)
    mark = audit_mark()

    with pytest.raises(PermissionDenied):
        posting_reject(actor=officer, posting=posting, reason="不予发布")

    posting.refresh_from_db()
    assert posting.status == Status.IN_REVIEW
    assert case_of(posting).state == State.IN_PROGRESS
    assert actions_since(mark) == []


def test_officer_of_another_market_may_not_take_in_for_this_market(
    officer: User, employer: Applicant, liuzhou: object
) -> None:
    from conftest import MarketFactory

    other = MarketFactory.create(region=liuzhou, name="柳州市零工市场")

    with pytest.raises(PermissionDenied):
        intake(officer, other, employer)

    assert not Posting.objects.exists()


# --- Endings --------------------------------------------------------------------------------------


def test_published_posting_expires_after_its_last_day_once_however_often_the_sweep_runs(
    officer: User,
    nanning_market: Market,
    employer: Applicant,
    frozen_time: time_machine.Traveller,
) -> None:
    posting = posting_intake_and_publish(
        actor=officer,
        market=nanning_market,
        employer=employer,
        data=posting_data(end_date="2026-03-05"),
    )
    frozen_time.move_to(datetime(2026, 3, 5, 23, 59, tzinfo=SHANGHAI))
    assert posting_expire_due() == 0  # still its last working day

    frozen_time.move_to(datetime(2026, 3, 6, 0, 5, tzinfo=SHANGHAI))
    mark = audit_mark()
    assert posting_expire_due() == 1
    assert posting_expire_due() == 0

    posting.refresh_from_db()
    assert posting.status == Status.EXPIRED
    assert posting.ended_at == datetime(2026, 3, 6, 0, 5, tzinfo=SHANGHAI)
    assert actions_since(mark) == [("posting.expired", POSTING)]
    expired = posting_events(posting)[-1]
    assert expired.actor is None
    assert expired.new_values["end_date"] == "2026-03-05"
    assert case_of(posting).state == State.CLOSED
    assert not posting_list_published().exists()


def test_expiry_task_runs_the_sweep(
    officer: User, nanning_market: Market, employer: Applicant, frozen_time: time_machine.Traveller
) -> None:
    posting_intake_and_publish(
        actor=officer,
        market=nanning_market,
        employer=employer,
        data=posting_data(end_date="2026-03-03"),
    )
    frozen_time.move_to(datetime(2026, 3, 4, 0, 5, tzinfo=SHANGHAI))

    assert tasks.posting_expire_due_task() == 1
    assert tasks.posting_expire_due_task() == 0


def test_withdrawn_posting_in_review_withdraws_its_case(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    posting = intake(officer, nanning_market, employer)
    mark = audit_mark()

    posting = posting_withdraw(actor=officer, posting=posting, reason="用工主体已自行招满")

    assert posting.status == Status.WITHDRAWN
    assert case_of(posting).state == State.WITHDRAWN
    assert actions_since(mark) == [("case.withdrawn", CASE), ("posting.withdrawn", POSTING)]


def test_filled_posting_leaves_the_published_list(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    posting = posting_intake_and_publish(
        actor=officer, market=nanning_market, employer=employer, data=posting_data()
    )
    mark = audit_mark()

    posting = posting_fill(actor=officer, posting=posting)

    assert posting.status == Status.FILLED
    assert actions_since(mark) == [("posting.filled", POSTING)]
    assert not posting_list_published().exists()
    with pytest.raises(CaseActionError):
        posting_fill(actor=officer, posting=posting)


def test_published_list_filters_by_occupation_county_and_pay_method(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    waiter = posting_intake_and_publish(
        actor=officer, market=nanning_market, employer=employer, data=posting_data()
    )
    cook = posting_intake_and_publish(
        actor=officer,
        market=nanning_market,
        employer=employer,
        data=posting_data(occupation="4-03-02-01", pay_method="hourly", pay_min="30", pay_max=""),
    )
    guard = posting_intake_and_publish(
        actor=officer,
        market=nanning_market,
        employer=employer,
        data=posting_data(occupation="4-07-05-01"),
    )

    assert set(posting_list_published(occupation_prefix="4-03")) == {waiter, cook}
    assert set(posting_list_published(occupation_prefix="4-03-02-01")) == {cook}
    assert set(posting_list_published(occupation_prefix="4-0")) == set()
    assert set(posting_list_published(pay_method="hourly")) == {cook}
    assert set(posting_list_published(county_prefix="4501")) == {waiter, cook, guard}
    assert set(posting_list_published(county_prefix="4502")) == set()
    assert list(posting_list_published(market=nanning_market)) == [guard, cook, waiter]
    assert AuditEvent.objects.filter(action="posting.published").count() == 3
