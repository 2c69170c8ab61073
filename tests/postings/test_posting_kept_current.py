"""Keeping postings current (issue 10, item 4): filled by hand, withdrawn with a reason, the
last working day extended within the rules; each change an audit event with old and new
values, and a field-history row naming the officer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from posting_support import actions_since, audit_mark, employer_make, posting_data, qingxiu_make

from accounts.models import User
from cases.models import Applicant
from cases.services import CaseActionError
from markets.models import Market
from workflows.postings.models import Posting, Status
from workflows.postings.selectors import posting_list_published
from workflows.postings.services import (
    posting_extend,
    posting_fill,
    posting_intake,
    posting_intake_and_publish,
    posting_withdraw,
)
from workflows.postings.validation import DURATION_MAX_DAYS

pytestmark = pytest.mark.django_db

POSTING = "postings.posting"


@pytest.fixture(autouse=True)
def _setting(frozen_time: time_machine.Traveller) -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def published(officer: User, nanning_market: Market) -> Posting:
    qingxiu_make()
    employer: Applicant = employer_make(officer)
    return posting_intake_and_publish(
        actor=officer, market=nanning_market, employer=employer, data=posting_data()
    )


def _last_event(posting: Posting) -> dict[str, object]:
    from audit.models import AuditEvent

    event = AuditEvent.objects.filter(target_type=POSTING, target_id=str(posting.pk)).latest("pk")
    return {
        "action": event.action,
        "actor": event.actor,
        "old": event.old_values,
        "new": {
            key: event.new_values[key]
            for key in ("status", "how", "end_date")
            if key in event.new_values
        },
    }


def test_officer_marks_a_posting_filled_by_hand_and_the_trail_says_so(
    officer: User, published: Posting
) -> None:
    mark = audit_mark()

    posting = posting_fill(actor=officer, posting=published)

    assert posting.status == Status.FILLED
    assert actions_since(mark) == [("posting.filled", POSTING)]
    assert _last_event(posting) == {
        "action": "posting.filled",
        "actor": officer,
        "old": {"status": "published"},
        "new": {"status": "filled", "how": "by_hand"},
    }
    assert posting.history.latest("history_id").history_user == officer
    assert not posting_list_published().exists()


def test_withdrawing_a_published_posting_needs_a_reason(officer: User, published: Posting) -> None:
    with pytest.raises(ValidationError) as refused:
        posting_withdraw(actor=officer, posting=published, reason="   ")
    assert "reason" in refused.value.message_dict
    assert Posting.objects.get(pk=published.pk).status == Status.PUBLISHED

    mark = audit_mark()
    posting = posting_withdraw(actor=officer, posting=published, reason="用工主体取消招聘")

    assert posting.status == Status.WITHDRAWN
    assert actions_since(mark) == [("posting.withdrawn", POSTING)]
    assert not posting_list_published().exists()


def test_extending_moves_the_last_working_day_and_records_old_and_new(
    officer: User, published: Posting
) -> None:
    assert published.end_date == date(2026, 3, 31)
    mark = audit_mark()

    posting = posting_extend(actor=officer, posting=published, end_date="2026-04-30")

    assert posting.end_date == date(2026, 4, 30)
    assert Posting.objects.get(pk=published.pk).end_date == date(2026, 4, 30)
    assert actions_since(mark) == [("posting.extended", POSTING)]
    assert _last_event(posting) == {
        "action": "posting.extended",
        "actor": officer,
        "old": {"end_date": "2026-03-31"},
        "new": {"status": "published", "end_date": "2026-04-30"},
    }
    assert posting.history.latest("history_id").history_user == officer
    assert posting.status == Status.PUBLISHED


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Last working day: this is required"),
        ("next month", "Last working day: enter a real date as YYYY-MM-DD."),
        ("2026-03-31", "must be later than the present last working day (2026-03-31)"),
        ("2026-03-20", "must be later than the present last working day (2026-03-31)"),
        ("2027-03-04", "the latest possible is 2027-03-03"),
    ],
)
def test_an_extension_outside_the_rules_is_refused_with_a_clear_message(
    officer: User, published: Posting, value: str, message: str
) -> None:
    mark = audit_mark()

    with pytest.raises(ValidationError) as refused:
        posting_extend(actor=officer, posting=published, end_date=value)

    assert any(message in text for text in refused.value.message_dict["end_date"])
    assert Posting.objects.get(pk=published.pk).end_date == date(2026, 3, 31)
    assert actions_since(mark) == []


def test_the_longest_extension_the_rules_allow_is_accepted(
    officer: User, published: Posting
) -> None:
    latest = date.fromordinal(published.start_date.toordinal() + DURATION_MAX_DAYS - 1)

    posting = posting_extend(actor=officer, posting=published, end_date=latest.isoformat())

    assert posting.end_date == latest


def test_an_extension_into_the_past_is_refused(
    officer: User, published: Posting, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.shift(60 * 60 * 24 * 40)  # 2026-04-11: the posting's last day has passed

    with pytest.raises(ValidationError) as refused:
        posting_extend(actor=officer, posting=published, end_date="2026-04-05")

    assert any("must not be in the past" in m for m in refused.value.message_dict["end_date"])


def test_an_ended_posting_is_not_extended_and_another_market_may_not(
    officer: User, published: Posting, nanning_market: Market
) -> None:
    from conftest import MarketFactory, UserFactory

    from markets.models import Membership, Role

    stranger = UserFactory.create(username="elsewhere")
    Membership.objects.create(
        user=stranger, role=Role.OFFICER, market=MarketFactory.create(region=nanning_market.region)
    )
    with pytest.raises(PermissionDenied):
        posting_extend(actor=stranger, posting=published, end_date="2026-04-30")

    posting_fill(actor=officer, posting=published)
    with pytest.raises(CaseActionError):
        posting_extend(actor=officer, posting=published, end_date="2026-04-30")
    assert Posting.objects.get(pk=published.pk).end_date == date(2026, 3, 31)


def test_a_posting_in_review_may_be_extended_too(officer: User, nanning_market: Market) -> None:
    qingxiu_make()
    in_review = posting_intake(
        actor=officer,
        market=nanning_market,
        channel="online",
        employer=employer_make(officer),
        data=posting_data(),
    )

    posting = posting_extend(actor=officer, posting=in_review, end_date="2026-04-15")

    assert (posting.status, posting.end_date) == (Status.IN_REVIEW, date(2026, 4, 15))
