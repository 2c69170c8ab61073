"""The dashboard counters (``DeadlineCount``): written by the clock services in their own
transaction, read by the dashboards, rebuilt from the clocks by a command.

Only completion clocks are counted (the dashboards show nothing else). A clock's bucket is
``deadline_bucket(deadline)``; a service that changes a clock takes its bucket before and
after and hands both to ``deadline_counts_move``, which writes every change of one call in
one statement: an upsert that adds to the rows (``n = n + excluded.n``), so two transactions
bumping the same row never lose an increment (PostgreSQL makes the second wait for the first
to commit, then adds to what it wrote; SQLite has one writer). Rows are written in key order,
so two transactions never wait for each other's rows in opposite orders.

Reads (``deadline_figures``) add up the buckets and count, through an index, only the clocks
whose figure depends on the time of day: those due today (overdue from their due time on)
and those warned today.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from markets.models import Market

from .models import Deadline, DeadlineCount, Reminder, ReminderCount, Target

Status = DeadlineCount.Status
ALL_OFFICERS = DeadlineCount.ALL_OFFICERS
NOBODY = DeadlineCount.NOBODY
ALL_KINDS = DeadlineCount.ALL_KINDS

# (market id, subject type, status, day, warn day, officer id or NOBODY, kind)
Bucket = tuple[int, str, str, date, date, int, str]
_DEADLINE_KEYS = ["market_id", "subject_type", "status", "day", "warn_day", "officer", "kind"]

_OVERDUE_STATUSES = (Status.OPEN, Status.PAUSED_LATE)
_STOPPED_STATUSES = (Status.MET, Status.LATE)


def _day(at: datetime) -> date:
    """The day of ``at`` in the display time zone (the dashboards' days)."""
    return timezone.localdate(at, timezone.get_default_timezone())


def _day_start(day: date) -> datetime:
    return timezone.make_aware(
        datetime.combine(day, datetime.min.time()), timezone.get_default_timezone()
    )


def deadline_bucket(deadline: Deadline) -> Bucket | None:
    """Where ``deadline`` counts now; None where it counts nowhere: not a completion clock,
    withdrawn (stopped neither met nor late), or paused before its due time (its due time
    moves on when it goes on: neither due nor overdue)."""
    if deadline.target != Target.COMPLETION:
        return None
    if deadline.stopped_at is not None:
        if deadline.met is None:
            return None
        status = Status.MET if deadline.met else Status.LATE
        day = warn_day = _day(deadline.stopped_at)
    elif deadline.paused_at is not None:
        if not deadline.paused_at > deadline.due_at:
            return None
        status = Status.PAUSED_LATE
        day = warn_day = _day(deadline.due_at)
    else:
        status = Status.OPEN
        day, warn_day = _day(deadline.due_at), _day(deadline.warn_at)
    officer = deadline.officer_id or NOBODY
    return (
        deadline.market_id,
        deadline.subject_type,
        status,
        day,
        warn_day,
        officer,
        deadline.kind,
    )


def _rows(bucket: Bucket) -> tuple[Bucket, Bucket, Bucket]:
    """The three rows a clock counts in: its officer's, its kind's and the market's."""
    market, subject_type, status, day, warn_day, officer, kind = bucket
    head = (market, subject_type, status, day, warn_day)
    return (
        (*head, officer, ALL_KINDS),
        (*head, ALL_OFFICERS, kind),
        (*head, ALL_OFFICERS, ALL_KINDS),
    )


def deadline_counts_move(moves: Iterable[tuple[Bucket | None, Bucket | None]]) -> None:
    """Each clock of ``moves`` left its first bucket and entered its second (None: none);
    written in one statement, in the caller's transaction (none when nothing moved)."""
    deltas: Counter[Bucket] = Counter()
    for before, after in moves:
        if before == after:
            continue
        if before is not None:
            for row in _rows(before):
                deltas[row] -= 1
        if after is not None:
            for row in _rows(after):
                deltas[row] += 1
    changes = sorted((row, n) for row, n in deltas.items() if n)
    if changes:
        counts_upsert(DeadlineCount, _DEADLINE_KEYS, changes)


def counts_upsert(model: type[models.Model], keys: Sequence[str], changes: Sequence[Any]) -> None:
    """Add each change's ``n`` to the counter row of its key (``keys``' values, in order),
    inserting the rows not there yet: ``INSERT … ON CONFLICT (keys) DO UPDATE SET n = n +
    excluded.n``, one statement for all of ``changes`` ((key values, n) each)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(name) for name in [*keys, "n"])
    row = "(" + ", ".join(["%s"] * (len(keys) + 1)) + ")"
    values = ", ".join([row] * len(changes))
    params: list[Any] = []
    adapt = connection.ops.adapt_datefield_value
    for key, delta in changes:
        params.extend(adapt(value) if isinstance(value, date) else value for value in key)
        params.append(delta)
    n = quote("n")
    conflict = ", ".join(quote(name) for name in keys)
    # Names from the model, every value a parameter.
    insert = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608
    sql = f"{insert} ON CONFLICT ({conflict}) DO UPDATE SET {n} = {table}.{n} + excluded.{n}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def deadline_counts_prune(*, today: date) -> int:
    """Delete the rows of running and paused clocks due before ``today`` that count nothing
    any more (``n`` = 0: their clocks stopped or moved on), so the rows a dashboard reads do
    not pile up day after day; returns how many. A service adding to such a row meanwhile
    waits for the delete and then inserts it again (PostgreSQL re-checks ``n`` = 0 under the
    row lock)."""
    deleted, _by_model = DeadlineCount.objects.filter(
        n=0, status__in=_OVERDUE_STATUSES, day__lt=today
    ).delete()
    return deleted


# --- Rebuilding -----------------------------------------------------------------------------


def counts_lock(*tables: type[models.Model]) -> None:
    """Hold every writer of these counter tables off until the transaction ends (PostgreSQL:
    readers go on). Taken before a rebuild reads what it counts: a service that changed a row
    and has not yet written its counters waits, then adds its change to the rebuilt rows; one
    that has written them has committed before the rebuild reads. SQLite has one writer."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in tables:
                name = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"LOCK TABLE {name} IN EXCLUSIVE MODE")


