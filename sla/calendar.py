"""The working-day calendar (工作日历) behind time-limited completion (限时办结).

Pure functions, no database: the statutory calendar (holidays and make-up working days, 调休)
comes from the ``chinesecalendar`` package, local and future-year knowledge from administrators
as :class:`Overrides` handed in by the caller, and opening hours as :class:`OpeningHours`.

A day that neither source knows is never guessed silently: it falls back to Monday–Friday and
is marked *estimated*, so that the caller can tell administrators (see :func:`years_estimated`).

All instants are aware; they are read and returned in Shanghai time, the business zone.
Shanghai has had no daylight saving time since 1991, so a working day's wall-clock periods
have their nominal length.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import chinese_calendar

__all__ = [
    "SHANGHAI",
    "DayStatus",
    "OpeningHours",
    "Overrides",
    "WorkingDate",
    "WorkingInstant",
    "add_working_days",
    "add_working_time",
    "day_status",
    "end_of_working_day",
    "is_working_day",
    "working_time_between",
    "years_estimated",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")

_ONE_DAY = timedelta(days=1)


# --- Days -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overrides:
    """What administrators entered: single days, and years whose whole schedule they entered.

    ``days[d]`` is True for a working day, False for a day off; it wins over the statutory
    calendar (a local closure, a make-up day the package does not know yet). Days of a year in
    ``known_years`` that are not in ``days`` follow plain Monday–Friday and are not estimated.
    """

    days: Mapping[date, bool] = field(default_factory=dict, hash=False)
    known_years: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        for day in self.days:
            _require_date(day)
        # A private, read-only copy: a frozen value must not change behind the caller's back.
        object.__setattr__(self, "days", MappingProxyType(dict(self.days)))
        object.__setattr__(self, "known_years", frozenset(self.known_years))


_NO_OVERRIDES = Overrides()


@dataclass(frozen=True)
class DayStatus:
    working: bool
    estimated: bool


def day_status(day: date, overrides: Overrides | None = None) -> DayStatus:
    """Whether ``day`` is a working day, and whether that was estimated.

    Order: an override for that day, then the statutory calendar, then a year administrators
    declared known (plain Monday–Friday), else Monday–Friday *estimated*.
    """
    _require_date(day)
    overrides = overrides or _NO_OVERRIDES
    if day in overrides.days:
        return DayStatus(working=overrides.days[day], estimated=False)
    statutory = _statutory_working(day)
    if statutory is not None:
        return DayStatus(working=statutory, estimated=False)
    return DayStatus(working=day.weekday() < 5, estimated=day.year not in overrides.known_years)


def is_working_day(day: date, overrides: Overrides | None = None) -> bool:
    return day_status(day, overrides).working


def years_estimated(first: date, last: date, overrides: Overrides | None = None) -> set[int]:
    """The years in ``first`` … ``last`` (both included) of which some day was estimated."""
    years: set[int] = set()
    for year in range(first.year, last.year + 1):
        span_start = max(first, date(year, 1, 1))
        span_end = min(last, date(year, 12, 31))
        # Stops at the first estimated day: in practice the first day not overridden.
        if any(day_status(day, overrides).estimated for day in _days(span_start, span_end)):
            years.add(year)
    return years


@dataclass(frozen=True)
class WorkingDate:
    day: date
    estimated: bool


def add_working_days(start: date, n: int, overrides: Overrides | None = None) -> WorkingDate:
    """The ``n``-th working day after ``start``.

    ``n == 0`` gives ``start`` itself if it is a working day, else the next working day. The
    result is estimated if any day looked at on the way (after ``start``, or from ``start`` when
    ``n == 0``) was estimated.
    """
    if n < 0:
        raise ValueError(f"n must be zero or more, not {n}")
    estimated = False
    day = start
    if n == 0:
        status = day_status(day, overrides)
        estimated = status.estimated
        if status.working:
            return WorkingDate(day=day, estimated=estimated)
        n = 1
    while n:
        day += _ONE_DAY
        status = day_status(day, overrides)
        estimated = estimated or status.estimated
        if status.working:
            n -= 1
    return WorkingDate(day=day, estimated=estimated)


# --- Hours ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningHours:
    """A market's opening hours on a working day, wall-clock in Shanghai, with optional lunch."""

    opens_at: time
    closes_at: time
    lunch_starts_at: time | None = None
    lunch_ends_at: time | None = None

    def __post_init__(self) -> None:
        times = [self.opens_at, self.closes_at, self.lunch_starts_at, self.lunch_ends_at]
        if any(t is not None and t.tzinfo is not None for t in times):
            raise ValueError("opening hours are wall-clock times in Shanghai: give naive times")
        if (self.lunch_starts_at is None) != (self.lunch_ends_at is None):
            raise ValueError("give both the start and the end of the lunch break, or neither")
        boundaries = [moment for period in self.periods for moment in period]
        if any(a >= b for a, b in itertools.pairwise(boundaries)):
            raise ValueError(
                "opening hours must run in order: opens, lunch starts, lunch ends, closes"
            )

    @property
    def periods(self) -> tuple[tuple[time, time], ...]:
        """The opening periods of a working day: one, or two around lunch."""
        if self.lunch_starts_at is None or self.lunch_ends_at is None:
            return ((self.opens_at, self.closes_at),)
        return (
            (self.opens_at, self.lunch_starts_at),
            (self.lunch_ends_at, self.closes_at),
        )


