"""The clock's memory of calendars and policies (issue 14: an intake read the calendar overrides
four times and the policies once): read once per process, and read afresh as soon as a calendar
day, a calendar year or a policy changes, the cache is cleared, or the memory is a minute old."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from conftest import MarketFactory
from django.core.cache import cache

from markets.models import Market
from sla import memo
from sla.models import CalendarDay, CalendarYear, Policy, Target
from sla.selectors import overrides_for, policy_for

pytestmark = pytest.mark.django_db

KIND = "policy_consultation"
HOLIDAY = date(2026, 3, 3)  # a Tuesday


@pytest.fixture
def market() -> Market:
    return MarketFactory.create()


def test_the_overrides_and_the_policy_are_read_once_per_process(
    market: Market, django_assert_num_queries: Callable[..., Any]
) -> None:
    first = overrides_for(market), policy_for(kind=KIND, market=market, target=Target.COMPLETION)

    with django_assert_num_queries(0):
        again = (
            overrides_for(market),
            policy_for(kind=KIND, market=market, target=Target.COMPLETION),
        )

    assert again == first
    assert first[1] is not None


def test_a_new_calendar_day_is_seen_at_once_for_every_market(market: Market) -> None:
    other = MarketFactory.create()
    assert HOLIDAY not in overrides_for(market).days
    assert HOLIDAY not in overrides_for(other).days

    CalendarDay.objects.create(day=HOLIDAY, is_working_day=False)

    assert overrides_for(market).days[HOLIDAY] is False
    assert overrides_for(other).days[HOLIDAY] is False


def test_a_changed_and_a_deleted_day_and_a_new_year_are_seen_at_once(market: Market) -> None:
    day = CalendarDay.objects.create(day=HOLIDAY, is_working_day=False, market=market)
    assert overrides_for(market).days[HOLIDAY] is False

    day.is_working_day = True
    day.save()
    assert overrides_for(market).days[HOLIDAY] is True

    day.delete()
    assert HOLIDAY not in overrides_for(market).days

    CalendarYear.objects.create(year=2040)
    assert 2040 in overrides_for(market).known_years


def test_a_new_policy_of_the_market_is_chosen_at_once(market: Market) -> None:
    default = policy_for(kind=KIND, market=market, target=Target.COMPLETION)
    assert default is not None and default.market_id is None

    own = Policy.objects.create(
        kind=KIND, target=Target.COMPLETION, market=market, amount=2, unit=default.unit
    )
    assert policy_for(kind=KIND, market=market, target=Target.COMPLETION) == own

    own.is_active = False
    own.save()
    assert policy_for(kind=KIND, market=market, target=Target.COMPLETION) == default


def test_the_commit_gives_a_new_version_again(
    market: Market, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """Another process may read the old rows between the change and its commit, and keep them
    under the version the change gave: the commit makes that version old too."""
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(day=HOLIDAY, is_working_day=False)
        during = memo.version(memo.CALENDAR)

    assert memo.version(memo.CALENDAR) != during


def test_rows_changed_behind_the_signals_are_seen_when_the_cache_is_cleared_or_a_minute_on(
    market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert HOLIDAY not in overrides_for(market).days
    CalendarDay.objects.bulk_create([CalendarDay(day=HOLIDAY, is_working_day=False)])  # no signal
    assert HOLIDAY not in overrides_for(market).days  # still remembered

    cache.clear()
    assert overrides_for(market).days[HOLIDAY] is False

    CalendarDay.objects.filter(day=HOLIDAY).update(is_working_day=True)  # no signal either
    assert overrides_for(market).days[HOLIDAY] is False
    later = time.monotonic() + memo.MAX_AGE + 1
    monkeypatch.setattr(time, "monotonic", lambda: later)  # memo reads time.monotonic
    assert overrides_for(market).days[HOLIDAY] is True