def deadline_counts_lock() -> None:
    """``counts_lock`` of the clocks' counters (taken before the clocks are read)."""
    counts_lock(DeadlineCount)


@transaction.atomic
def deadline_counts_rebuild(*, market_ids: Sequence[int] | None = None) -> int:
    """Count the completion clocks again from scratch (of these markets, or all): the rows
    of those markets are replaced, in one transaction, under ``deadline_counts_lock``.
    Returns how many clocks were counted."""
    deadline_counts_lock()
    zone = timezone.get_default_timezone()
    clocks = Deadline.objects.filter(target=Target.COMPLETION)
    if market_ids is not None:
        clocks = clocks.filter(market_id__in=list(market_ids))
    head = ("market_id", "subject_type", "officer_id", "kind")
    found: Counter[Bucket] = Counter()

    def add(status: str, rows: Iterable[tuple[Any, ...]]) -> None:
        for market, subject_type, officer, kind, day, warn_day, n in rows:
            found[(market, subject_type, status, day, warn_day, officer or NOBODY, kind)] += n

    running = clocks.filter(stopped_at__isnull=True, paused_at__isnull=True)
    add(
        Status.OPEN,
        running.annotate(d=TruncDate("due_at", tzinfo=zone), w=TruncDate("warn_at", tzinfo=zone))
        .values(*head, "d", "w")
        .annotate(n=Count("pk"))
        .values_list(*head, "d", "w", "n")
        .order_by(),
    )
    paused_late = clocks.filter(stopped_at__isnull=True, paused_at__gt=F("due_at"))
    add(
        Status.PAUSED_LATE,
        paused_late.annotate(d=TruncDate("due_at", tzinfo=zone))
        .values(*head, "d")
        .annotate(n=Count("pk"))
        .values_list(*head, "d", "d", "n")
        .order_by(),
    )
    for met, status in ((True, Status.MET), (False, Status.LATE)):
        add(
            status,
            clocks.filter(stopped_at__isnull=False, met=met)
            .annotate(d=TruncDate("stopped_at", tzinfo=zone))
            .values(*head, "d")
            .annotate(n=Count("pk"))
            .values_list(*head, "d", "d", "n")
            .order_by(),
        )
    rows: Counter[Bucket] = Counter()
    for bucket, n in found.items():
        for row in _rows(bucket):
            rows[row] += n
    stale = DeadlineCount.objects.all()
    if market_ids is not None:
        stale = stale.filter(market_id__in=list(market_ids))
    stale.delete()
    DeadlineCount.objects.bulk_create(
        (
            DeadlineCount(
                market_id=market,
                subject_type=subject_type,
                status=status,
                day=day,
                warn_day=warn_day,
                officer=officer,
                kind=kind,
                n=n,
            )
            for (market, subject_type, status, day, warn_day, officer, kind), n in sorted(
                rows.items()
            )
        ),
        batch_size=1000,
    )
    return sum(found.values())


