"""Reads for the clock: a market's opening hours and calendar overrides, the policy in force,
and the deadlines pages show."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

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


# --- When open clocks are due (the lists' "due" filter and the dashboard's short lists) -------

DUE_OVERDUE = "overdue"
DUE_TODAY = "today"
DUE_THIS_WEEK = "week"


def _local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def deadline_due_condition(*, due: str, now: datetime) -> Q:
    """The open clocks that are overdue at ``now``, due later today, or due from now until
    the end of this week (Sunday; days in the display time zone).

    A clock paused before its due time is none of these (its due time moves when it goes on);
    one paused after its due time stays overdue. ``ValueError`` for any other ``due``."""
    running = Q(stopped_at__isnull=True, paused_at__isnull=True)
    today = timezone.localdate(now)
    if due == DUE_OVERDUE:
        return Q(stopped_at__isnull=True) & (
            Q(paused_at__isnull=True, due_at__lt=now) | Q(paused_at__gt=F("due_at"))
        )
    if due == DUE_TODAY:
        return running & Q(due_at__gte=now, due_at__lt=_local_day_start(today + timedelta(1)))
    if due == DUE_THIS_WEEK:
        monday = today + timedelta(days=7 - today.weekday())
        return running & Q(due_at__gte=now, due_at__lt=_local_day_start(monday))
    raise ValueError(due)
