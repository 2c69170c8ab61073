"""Reads for the clock: a market's opening hours and calendar overrides, the policy in force,
and the deadlines pages show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q, QuerySet, Transform
from django.utils import timezone

from markets.models import Market

from . import calendar as cal
from . import memo
from .models import CalendarDay, CalendarYear, Deadline, Policy, time_limit_text

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType


def market_hours(market: Market) -> cal.OpeningHours:
    return cal.OpeningHours(
        opens_at=market.opens_at,
        closes_at=market.closes_at,
        lunch_starts_at=market.lunch_starts_at,
        lunch_ends_at=market.lunch_ends_at,
    )


def overrides_for(market: Market | None) -> cal.Overrides:
    """Days entered for every market and for this one (the market's own entry wins); kept in
    this process's memory until the calendar changes (``sla.memo``)."""
    return memo.remembered(
        memo.CALENDAR, market.pk if market else None, lambda: _overrides_read(market)
    )


def _overrides_read(market: Market | None) -> cal.Overrides:
    rows = list(CalendarDay.objects.filter(Q(market__isnull=True) | Q(market=market)))
    days: dict[date, bool] = {}
    for row in sorted(rows, key=lambda row: row.market_id is not None):
        days[row.day] = row.is_working_day
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    return cal.Overrides(days=days, known_years=years)


def policy_most_specific(policies: Iterable[Policy], *, channel: str = "") -> Policy | None:
    """Of the policies in force for one kind, target and market (the market's own and the
    defaults), the one a case taken in through ``channel`` runs on: the market's own for this
    channel, the market's own, the default for this channel, then the default."""
    candidates = [policy for policy in policies if policy.channel in ("", channel)]
    return max(
        candidates,
        key=lambda policy: (policy.market_id is not None, policy.channel != ""),
        default=None,
    )


def policy_for(*, kind: str, market: Market, target: str, channel: str = "") -> Policy | None:
    """The most specific policy in force for the kind and target (``policy_most_specific``);
    kept in this process's memory until a policy changes (``sla.memo``)."""

    def read() -> Policy | None:
        policies = Policy.objects.filter(kind=kind, target=target, is_active=True).filter(
            Q(market=market) | Q(market__isnull=True),
            Q(channel=channel) | Q(channel=""),
        )
        return policy_most_specific(policies, channel=channel)

    return memo.remembered(memo.POLICIES, (kind, market.pk, target, channel), read)


@dataclass(frozen=True)
class PublishedLimit:
    """A kind's published time limit at a market (服务时限公示): the policy a case taken in
    through any channel runs on (``policy``; None when only some channels have one), and
    the channels whose cases run on another one (``by_channel``: channel code and policy)."""

    kind: str
    policy: Policy | None
    by_channel: tuple[tuple[str, Policy], ...]


def policy_published_for_market(*, market: Market, target: str) -> dict[str, PublishedLimit]:
    """{kind: its published limit} of every kind with a policy in force at ``market`` for
    ``target``, in one query. Chosen by ``policy_most_specific``, as ``deadline_start``
    chooses for each new case, so the board and the cases cannot disagree."""
    by_kind: dict[str, list[Policy]] = {}
    policies = Policy.objects.filter(target=target, is_active=True).filter(
        Q(market=market) | Q(market__isnull=True)
    )
    for policy in policies.order_by("kind", "pk"):
        by_kind.setdefault(policy.kind, []).append(policy)
    published: dict[str, PublishedLimit] = {}
    for kind, candidates in by_kind.items():
        general = policy_most_specific(candidates)
        channels = sorted({policy.channel for policy in candidates if policy.channel})
        others = []
        for channel in channels:
            chosen = policy_most_specific(candidates, channel=channel)
            if chosen is not None and (general is None or chosen.pk != general.pk):
                others.append((channel, chosen))
        published[kind] = PublishedLimit(kind=kind, policy=general, by_channel=tuple(others))
    return published


@dataclass(frozen=True)
class TimeAllowed:
    """What a policy allowed: ``amount`` ``unit`` (``text``: in words, active language)."""

    amount: int
    unit: str

    @property
    def text(self) -> str:
        return time_limit_text(self.amount, self.unit)


def policy_time_allowed_at(*, policy: Policy, when: datetime) -> TimeAllowed | None:
    """The time ``policy`` allowed at ``when``. Policies are edited in place, with history,
    and a change applies to cases opened afterwards: so its latest history row at or before
    ``when``; its current values when it has no history at all (never changed); None when its
    only history is later (a seeded row changed since: what it said before is not recorded)."""
    row = policy.history.filter(history_date__lte=when).order_by("-history_date", "-pk").first()
    if row is not None:
        return TimeAllowed(amount=row.amount, unit=row.unit)
    if not policy.history.exists():
        return TimeAllowed(amount=policy.amount, unit=policy.unit)
    return None


def deadline_list_for(*, subject_type: str, subject_ids: list[int]) -> QuerySet[Deadline]:
    deadlines: QuerySet[Deadline] = Deadline.objects.filter(
        subject_type=subject_type, subject_id__in=subject_ids
    )
    return deadlines


# --- When open clocks are due (the lists' "due" filter and the dashboard's short lists) -------

DUE_OVERDUE = "overdue"
DUE_TODAY = "today"
DUE_THIS_WEEK = "week"


def day_start(day: date) -> datetime:
    """The first instant of ``day`` in the display time zone."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


class NoIndex(Transform):
    """``overdue_after__no_index__…``: the column's value, which no index may serve. On SQLite
    ``+column``, its documented way to keep the planner from leading with an index on that
    column; elsewhere the column itself (PostgreSQL weighs the choice with its statistics)."""

    lookup_name = "no_index"
    template = "%(expressions)s"

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


# On the column's own field (a generated one: its lookups are its output field's), no other.
_overdue_after = Deadline._meta.get_field("overdue_after")
assert isinstance(_overdue_after, models.GeneratedField)  # noqa: S101
assert _overdue_after.output_field is not None  # noqa: S101
_overdue_after.output_field.register_lookup(NoIndex)


def deadline_due_condition(
    *, due: str, now: datetime, through: str = "", by_index: bool = True
) -> Q:
    """The open clocks that are overdue at ``now``, due later today, or due from now until
    the end of this week (Sunday; days in the display time zone).

    A clock paused before its due time is none of these (its due time moves when it goes on);
    one paused after its due time stays overdue. Each is one range of ``overdue_after``, which
    the database keeps by those rules. ``through`` reaches the clock from another model
    (``"completion_clock__"``). ``by_index=False`` when the caller's other conditions pick
    fewer rows than the range would (a station's cases): SQLite then checks the range on the
    rows they lead to instead of walking the range. ``ValueError`` for any other ``due``."""
    today = timezone.localdate(now)
    if due == DUE_OVERDUE:
        start, end = None, now
    elif due == DUE_TODAY:
        start, end = now, day_start(today + timedelta(1))
    elif due == DUE_THIS_WEEK:
        start, end = now, day_start(today + timedelta(days=7 - today.weekday()))
    else:
        raise ValueError(due)
    bounds = {"lt": end} if start is None else {"gte": start, "lt": end}
    field = f"{through}overdue_after" + ("" if by_index else "__no_index")
    return Q(**{f"{field}__{lookup}": bound for lookup, bound in bounds.items()})