@dataclass(frozen=True)
class WorkingInstant:
    at: datetime
    estimated: bool


def working_time_between(
    start: datetime,
    end: datetime,
    hours: OpeningHours,
    overrides: Overrides | None = None,
) -> timedelta:
    """The opening time (working days only, lunch excluded) between two instants."""
    start, end = _local(start), _local(end)
    total = timedelta(0)
    if end <= start:
        return total
    for day in _days(start.date(), end.date()):
        if not is_working_day(day, overrides):
            continue
        for opens, closes in _periods_on(day, hours):
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta(0):
                total += overlap
    return total


def add_working_time(
    start: datetime,
    duration: timedelta,
    hours: OpeningHours,
    overrides: Overrides | None = None,
) -> WorkingInstant:
    """The first instant by which ``duration`` of opening time has passed since ``start``.

    A start outside opening hours counts from the next opening. Ending exactly at a closing
    time (or the start of lunch) gives that closing time. Estimated if any day looked at, from
    the day of ``start`` on, was estimated.
    """
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative, not {duration}")
    cursor = _local(start)
    remaining = duration
    estimated = False
    day = cursor.date()
    while True:
        status = day_status(day, overrides)
        estimated = estimated or status.estimated
        if status.working:
            for opens, closes in _periods_on(day, hours):
                if closes <= cursor:
                    continue
                begin = max(opens, cursor)
                if remaining <= closes - begin:
                    return WorkingInstant(at=begin + remaining, estimated=estimated)
                remaining -= closes - begin
                cursor = closes
        day += _ONE_DAY


def end_of_working_day(
    day: date, hours: OpeningHours, overrides: Overrides | None = None
) -> WorkingInstant:
    """Closing time of ``day`` if it is a working day, else of the next working day."""
    working = add_working_days(day, 0, overrides)
    return WorkingInstant(
        at=datetime.combine(working.day, hours.closes_at, tzinfo=SHANGHAI),
        estimated=working.estimated,
    )


# --- Helpers --------------------------------------------------------------------------------


@functools.cache
def _statutory_working(day: date) -> bool | None:
    """The statutory answer for ``day``, or None for a year the package has no data for."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def _require_date(day: date) -> None:
    # A datetime is a date too, but its calendar day depends on its zone: refuse it rather than
    # pick a day silently (the package would take the datetime's own wall-clock date).
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date, got {type(day).__name__}")


def _local(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {instant.isoformat()}")
    return instant.astimezone(SHANGHAI)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


def _periods_on(day: date, hours: OpeningHours) -> Iterator[tuple[datetime, datetime]]:
    for opens, closes in hours.periods:
        yield (
            datetime.combine(day, opens, tzinfo=SHANGHAI),
            datetime.combine(day, closes, tzinfo=SHANGHAI),
        )
