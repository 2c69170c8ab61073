"""A posting fills itself when the referrals hired for it reach its headcount (issue 10,
item 4): in the referral-outcome service's transaction, once, also when the last two hires are
recorded at the same moment (real PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone, translation
from guidance_support import employer_make, events_of, posting_make, regions_make, seeker_make

from accounts.models import User
from markets.models import Market
from workflows.guidance.models import Outcome, Referral
from workflows.guidance.services import referral_outcome_set, referral_record
from workflows.postings.models import Posting, Status
from workflows.postings.selectors import posting_list_published
from workflows.postings.services import posting_withdraw


@pytest.fixture
def posting(officer: User, nanning_market: Market) -> Posting:
    regions_make()
    return posting_make(employer_make(officer), nanning_market, headcount=2)


def _referred(officer: User, market: Market, posting: Posting, number: int) -> Referral:
    seeker = seeker_make(officer, market, number=number)
    referral = referral_record(actor=officer, seeker=seeker, posting=posting)
    return referral_outcome_set(actor=officer, referral=referral, outcome=Outcome.REFERRED)


@pytest.mark.django_db
def test_the_hire_that_reaches_the_headcount_fills_the_posting(
    officer: User, nanning_market: Market, posting: Posting, frozen_time: time_machine.Traveller
) -> None:
    with translation.override("en"):
        first, second, third = (_referred(officer, nanning_market, posting, n) for n in range(3))

        referral_outcome_set(actor=officer, referral=first, outcome=Outcome.HIRED)
        assert Posting.objects.get(pk=posting.pk).status == Status.PUBLISHED
        assert events_of("posting.filled") == []

        referral_outcome_set(actor=officer, referral=third, outcome=Outcome.DECLINED)
        assert Posting.objects.get(pk=posting.pk).status == Status.PUBLISHED

        referral_outcome_set(actor=officer, referral=second, outcome=Outcome.HIRED)

    posting.refresh_from_db()
    assert posting.status == Status.FILLED
    assert posting.ended_at is not None
    [filled] = events_of("posting.filled")
    assert filled.actor == officer
    assert filled.old_values == {"status": "published"}
    assert (filled.new_values["how"], filled.new_values["hired"]) == ("hired_out", 2)
    assert filled.new_values["headcount"] == 2
    # The hire and the fill are one transaction: the hire's event comes just before.
    assert [e.action for e in events_of("guidance.referral_outcome")][-1:] == [
        "guidance.referral_outcome"
    ]
    assert events_of("guidance.referral_outcome")[-1].pk < filled.pk
    assert posting.history.latest("history_id").history_user == officer
    assert not posting_list_published().filter(pk=posting.pk).exists()


@pytest.mark.django_db
def test_a_hire_for_a_posting_no_longer_published_changes_nothing_more(
    officer: User, nanning_market: Market, posting: Posting, frozen_time: time_machine.Traveller
) -> None:
    single = posting_make(Posting.objects.get(pk=posting.pk).employer, nanning_market, headcount=1)
    referral = _referred(officer, nanning_market, single, 0)
    posting_withdraw(actor=officer, posting=single, reason="用工主体取消招聘")

    referral_outcome_set(actor=officer, referral=referral, outcome=Outcome.HIRED)

    assert Posting.objects.get(pk=single.pk).status == Status.WITHDRAWN
    assert events_of("posting.filled") == []


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks (SELECT … FOR UPDATE) and real concurrent connections: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_the_last_two_hires_recorded_at_once_fill_the_posting_exactly_once(
    officer: User, nanning_market: Market
) -> None:
    # Real time here (threads and a frozen clock do not mix): the posting runs from today.
    regions_make()
    today = timezone.localdate()
    posting = posting_make(
        employer_make(officer),
        nanning_market,
        headcount=2,
        start_date=today,
        end_date=today + timedelta(days=28),
    )
    referrals = [_referred(officer, nanning_market, posting, n) for n in range(2)]
    start = threading.Barrier(len(referrals))
    errors: list[BaseException] = []

    def hire(referral_pk: int) -> None:
        try:
            stale = Referral.objects.get(pk=referral_pk)
            start.wait(timeout=30)
            referral_outcome_set(actor=officer, referral=stale, outcome=Outcome.HIRED)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=hire, args=(r.pk,)) for r in referrals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Referral.objects.filter(posting=posting, outcome=Outcome.HIRED).count() == 2
    assert Posting.objects.get(pk=posting.pk).status == Status.FILLED
    [filled] = events_of("posting.filled")
    assert filled.new_values["hired"] == 2