# --- The reminders' counters ---------------------------------------------------------------

# (market id, subject type, local day, level)
ReminderBucket = tuple[int, str, date, str]


def reminder_bucket(reminder: Reminder, deadline: Deadline) -> ReminderBucket | None:
    """Where a reminder of ``deadline`` counts: the clock's market, the local day the reminder
    went out and its level; None for a clock other than a completion clock (not on the
    dashboards)."""
    return reminder_bucket_of(
        market_id=deadline.market_id,
        subject_type=deadline.subject_type,
        target=deadline.target,
        level=reminder.level,
        day=_day(reminder.created_at),
    )


def reminder_bucket_of(
    *, market_id: int, subject_type: str, target: str, level: str, day: date
) -> ReminderBucket | None:
    """``reminder_bucket`` from the clock's columns: a reminder at ``level`` of a clock of
    ``target`` in the market, sent on the local ``day``."""
    if target != Target.COMPLETION:
        return None
    return (market_id, subject_type, day, level)


def reminder_counts_move(
    moves: Iterable[tuple[ReminderBucket | None, ReminderBucket | None]],
) -> None:
    """Each reminder of ``moves`` left its first bucket and entered its second (None: none; a
    new reminder comes from none, one whose clock went to another market moves with it); one
    statement in the caller's transaction, none when nothing moved. An upsert that adds, as
    ``deadline_counts_move``'s: concurrent sweeps never lose an increment."""
    deltas: Counter[ReminderBucket] = Counter()
    for before, after in moves:
        if before == after:
            continue
        if before is not None:
            deltas[before] -= 1
        if after is not None:
            deltas[after] += 1
    changes = sorted((bucket, n) for bucket, n in deltas.items() if n)
    if changes:
        counts_upsert(ReminderCount, ["market_id", "subject_type", "day", "level"], changes)


@transaction.atomic
def reminder_counts_rebuild(*, market_ids: Sequence[int] | None = None) -> int:
    """Count the reminders of completion clocks again from scratch (of these markets, or
    all), by the market their clock is in now; returns how many were counted. The sweep's
    writes wait meanwhile (PostgreSQL: the table locked before the reminders are read) and
    add theirs to the rebuilt rows."""
    counts_lock(ReminderCount)
    reminders = Reminder.objects.filter(deadline__target=Target.COMPLETION)
    stale = ReminderCount.objects.all()
    if market_ids is not None:
        reminders = reminders.filter(deadline__market_id__in=list(market_ids))
        stale = stale.filter(market_id__in=list(market_ids))
    rows = (
        reminders.annotate(d=TruncDate("created_at", tzinfo=timezone.get_default_timezone()))
        .values("deadline__market_id", "deadline__subject_type", "d", "level")
        .annotate(n=Count("pk"))
        .values_list("deadline__market_id", "deadline__subject_type", "d", "level", "n")
        .order_by()
    )
    counted = [
        ReminderCount(market_id=market, subject_type=subject_type, day=day, level=level, n=n)
        for market, subject_type, day, level, n in rows
    ]
    stale.delete()
    ReminderCount.objects.bulk_create(counted, batch_size=1000)
    return sum(row.n for row in counted)


