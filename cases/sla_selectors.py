"""Reads of the time limits (限时办结) for the back-office pages: the deadlines of a page of
cases, the badge a deadline shows, and the team lead's dashboard of a market.

Deadlines name their case by ``subject_id`` (``sla`` never imports ``cases``), so every read
here is a query on ``Deadline`` plus, at most, one query for the cases it shows. Every figure
is an aggregate (``Count`` with ``filter=Q(...)``): the number of queries does not grow with
the number of deadlines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.kinds import kind_get
from cases.models import Case
from cases.selectors import DUE_CELL_COLUMNS, case_list_visible, case_rows
from cases.services import CASE_SUBJECT
from cases.staff_selectors import staff_names
from markets.models import Market
from sla.counters import (
    ALL_KINDS,
    ALL_OFFICERS,
    NOBODY,
    ClockFigures,
    deadline_figures,
    reminder_counts_by_day,
)
from sla.models import Deadline, Level, Reminder, Target
from sla.selectors import (
    DUE_OVERDUE,
    DUE_TODAY,
    day_start,
    deadline_due_condition,
    deadline_list_for,
)

DeadlineMap = dict[tuple[int, str], Deadline]

LIST_LENGTH = 10  # cases per short list of the dashboard
BREACHES_PER_PAGE = 25


# --- The deadlines of a page of cases -------------------------------------------------------------


def deadline_map_for_cases(*, case_ids: Iterable[int]) -> DeadlineMap:
    """{(case id, completion): its completion clock} for these cases, in one query (none for
    no case), with the columns a due cell shows (``deadline_due``, ``deadline_badge``): the
    pages show a case's completion time limit, and a page of 75 cases read every clock of each
    with every column. A list read through ``case_rows`` has its clocks already
    (``case_deadline_map``)."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    clocks = deadline_list_for(subject_type=CASE_SUBJECT, subject_ids=ids).filter(
        target=Target.COMPLETION
    )
    return {
        (deadline.subject_id, deadline.target): deadline
        for deadline in clocks.only(*DUE_CELL_COLUMNS)
    }


def case_deadline_map(cases: Iterable[Case]) -> DeadlineMap:
    """The same map for cases read with their completion clock on the row (``case_rows``;
    the transfers waiting for a user, ``transfer_list_waiting_for``): no query. On a page of
    the workbench, one statement fewer than ``deadline_map_for_cases``, whose query the
    rows' own join made redundant. Cases read without their clock (never one query each) are
    looked up together by ``deadline_map_for_cases``."""
    joined = Case._meta.get_field("completion_clock")
    deadlines: DeadlineMap = {}
    missing: list[int] = []
    for case in cases:
        if not joined.is_cached(case):
            missing.append(case.pk)
            continue
        clock = cast("Deadline | None", case.completion_clock)
        if clock is not None:
            deadlines[(case.pk, Target.COMPLETION)] = clock
    return deadlines | deadline_map_for_cases(case_ids=missing)


# --- The badge ------------------------------------------------------------------------------------

BADGE_LABELS: dict[str, Promise] = {
    "due_soon": _("due soon"),
    "overdue": _("overdue"),
    "paused": _("paused"),
    "met": _("met"),
    "late": _("late"),
    "withdrawn": _("withdrawn"),
}


@dataclass(frozen=True)
class Badge:
    """What a deadline shows next to its due time. ``code`` is empty while the clock runs
    and the warning time has not come; ``paused`` is also set for a clock paused once it was
    overdue already (it stays overdue)."""

    code: str
    paused: bool = False

    @property
    def label(self) -> str:
        return str(BADGE_LABELS[self.code]) if self.code else ""


def deadline_badge(deadline: Deadline, *, now: datetime) -> Badge:
    """Stopped: met or late, or withdrawn (neither). Paused before its due time: paused (the
    due time moves when the clock goes on). Otherwise overdue once ``now`` is past the due
    time, due soon from the warning time on."""
    if deadline.stopped_at is not None:
        if deadline.met is None:
            return Badge("withdrawn")
        return Badge("met" if deadline.met else "late")
    if deadline.paused_at is not None:
        if deadline.paused_at > deadline.due_at:
            return Badge("overdue", paused=True)
        return Badge("paused", paused=True)
    if now > deadline.due_at:
        return Badge("overdue")
    if now >= deadline.warn_at:
        return Badge("due_soon")
    return Badge("")


# --- The team lead's dashboard --------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Days in the display time zone, both inclusive."""

    first: date
    last: date

    @classmethod
    def month_of(cls, day: date) -> Period:
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls(first, following - timedelta(days=1))

    @property
    def starts_at(self) -> datetime:
        return day_start(self.first)

    @property
    def ends_before(self) -> datetime:
        return day_start(self.last + timedelta(days=1))


@dataclass(frozen=True)
class Rate:
    """Deadlines stopped in the period, and how many of them were met."""

    stopped: int
    met: int

    @property
    def percent(self) -> float | None:
        return 100 * self.met / self.stopped if self.stopped else None


