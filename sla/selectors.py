"""Reads for the clock: a market's opening hours and calendar overrides, the policy in force,
and the deadlines pages show."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from markets.models import Market

from . import calendar as cal
from .models import CalendarDay, CalendarYear, Deadline, Policy


def market_hours(market: Market) -> cal.OpeningHours:
    return cal.OpeningHours(
        opens_at=market.opens_at,
        closes_at=market.closes_at,
        lunch_starts_at=market.lunch_starts_at,
        lunch_ends_at=market.lunch_ends_at,
    )


def overrides_for(market: Market | None) -> cal.Overrides:
    """Days entered for every market and for this one (the market's own entry wins)."""
    rows = list(CalendarDay.objects.filter(Q(market__isnull=True) | Q(market=market)))
    days: dict[date, bool] = {}
    for row in sorted(rows, key=lambda row: row.market_id is not None):
        days[row.day] = row.is_working_day
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    return cal.Overrides(days=days, known_years=years)


def policy_for(*, kind: str, market: Market, target: str, channel: str = "") -> Policy | None:
    """The most specific policy in force for the kind and target: the market's own for this
    channel, the market's own, the default for this channel, then the default."""
    policies = Policy.objects.filter(kind=kind, target=target, is_active=True).filter(
        Q(market=market) | Q(market__isnull=True),
        Q(channel=channel) | Q(channel=""),
    )
    return max(
        policies,
        key=lambda policy: (policy.market_id is not None, policy.channel != ""),
        default=None,
    )


def deadline_list_for(*, subject_type: str, subject_ids: list[int]) -> QuerySet[Deadline]:
    deadlines: QuerySet[Deadline] = Deadline.objects.filter(
        subject_type=subject_type, subject_id__in=subject_ids
    )
    return deadlines


def deadline_list_open_for_market(*, market: Market) -> QuerySet[Deadline]:
    deadlines: QuerySet[Deadline] = Deadline.objects.filter(market=market, stopped_at__isnull=True)
    return deadlines
