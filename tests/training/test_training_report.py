"""The demand-versus-supply report (standard art. 22): a scripted data set computed by hand,
and a number of queries that does not grow with the data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from training_support import (
    COOK,
    TODAY,
    WAITER,
    employer_make,
    other_market_officer_make,
    posting_make,
    programme_make,
    provider_make,
    regions_make,
    seeker_make,
)

from accounts.models import User
from markets.models import Market
from workflows.postings.models import Occupation
from workflows.training.selectors import training_demand_report
from workflows.training.services import training_wish_record

pytestmark = pytest.mark.django_db

PASTRY = "4-03-02-02"


@pytest.fixture(autouse=True)
def _setting(frozen_time: time_machine.Traveller) -> Iterator[None]:
    with translation.override("en"):
        yield


def _report(market: Market) -> list[tuple[str, int, int, int, int, int, int]]:
    return [
        (r.code, r.postings, r.headcount, r.wishes, r.programmes, r.capacity, r.gap)
        for r in training_demand_report(
            market_ids=[market.pk], start=TODAY - timedelta(days=30), end=TODAY
        )
    ]


def test_report_on_a_scripted_data_set_matches_by_hand(
    officer: User, nanning_market: Market
) -> None:
    regions_make()
    employer = employer_make(officer)
    _stranger, liuzhou = other_market_officer_make()
    # Postings: two waiters' jobs (2 + 3 people), a cook's (4); one too old, one elsewhere.
    posting_make(employer, nanning_market, headcount=2)
    posting_make(employer, nanning_market, headcount=3, published_days_ago=5)
    posting_make(employer, nanning_market, occupation=COOK, headcount=4, published_days_ago=10)
    posting_make(employer, nanning_market, headcount=50, published_days_ago=60)
    posting_make(employer, liuzhou, occupation=COOK, headcount=50)
    # Wishes: seeker 0 wants cooking at the counter and in the profile (counted once); seeker 1
    # wants waiting and pastry in the profile.
    first = seeker_make(officer, nanning_market, number=0, training_occupations=[COOK])
    seeker_make(officer, nanning_market, number=1, training_occupations=[WAITER, PASTRY])
    training_wish_record(actor=officer, seeker=first, occupation=Occupation.objects.get(code=COOK))
    # Programmes: one waiters' course of 2 places; a draft and an ended course do not count.
    provider = provider_make(nanning_market)
    programme_make(provider, nanning_market, capacity=2)
    programme_make(provider, nanning_market, capacity=10, is_published=False, title="草稿")
    programme_make(
        provider,
        nanning_market,
        occupation=COOK,
        capacity=10,
        starts_on=TODAY - timedelta(days=90),
        ends_on=TODAY - timedelta(days=40),
        title="旧班",
    )

    assert _report(nanning_market) == [
        # code, postings, people wanted, seekers wishing, programmes, places, gap
        (COOK, 1, 4, 1, 0, 0, 5),
        (WAITER, 2, 5, 1, 1, 2, 4),
        (PASTRY, 0, 0, 1, 0, 0, 1),
    ]
    [cook, *_rest] = training_demand_report(
        market_ids=[nanning_market.pk], start=TODAY - timedelta(days=30), end=TODAY
    )
    assert cook.name == "中式烹调师"
    assert _report(liuzhou) == [(COOK, 1, 50, 0, 0, 0, 50)]


def _queries(market: Market) -> int:
    with CaptureQueriesContext(connection) as captured:
        _report(market)
    return len(captured)


def test_report_queries_do_not_grow_with_the_data(officer: User, nanning_market: Market) -> None:
    regions_make()
    employer = employer_make(officer)
    provider = provider_make(nanning_market)
    seeker_make(officer, nanning_market, number=0, training_occupations=[COOK, PASTRY])
    for n in range(10):
        posting_make(employer, nanning_market, occupation=(COOK, WAITER)[n % 2])
    programme_make(provider, nanning_market)
    small = _queries(nanning_market)
    for n in range(290):
        posting_make(employer, nanning_market, occupation=(COOK, WAITER, PASTRY)[n % 3])
    seeker_make(officer, nanning_market, number=1, training_occupations=["4-03-02-99"])
    programme_make(provider, nanning_market, occupation=COOK, title="烹调班")
    assert (
        sum(
            r.postings
            for r in training_demand_report(market_ids=[nanning_market.pk], start=TODAY, end=TODAY)
        )
        == 300
    )
    assert _queries(nanning_market) == small <= 5