@dataclass(frozen=True)
class DueRow:
    deadline: Deadline
    case: Case | None  # None only if the case is no longer the reader's to see


@dataclass(frozen=True)
class ShortList:
    rows: list[DueRow]
    total: int


@dataclass(frozen=True)
class Figures:
    """One line of the tables by officer and by kind."""

    label: str
    overdue: int
    rate: Rate


@dataclass(frozen=True)
class BreachRow:
    reminder: Reminder
    case: Case | None


@dataclass(frozen=True)
class SlaDashboard:
    market: Market
    period: Period
    now: datetime
    due_today: ShortList
    due_soon: ShortList
    overdue: ShortList
    rate: Rate
    by_officer: list[Figures]
    by_kind: list[Figures]
    breaches: Page[Any]
    breach_rows: list[BreachRow]


def _conditions(now: datetime) -> dict[str, Q]:
    """The open completion clocks due later today, due soon (warned, due after today) and
    overdue at ``now``. A clock paused before its due time is none of these: its due time
    moves when it goes on; one paused after its due time stays overdue."""
    tomorrow = day_start(timezone.localdate(now) + timedelta(days=1))
    return {
        "due_today": deadline_due_condition(due=DUE_TODAY, now=now),
        # Running, warned, due after today: a clock that will read overdue only from tomorrow
        # on is running (a paused one has none, or one already past), and its due time is
        # that moment. One range of the (market, overdue_after) index, in due order.
        "due_soon": Q(overdue_after__gte=tomorrow, warn_at__lte=now),
        "overdue": deadline_due_condition(due=DUE_OVERDUE, now=now),
    }


def _stopped_in(period: Period) -> Q:
    """Clocks stopped in the period that count for the on-time rate: a withdrawn case's
    clock (stopped with ``met`` None) is in neither the numerator nor the denominator."""
    return Q(
        stopped_at__gte=period.starts_at,
        stopped_at__lt=period.ends_before,
        met__isnull=False,
    )


def sla_figures_scanned(
    *, market: Market, period: Period, now: datetime
) -> tuple[dict[str, int], list[tuple[int | None, int, int, int]], list[tuple[str, int, int, int]]]:
    """The dashboard's figures counted over every clock of the market (the reference the
    counters are checked against, and what ``sla_counters_rebuild`` restores): totals
    (due_today, due_soon, overdue, stopped, on_time); (officer id or None, overdue, stopped,
    met) per officer, the case's current owner, through a sub-query per clock; and the same
    per kind. Its cost grows with the market's clocks: pages read ``sla_figures``."""
    conditions = _conditions(now)
    # Due soon as the words say it (the lists read the equivalent range of ``overdue_after``):
    # the reference checks that the two agree.
    tomorrow = day_start(timezone.localdate(now) + timedelta(days=1))
    conditions["due_soon"] = Q(
        stopped_at__isnull=True, paused_at__isnull=True, warn_at__lte=now, due_at__gte=tomorrow
    )
    deadlines = Deadline.objects.filter(
        subject_type=CASE_SUBJECT, market=market, target=Target.COMPLETION
    )
    # Only the rows a figure can count: open clocks, and those stopped in the period.
    stopped = _stopped_in(period)
    relevant = deadlines.filter(Q(stopped_at__isnull=True) | stopped)
    n_overdue = Count("pk", filter=conditions["overdue"])
    n_stopped = Count("pk", filter=stopped)
    n_met = Count("pk", filter=stopped & Q(met=True))

    totals = relevant.aggregate(
        due_today=Count("pk", filter=conditions["due_today"]),
        due_soon=Count("pk", filter=conditions["due_soon"]),
        overdue=n_overdue,
        stopped=n_stopped,
        on_time=n_met,
    )
    owner = Subquery(Case.objects.filter(pk=OuterRef("subject_id")).values("owner_id")[:1])
    per_officer = list(
        relevant.annotate(case_owner=owner)
        .values("case_owner")
        .annotate(n_overdue=n_overdue, n_stopped=n_stopped, n_met=n_met)
        .values_list("case_owner", "n_overdue", "n_stopped", "n_met")
    )
    per_kind = list(
        relevant.values("kind")
        .annotate(n_overdue=n_overdue, n_stopped=n_stopped, n_met=n_met)
        .values_list("kind", "n_overdue", "n_stopped", "n_met")
        .order_by("kind")
    )
    return totals, per_officer, per_kind