def reminder_counts_by_day(
    *, subject_type: str, market_ids: Sequence[int], first: date, last: date, levels: Sequence[str]
) -> dict[tuple[date, str], int]:
    """{(local day, level): reminders} of these markets from ``first`` to ``last`` (both
    included); one query over at most a row per market, day and level."""
    rows = (
        ReminderCount.objects.filter(
            subject_type=subject_type,
            market_id__in=list(market_ids),
            day__gte=first,
            day__lte=last,
            level__in=list(levels),
        )
        .values("day", "level")
        .annotate(total=Sum("n"))
        .values_list("day", "level", "total")
        .order_by()
    )
    return {(day, level): total for day, level, total in rows}


# --- Reading --------------------------------------------------------------------------------


@dataclass
class ClockFigures:
    """The completion clocks of one bucket of the dashboards (a market, an officer of it or a
    kind) at ``now``: due later today; due soon (running, warned, due after today); warned and
    due later today (the region view counts those as due soon too); overdue (a clock paused
    after its due time stays overdue); and stopped in the period, and of those met."""

    due_today: int = 0
    due_soon: int = 0
    warned_due_today: int = 0
    overdue: int = 0
    stopped: int = 0
    met: int = 0


def deadline_figures(
    *,
    subject_type: str,
    market_ids: Sequence[int],
    now: datetime,
    first: date | None = None,
    last: date | None = None,
    split: bool = False,
) -> dict[tuple[int, int, str], ClockFigures]:
    """{(market id, officer, kind): figures} at ``now``, in one query whatever the number of
    clocks; clocks stopped from ``first`` to ``last`` (days in the display time zone, both
    inclusive; none without them). The market's own figures are under (market, ALL_OFFICERS,
    ALL_KINDS); with ``split``, also each officer's (officer id, ALL_KINDS; NOBODY for
    unclaimed) and each kind's (ALL_OFFICERS, kind); "due soon" and "warned, due today" are
    the market's only."""
    ids = list(market_ids)
    figures: dict[tuple[int, int, str], ClockFigures] = {}
    if not ids:
        return figures

    def at(key: tuple[int, int, str]) -> ClockFigures:
        return figures.setdefault(key, ClockFigures())

    today = _day(now)
    tomorrow = today + timedelta(days=1)
    today_starts, tomorrow_starts = _day_start(today), _day_start(tomorrow)

    # One query, three parts (UNION ALL), each a few rows whatever the number of clocks:
    # 1. the buckets: overdue before today, due soon after it, stopped in the period;
    overdue = Q(status__in=_OVERDUE_STATUSES, day__lt=today)
    soon = Q(status=Status.OPEN, day__gte=tomorrow, warn_day__lt=today)
    wanted = Q(status__in=_OVERDUE_STATUSES)
    stopped = Q(pk__in=[])
    if first is not None and last is not None:
        stopped = Q(status__in=_STOPPED_STATUSES, day__gte=first, day__lte=last)
        wanted |= stopped
    counts = DeadlineCount.objects.filter(wanted, subject_type=subject_type, market_id__in=ids)
    if not split:
        counts = counts.filter(officer=ALL_OFFICERS, kind=ALL_KINDS)
    columns = ("part", "market_id", "who", "what", "v1", "v2", "v3", "v4")
    buckets = (
        counts.values("market_id", "officer", "kind")
        .annotate(
            part=Value(1, output_field=IntegerField()),
            who=F("officer"),
            what=F("kind"),
            v1=Sum("n", filter=overdue),
            v2=Sum("n", filter=soon),
            v3=Sum("n", filter=stopped),
            v4=Sum("n", filter=stopped & Q(status=Status.MET)),
        )
        .values_list(*columns)
        .order_by()
    )
    # 2. the clocks due today (one range of ``overdue_after``, counted from the index alone):
    # overdue from their due time; by officer and kind only when split;
    clocks = Deadline.objects.filter(
        subject_type=subject_type, target=Target.COMPLETION, market_id__in=ids
    )
    running = Q(stopped_at__isnull=True, paused_at__isnull=True)
    today_clocks: QuerySet[Any, Any] = clocks.filter(
        overdue_after__gte=today_starts, overdue_after__lt=tomorrow_starts
    )
    if split:
        today_clocks = today_clocks.values("market_id", "officer_id", "kind").annotate(
            who=F("officer_id"), what=F("kind")
        )
    else:
        today_clocks = today_clocks.values("market_id").annotate(
            who=Value(ALL_OFFICERS, output_field=BigIntegerField()),
            what=Value(ALL_KINDS, output_field=CharField()),
        )
    due_today = (
        today_clocks.annotate(
            part=Value(2, output_field=IntegerField()),
            v1=Count("pk", filter=Q(overdue_after__lt=now)),
            v2=Count("pk", filter=Q(overdue_after__gte=now)),
            v3=Count("pk", filter=running & Q(warn_at__lte=now, overdue_after__gte=now)),
            v4=Value(0, output_field=IntegerField()),
        )
        .values_list(*columns)
        .order_by()
    )
    # 3. the running clocks warned so far today and due after today: due soon (counted as
    # rows, not ids: PostgreSQL's index holds no id, and counting ids would read each row).
    warned = (
        clocks.filter(running, warn_at__gte=today_starts, warn_at__lte=now)
        .filter(due_at__gte=tomorrow_starts)
        .values("market_id")
        .annotate(
            part=Value(3, output_field=IntegerField()),
            who=Value(ALL_OFFICERS, output_field=BigIntegerField()),
            what=Value(ALL_KINDS, output_field=CharField()),
            v1=Count("*"),
            v2=Value(0, output_field=IntegerField()),
            v3=Value(0, output_field=IntegerField()),
            v4=Value(0, output_field=IntegerField()),
        )
        .values_list(*columns)
        .order_by()
    )
    for part, market, who, what, v1, v2, v3, v4 in buckets.union(due_today, warned, all=True):
        if part == 1:
            line = at((market, who, what))
            line.overdue += v1 or 0
            line.due_soon += v2 or 0
            line.stopped += v3 or 0
            line.met += v4 or 0
        elif part == 2:
            keys = [(market, ALL_OFFICERS, ALL_KINDS)]
            if split:
                keys += [(market, who or NOBODY, ALL_KINDS), (market, ALL_OFFICERS, what)]
            for key in keys:
                line = at(key)
                line.overdue += v1
                line.due_today += v2
                line.warned_due_today += v3
        else:
            at((market, ALL_OFFICERS, ALL_KINDS)).due_soon += v1
    return figures


def deadline_overdue_counts(*, now: datetime) -> dict[str, int]:
    """{subject type: completion clocks overdue at ``now``} over every market, for the
    operators' metrics (config/metrics.py): the dashboards' counters for the days before today
    and, through the (market, overdue_after) index, the clocks that fell due today, in one
    query whatever the number of clocks."""
    today = _day(now)
    before_today = (
        DeadlineCount.objects.filter(
            status__in=_OVERDUE_STATUSES,
            day__lt=today,
            officer=ALL_OFFICERS,
            kind=ALL_KINDS,
        )
        .values("subject_type")
        .annotate(total=Sum("n"))
        .values_list("subject_type", "total")
        .order_by()
    )
    markets = Market.objects.values("pk")
    fell_due_today = (
        Deadline.objects.filter(
            market_id__in=markets,
            target=Target.COMPLETION,
            overdue_after__gte=_day_start(today),
            overdue_after__lt=now,
        )
        .values("subject_type")
        .annotate(total=Count("pk"))
        .values_list("subject_type", "total")
        .order_by()
    )
    counts: Counter[str] = Counter()
    for subject_type, total in before_today.union(fell_due_today, all=True):
        counts[subject_type] += total or 0
    return {subject_type: n for subject_type, n in counts.items() if n}
