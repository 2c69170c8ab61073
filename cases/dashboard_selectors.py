"""Reads for the charts of the supervision dashboards (图表): the team lead's dashboard of one
market and the inspector's region view, which rolls the same figures up by market.

Every read is one aggregate query (``GROUP BY`` with ``Count(filter=Q(...))``, a week as a
range of times from Monday 00:00 in the display time zone): the number of queries never
grows with the number of cases, weeks, officers or markets. Each takes ``market_ids`` (one
market for the team lead, every market of the region for the inspector) and, where the
figures are split, ``by`` the officer (the case's current owner) or the market.

Definitions (the help texts of the pages say the same):

- On-time rate per week (按周按时办结率): completion clocks stopped in the week (Monday to
  Sunday, Asia/Shanghai) with ``met`` ÷ all stopped in it; withdrawn cases' clocks (``met``
  None) count in neither. A week with none stopped has no rate (None), not 0 %.
- Due-soon and overdue trend (临期、超期趋势): the reminders the sweep created in each week,
  "due soon" (warning) and "overdue" (breach); the sweep creates each once per clock, so each
  clock counts once, in the week it became due soon or overdue.
- Cases by state and kind: the cases opened in the period, by their state now.
- Workload (工作量): the open cases (not yet resolved, closed or withdrawn) by owner, or by
  market, and their state; plus the open completion clocks due soon and overdue now.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from cases.counters import case_counts_open, case_counts_opened
from cases.models import Case, open_state_condition
from cases.permissions import inspected_prefixes
from cases.services import CASE_SUBJECT
from cases.sla_selectors import Rate
from markets.models import Market
from sla.counters import ALL_KINDS, ALL_OFFICERS, deadline_figures, reminder_counts_by_day
from sla.models import Deadline, DeadlineCount, Level, Reminder, Target
from sla.selectors import DUE_OVERDUE, day_start, deadline_due_condition

WEEKS = 12  # weeks of the trend charts, up to the period's last day

By = Literal["officer", "market"]


@dataclass(frozen=True)
class WeekRate(Rate):
    week: date  # its Monday


@dataclass(frozen=True)
class WeekAlerts:
    week: date
    due_soon: int
    overdue: int


def weeks_up_to(last: date, *, count: int = WEEKS) -> list[date]:
    """The Mondays of the ``count`` weeks that end with the week of ``last``, oldest first."""
    monday = last - timedelta(days=last.weekday())
    return [monday - timedelta(weeks=back) for back in range(count - 1, -1, -1)]


def _completion_clocks(market_ids: Sequence[int]) -> Q:
    return Q(subject_type=CASE_SUBJECT, market_id__in=list(market_ids), target=Target.COMPLETION)


def _in_week(field: str, week: date) -> Q:
    return Q(
        **{f"{field}__gte": day_start(week), f"{field}__lt": day_start(week + timedelta(weeks=1))}
    )


def sla_on_time_by_week(*, market_ids: Sequence[int], weeks: Sequence[date]) -> list[WeekRate]:
    """The on-time rate of each week of ``weeks`` (Mondays), all markets together; one query
    on the dashboard counters (the markets' rows of the days of those weeks)."""
    if not weeks:
        return []
    stopped: dict[date, int] = dict.fromkeys(weeks, 0)
    met: dict[date, int] = dict.fromkeys(weeks, 0)
    figures = _stopped_by_day(market_ids, weeks[0], weeks[-1] + timedelta(days=6))
    for (_market, day), (n_stopped, n_met) in figures.items():
        monday = day - timedelta(days=day.weekday())
        if monday in stopped:
            stopped[monday] += n_stopped
            met[monday] += n_met
    return [WeekRate(week=week, stopped=stopped[week], met=met[week]) for week in weeks]


def _stopped_by_day(
    market_ids: Sequence[int], first: date, last: date
) -> dict[tuple[int, date], tuple[int, int]]:
    """{(market id, day): (completion clocks stopped, met)} from the dashboard counters, the
    days from ``first`` to ``last``; one query."""
    rows = (
        DeadlineCount.objects.filter(
            subject_type=CASE_SUBJECT,
            market_id__in=list(market_ids),
            status__in=[DeadlineCount.Status.MET, DeadlineCount.Status.LATE],
            day__gte=first,
            day__lte=last,
            officer=ALL_OFFICERS,
            kind=ALL_KINDS,
        )
        .values("market_id", "day")
        .annotate(n_stopped=Sum("n"), n_met=Sum("n", filter=Q(status=DeadlineCount.Status.MET)))
        .values_list("market_id", "day", "n_stopped", "n_met")
        .order_by()
    )
    return {(market, day): (n_stopped or 0, n_met or 0) for market, day, n_stopped, n_met in rows}


def sla_on_time_by_week_scanned(
    *, market_ids: Sequence[int], weeks: Sequence[date]
) -> list[WeekRate]:
    """The reference of ``sla_on_time_by_week``, counted over every clock (its cost grows with
    them): the on-time rate of each week of ``weeks``, all markets together; one query. Each
    week is a conditional count over a range of the stopped times."""
    if not weeks:
        return []
    counts: dict[str, Any] = {}
    for i, week in enumerate(weeks):
        in_week = _in_week("stopped_at", week)
        counts[f"stopped_{i}"] = Count("pk", filter=in_week)
        counts[f"met_{i}"] = Count("pk", filter=in_week & Q(met=True))
    found = Deadline.objects.filter(
        _completion_clocks(market_ids),
        stopped_at__gte=day_start(weeks[0]),
        stopped_at__lt=day_start(weeks[-1] + timedelta(weeks=1)),
        met__isnull=False,
    ).aggregate(**counts)
    return [
        WeekRate(week=week, stopped=found[f"stopped_{i}"] or 0, met=found[f"met_{i}"] or 0)
        for i, week in enumerate(weeks)
    ]


def sla_alerts_by_week(*, market_ids: Sequence[int], weeks: Sequence[date]) -> list[WeekAlerts]:
    """The clocks that became due soon and overdue in each week of ``weeks``: one query on the
    reminders' counters (``sla.counters``, a row per market, day and level)."""
    if not weeks:
        return []
    by_day = reminder_counts_by_day(
        subject_type=CASE_SUBJECT,
        market_ids=market_ids,
        first=weeks[0],
        last=weeks[-1] + timedelta(days=6),
        levels=[Level.WARNING, Level.BREACH],
    )
    found: Counter[tuple[date, str]] = Counter()
    for (day, level), n in by_day.items():
        found[(day - timedelta(days=day.weekday()), level)] += n
    return [
        WeekAlerts(week, found[(week, Level.WARNING)], found[(week, Level.BREACH)])
        for week in weeks
    ]


def sla_alerts_by_week_scanned(
    *, market_ids: Sequence[int], weeks: Sequence[date]
) -> list[WeekAlerts]:
    """``sla_alerts_by_week`` counted over the reminders themselves (the reference the
    counters are checked against): a conditional count per week over every reminder of the
    weeks, each joined to its clock for its market."""
    if not weeks:
        return []
    counts: dict[str, Any] = {}
    for i, week in enumerate(weeks):
        in_week = _in_week("created_at", week)
        counts[f"soon_{i}"] = Count("pk", filter=in_week & Q(level=Level.WARNING))
        counts[f"late_{i}"] = Count("pk", filter=in_week & Q(level=Level.BREACH))
    found = Reminder.objects.filter(
        deadline__subject_type=CASE_SUBJECT,
        deadline__market_id__in=list(market_ids),
        deadline__target=Target.COMPLETION,
        level__in=[Level.WARNING, Level.BREACH],
        created_at__gte=day_start(weeks[0]),
        created_at__lt=day_start(weeks[-1] + timedelta(weeks=1)),
    ).aggregate(**counts)
    return [
        WeekAlerts(week, found[f"soon_{i}"] or 0, found[f"late_{i}"] or 0)
        for i, week in enumerate(weeks)
    ]


def sla_on_time_by_market(
    *, market_ids: Sequence[int], starts_at: datetime, ends_before: datetime
) -> dict[int, tuple[int, int]]:
    """{market id: (clocks stopped, met)} of the clocks stopped in the period (whole days in
    the display time zone); one query on the dashboard counters. Markets with none stopped are
    left out."""
    last = timezone.localdate(ends_before - timedelta(microseconds=1))
    found: dict[int, tuple[int, int]] = {}
    for (market, _day), (n_stopped, n_met) in _stopped_by_day(
        market_ids, timezone.localdate(starts_at), last
    ).items():
        stopped, met = found.get(market, (0, 0))
        found[market] = (stopped + n_stopped, met + n_met)
    return {market: counts for market, counts in found.items() if counts[0]}


def sla_open_alerts_by_market(
    *, market_ids: Sequence[int], now: datetime
) -> dict[int, tuple[int, int]]:
    """{market id: (due soon, overdue)} of the open completion clocks at ``now``, from the
    dashboard counters (three queries whatever the number of clocks). Due soon: running,
    warned, not yet due; overdue: past due (a clock paused after its due time stays overdue),
    as on the team lead's dashboard. Markets with neither are left out."""
    figures = deadline_figures(subject_type=CASE_SUBJECT, market_ids=market_ids, now=now)
    found = {
        market: (line.due_soon + line.warned_due_today, line.overdue)
        for (market, _officer, _kind), line in figures.items()
    }
    return {market: counts for market, counts in found.items() if any(counts)}


def sla_on_time_by_market_scanned(
    *, market_ids: Sequence[int], starts_at: datetime, ends_before: datetime
) -> dict[int, tuple[int, int]]:
    """{market id: (clocks stopped, met)} of the clocks stopped in the period; one query.
    Markets with none stopped are left out."""
    rows = (
        Deadline.objects.filter(
            _completion_clocks(market_ids),
            stopped_at__gte=starts_at,
            stopped_at__lt=ends_before,
            met__isnull=False,
        )
        .values("market_id")
        .annotate(n_stopped=Count("pk"), n_met=Count("pk", filter=Q(met=True)))
        .values_list("market_id", "n_stopped", "n_met")
        .order_by()
    )
    return {market_id: (stopped, met) for market_id, stopped, met in rows}


def sla_open_alerts_by_market_scanned(
    *, market_ids: Sequence[int], now: datetime
) -> dict[int, tuple[int, int]]:
    """{market id: (due soon, overdue)} of the open completion clocks at ``now``; one query.
    Due soon: running, warned, not yet due; overdue: past due (a clock paused after its due
    time stays overdue), as on the team lead's dashboard."""
    running = Q(stopped_at__isnull=True, paused_at__isnull=True)
    overdue = deadline_due_condition(due=DUE_OVERDUE, now=now)
    rows = (
        Deadline.objects.filter(_completion_clocks(market_ids), stopped_at__isnull=True)
        .values("market_id")
        .annotate(
            n_due_soon=Count("pk", filter=running & Q(warn_at__lte=now, due_at__gte=now)),
            n_overdue=Count("pk", filter=overdue),
        )
        .values_list("market_id", "n_due_soon", "n_overdue")
        .order_by()
    )
    return {market_id: (due_soon, late) for market_id, due_soon, late in rows}


def case_counts_by_kind_and_state(
    *, market_ids: Sequence[int], starts_at: datetime, ends_before: datetime, by: str = "kind"
) -> dict[tuple[object, str], int]:
    """{(kind or market id, state now): cases} of the cases opened in the period (whole local
    days: ``starts_at`` and ``ends_before`` are midnights); one query over the cases' counters
    (``cases.counters``). ``by`` is "kind" or "market_id"."""
    if by not in {"kind", "market_id"}:
        raise ValueError(f"cannot count cases by {by!r}")
    zone = timezone.get_default_timezone()
    if any(timezone.localtime(at, zone).time() != time.min for at in (starts_at, ends_before)):
        raise ValueError("the counters count whole days: the period must start at midnight")
    first = timezone.localdate(starts_at, zone)
    last = timezone.localdate(ends_before, zone) - timedelta(days=1)
    return case_counts_opened(market_ids=market_ids, first=first, last=last, by=by)


def case_counts_by_kind_and_state_scanned(
    *, market_ids: Sequence[int], starts_at: datetime, ends_before: datetime, by: str = "kind"
) -> dict[tuple[object, str], int]:
    """``case_counts_by_kind_and_state`` counted from the cases themselves: the reference the
    counters are tested against (a month of a market's cases read row by row)."""
    rows = (
        Case.objects.filter(
            market_id__in=list(market_ids), opened_at__gte=starts_at, opened_at__lt=ends_before
        )
        .values(by, "state")
        .annotate(n=Count("pk"))
        .values_list(by, "state", "n")
        .order_by()
    )
    return {(key, state): n for key, state, n in rows}


def case_workload(*, market_ids: Sequence[int], by: By) -> dict[tuple[int | None, str], int]:
    """{(owner id or market id, state): open cases}; one query over the cases' counters
    (``cases.counters``). An unclaimed case has no owner (None)."""
    return case_counts_open(market_ids=market_ids, by=by)


def case_workload_scanned(
    *, market_ids: Sequence[int], by: By
) -> dict[tuple[int | None, str], int]:
    """``case_workload`` counted from the open cases themselves: the reference the counters
    are tested against."""
    key = "owner_id" if by == "officer" else "market_id"
    rows = (
        # Read from the partial index of the open cases alone (its condition written out).
        Case.objects.filter(open_state_condition(), market_id__in=list(market_ids))
        .values(key, "state")
        .annotate(n=Count("pk"))
        .values_list(key, "state", "n")
        .order_by()
    )
    return {(owner, state): n for owner, state, n in rows}


def market_list_inspected(*, user: User) -> QuerySet[Market]:
    """The markets in the region subtrees ``user`` inspects, by region code then name (none for
    anybody else): the markets of the inspector's region view."""
    prefixes = inspected_prefixes(user)
    if not prefixes:
        return Market.objects.none()
    condition = Q()
    for prefix in prefixes:
        condition |= Q(region__code__startswith=prefix)
    markets = Market.objects.filter(condition).select_related("region")
    return markets.order_by("region__code", "name")