def sla_figures(
    *, market: Market, period: Period, now: datetime
) -> tuple[dict[str, int], list[tuple[int | None, int, int, int]], list[tuple[str, int, int, int]]]:
    """``sla_figures_scanned`` read from the dashboard counters (``sla.counters``): three
    queries whatever the number of clocks. Officers and kinds with nothing overdue and nothing
    stopped in the period are left out (the scan leaves them out of the page too)."""
    figures = deadline_figures(
        subject_type=CASE_SUBJECT,
        market_ids=[market.pk],
        now=now,
        first=period.first,
        last=period.last,
        split=True,
    )
    total = figures.get((market.pk, ALL_OFFICERS, ALL_KINDS)) or ClockFigures()
    totals = {
        "due_today": total.due_today,
        "due_soon": total.due_soon,
        "overdue": total.overdue,
        "stopped": total.stopped,
        "on_time": total.met,
    }
    per_officer: list[tuple[int | None, int, int, int]] = []
    per_kind: list[tuple[str, int, int, int]] = []
    for (_market, officer, kind), line in figures.items():
        if not (line.overdue or line.stopped):
            continue
        if officer != ALL_OFFICERS and kind == ALL_KINDS:
            pk = None if officer == NOBODY else officer
            per_officer.append((pk, line.overdue, line.stopped, line.met))
        elif officer == ALL_OFFICERS and kind != ALL_KINDS:
            per_kind.append((kind, line.overdue, line.stopped, line.met))
    return totals, per_officer, sorted(per_kind)


class CountedPaginator(Paginator):
    """A Paginator told how many rows there are (counted elsewhere, e.g. by counters) instead
    of counting them with ``COUNT(*)``."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def sla_dashboard(
    *, user: User, market: Market, period: Period, now: datetime, breach_page: str | None = None
) -> SlaDashboard:
    """The market's completion deadlines as its team lead (or an inspector) sees them.

    On-time rate: deadlines stopped in ``period`` with ``met`` ÷ all stopped in it, leaving
    out withdrawn cases (neither met nor late). The officer of a deadline is its case's
    current owner. The figures come from the dashboard counters (``sla_figures``); the short
    lists are each one range of an index. The period's breaches (and escalations) of the
    completion clocks are paged through their own index and counted from the reminders'
    counters (``reminder_counts_by_day``), not by reading every one of the month.
    """
    conditions = _conditions(now)
    deadlines = Deadline.objects.filter(
        subject_type=CASE_SUBJECT, market=market, target=Target.COMPLETION
    )
    totals, per_officer, per_kind = sla_figures(market=market, period=period, now=now)
    # Earliest due first. Each list is a range of ``overdue_after``, equal to the due time on
    # those rows: ordered by it, the index gives the first ten without a sort. None reads more
    # rows than the counters counted (none for an empty list): "due soon" is an open range
    # filtered by the warning time, and with fewer than ten warned (just after midnight) its
    # scan went on through every later clock of the market looking for the rest (13 ms at
    # 1 000 000 cases, where its one clock takes a fraction of one).
    lists = {
        name: list(
            deadlines.filter(condition).order_by("overdue_after", "pk")[
                : min(LIST_LENGTH, totals[name])
            ]
        )
        for name, condition in conditions.items()
    }
    officer_ids = [pk for pk, *_counts in per_officer if pk is not None]
    officers = staff_names(market_ids=[market.pk], user_ids=officer_ids)

    breach_levels = [Level.BREACH, Level.ESCALATION]
    breach_count = sum(
        reminder_counts_by_day(
            subject_type=CASE_SUBJECT,
            market_ids=[market.pk],
            first=period.first,
            last=period.last,
            levels=breach_levels,
        ).values()
    )
    breaches = CountedPaginator(
        Reminder.objects.filter(
            deadline__subject_type=CASE_SUBJECT,
            deadline__market=market,
            deadline__target=Target.COMPLETION,
            level__in=breach_levels,
            created_at__gte=period.starts_at,
            created_at__lt=period.ends_before,
        )
        .select_related("deadline")
        .order_by("-created_at", "-pk"),
        BREACHES_PER_PAGE,
        count=breach_count,
    ).get_page(breach_page)
    reminders: list[Reminder] = list(breaches)

    case_ids = {d.subject_id for rows in lists.values() for d in rows}
    case_ids |= {r.deadline.subject_id for r in reminders}
    cases = (
        {c.pk: c for c in case_rows(case_list_visible(user=user).filter(pk__in=case_ids))}
        if case_ids
        else {}
    )

    def short(name: str) -> ShortList:
        rows = [DueRow(d, cases.get(d.subject_id)) for d in lists[name]]
        return ShortList(rows, totals[name])

    def kind_label(code: str) -> str:
        kind = kind_get(code)
        return str(kind.label) if kind else code

    return SlaDashboard(
        market=market,
        period=period,
        now=now,
        due_today=short("due_today"),
        due_soon=short("due_soon"),
        overdue=short("overdue"),
        rate=Rate(totals["stopped"], totals["on_time"]),
        by_officer=sorted(
            (
                Figures(
                    officers[pk] if pk in officers else str(_("Nobody (unclaimed)")),
                    overdue,
                    Rate(stopped, met),
                )
                for pk, overdue, stopped, met in per_officer
                if overdue or stopped
            ),
            key=lambda line: line.label,
        ),
        by_kind=[
            Figures(kind_label(kind), overdue, Rate(stopped, met))
            for kind, overdue, stopped, met in per_kind
            if overdue or stopped
        ],
        breaches=breaches,
        breach_rows=[BreachRow(r, cases.get(r.deadline.subject_id)) for r in reminders],
    )
