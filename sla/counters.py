"""The dashboard counters (``DeadlineCount``): written by the clock services in their own
transaction, read by the dashboards, rebuilt from the clocks by a command.

Only completion clocks are counted (the dashboards show nothing else). A clock's bucket is
``deadline_bucket(deadline)``; a service that changes a clock takes its bucket before and
after and hands both to ``deadline_counts_move``, which writes every change of one call in
one statement: an upsert that adds to the rows (``n = n + excluded.n``), so two transactions
bumping the same row never lose an increment (PostgreSQL makes the second wait for the first
to commit, then adds to what it wrote; SQLite has one writer). Rows are written in key order,
so two transactions never wait for each other's rows in opposite orders.

Running clocks are counted by the local hour they are due and the hour they warn: reads
(``deadline_figures``) add up the buckets, the hours of today gone by included, and count
through an index only the clocks whose figure depends on the minute, those due in the current
hour (overdue from their due time on) and those warned in it. A dashboard reads no more clocks
at a million cases than at a thousand, except in an hour when most of the day's fall due (a
time limit in days ends at closing time): then it counts those, as it did before the hours.
A day gone by needs no hours: the daily prune merges the rows of its hours into one
(``WHOLE_DAY``, ``deadline_counts_prune``); a clock that moves later takes its count from its
hour's row, and the next prune merges that too. The sums are right at every moment.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.db.models import (
    Count,
    F,
    Q,
    Sum,
)
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from markets.models import Market

from .models import Deadline, DeadlineCount, Reminder, ReminderCount, Target

Status = DeadlineCount.Status
ALL_OFFICERS = DeadlineCount.ALL_OFFICERS
NOBODY = DeadlineCount.NOBODY
ALL_KINDS = DeadlineCount.ALL_KINDS
WHOLE_DAY = DeadlineCount.WHOLE_DAY

# (market id, subject type, status, day, hour, warn day, warn hour, officer id or NOBODY, kind)
Bucket = tuple[int, str, str, date, int, date, int, int, str]

_OVERDUE_STATUSES = (Status.OPEN, Status.PAUSED_LATE)
_STOPPED_STATUSES = (Status.MET, Status.LATE)


def _day(at: datetime) -> date:
    """The day of ``at`` in the display time zone (the dashboards' days)."""
    return timezone.localdate(at, timezone.get_default_timezone())


def _day_start(day: date) -> datetime:
    return timezone.make_aware(
        datetime.combine(day, datetime.min.time()), timezone.get_default_timezone()
    )


def _hour_start(at: datetime) -> datetime:
    """The start of the local hour ``at`` is in (local: its ``hour`` is the local hour)."""
    local = timezone.localtime(at, timezone.get_default_timezone())
    return local.replace(minute=0, second=0, microsecond=0)


def _day_and_hour(at: datetime) -> tuple[date, int]:
    """The local day of ``at`` and its hour."""
    local = timezone.localtime(at, timezone.get_default_timezone())
    return local.date(), local.hour


def deadline_bucket(deadline: Deadline) -> Bucket | None:
    """Where ``deadline`` counts now; None where it counts nowhere: not a completion clock,
    withdrawn (stopped neither met nor late), or paused before its due time (its due time
    moves on when it goes on: neither due nor overdue)."""
    if deadline.target != Target.COMPLETION:
        return None
    hour = warn_hour = WHOLE_DAY
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
        day, hour = _day_and_hour(deadline.due_at)
        warn_day, warn_hour = _day_and_hour(deadline.warn_at)
    officer = deadline.officer_id or NOBODY
    return (
        deadline.market_id,
        deadline.subject_type,
        status,
        day,
        hour,
        warn_day,
        warn_hour,
        officer,
        deadline.kind,
    )


def _past_hours_merged(bucket: Bucket, today: date) -> Bucket:
    """``bucket`` as the daily prune leaves it: the hour of a day before ``today`` (the due
    day's or the warning day's) is the whole day's (``WHOLE_DAY``)."""
    market, subject_type, status, day, hour, warn_day, warn_hour, officer, kind = bucket
    if day < today:
        hour = WHOLE_DAY
    if warn_day < today:
        warn_hour = WHOLE_DAY
    return (market, subject_type, status, day, hour, warn_day, warn_hour, officer, kind)


def _rows(bucket: Bucket) -> tuple[Bucket, Bucket, Bucket]:
    """The three rows a clock counts in: its officer's, its kind's and the market's."""
    head, officer, kind = bucket[:7], bucket[7], bucket[8]
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
        counts_upsert(DeadlineCount, changes)


def _columns(model: type[models.Model]) -> dict[str, str]:
    """The model's fields by name, as quoted column names."""
    quote = connection.ops.quote_name
    return {field.name: quote(field.column) for field in model._meta.concrete_fields}


@functools.cache
def counter_key(model: type[models.Model]) -> tuple[str, ...]:
    """The fields a counter row is keyed by, in order: its model's unique constraint (the
    buckets' key, and the upsert's conflict target); read once per model (each intake
    upserts three counters)."""
    (unique,) = (c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint))
    return tuple(unique.fields)


def counts_upsert(model: type[models.Model], changes: Sequence[Any]) -> None:
    """Add each change's ``n`` to the counter row of its key (the values of ``counter_key``,
    in order), inserting the rows not there yet: ``INSERT … ON CONFLICT (key) DO UPDATE SET n
    = n + excluded.n``, one statement for all of ``changes`` ((key values, n) each)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = _columns(model)
    keys = [column[name] for name in counter_key(model)]
    columns = ", ".join([*keys, quote("n")])
    row = "(" + ", ".join(["%s"] * (len(keys) + 1)) + ")"
    values = ", ".join([row] * len(changes))
    params: list[Any] = []
    adapt = connection.ops.adapt_datefield_value
    for key, delta in changes:
        params.extend(adapt(value) if isinstance(value, date) else value for value in key)
        params.append(delta)
    n = quote("n")
    conflict = ", ".join(keys)
    # Names from the model, every value a parameter.
    insert = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608
    sql = f"{insert} ON CONFLICT ({conflict}) DO UPDATE SET {n} = {table}.{n} + excluded.{n}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def deadline_counts_prune(*, today: date) -> int:
    """The daily upkeep of the clocks' counters, on the first sweep after midnight: delete the
    rows of running and paused clocks that count nothing any more (``n`` = 0: their clocks
    stopped or moved on) once their day is past, so the rows a dashboard reads do not pile up
    day after day, and merge the rows of the hours of the days gone by into one a day (their
    hour no longer matters: ``WHOLE_DAY``, as a rebuild writes them); returns how many empty
    rows were deleted.

    A service adding to a row meanwhile waits for the delete and then inserts it again
    (PostgreSQL re-checks the condition under the row lock); the hours' rows are deleted with
    what they held at the delete (``RETURNING``) and that is added to the day's row, so a
    change a service committed meanwhile is moved with them, never lost."""
    empty = DeadlineCount.objects.filter(n=0, status__in=_OVERDUE_STATUSES, day__lt=today)
    deleted, _by_model = empty.delete()
    _hours_merge(today)
    merged_empty, _by_model = empty.delete()  # brought to 0 by the merge (moved since)
    return deleted + merged_empty


def _hours_merge(today: date) -> None:
    """Merge the counters' rows of the hours of days before ``today`` (the due day's or the
    warning day's) into the rows of those days (``WHOLE_DAY``)."""
    table = connection.ops.quote_name(DeadlineCount._meta.db_table)
    c = _columns(DeadlineCount)
    columns = ", ".join(c[name] for name in [*counter_key(DeadlineCount), "n"])
    # Names from the model, every value a parameter.
    sql = (
        f"DELETE FROM {table} WHERE {c['status']} = %s"  # noqa: S608
        f" AND (({c['day']} < %s AND {c['hour']} <> %s)"
        f" OR ({c['warn_day']} < %s AND {c['warn_hour']} <> %s)) RETURNING {columns}"
    )
    adapted = connection.ops.adapt_datefield_value(today)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.OPEN, adapted, WHOLE_DAY, adapted, WHOLE_DAY])
        rows = cursor.fetchall()
    merged: Counter[Bucket] = Counter()
    for market, subject_type, status, day, hour, warn_day, warn_hour, officer, kind, n in rows:
        day, warn_day = _as_date(day), _as_date(warn_day)
        bucket = (market, subject_type, status, day, hour, warn_day, warn_hour, officer, kind)
        merged[_past_hours_merged(bucket, today)] += n
    changes = sorted((key, n) for key, n in merged.items() if n)
    if changes:
        counts_upsert(DeadlineCount, changes)


def _as_date(value: Any) -> date:
    """A date column as the database hands it back to a raw query (SQLite: text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


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
    today = _day(timezone.now())

    def add(status: str, rows: Iterable[tuple[Any, ...]]) -> None:
        for market, subject_type, officer, kind, day, hour, warn_day, warn_hour, n in rows:
            key = (market, subject_type, status, day, hour, warn_day, warn_hour)
            found[_past_hours_merged((*key, officer or NOBODY, kind), today)] += n

    def by_day(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        """Rows of (head…, day, n) as rows of a status counted by the day alone."""
        for *key, day, n in rows:
            yield (*key, day, WHOLE_DAY, day, WHOLE_DAY, n)

    running = clocks.filter(stopped_at__isnull=True, paused_at__isnull=True)
    add(
        Status.OPEN,
        running.annotate(
            d=TruncDate("due_at", tzinfo=zone),
            h=ExtractHour("due_at", tzinfo=zone),
            w=TruncDate("warn_at", tzinfo=zone),
            wh=ExtractHour("warn_at", tzinfo=zone),
        )
        .values(*head, "d", "h", "w", "wh")
        .annotate(n=Count("pk"))
        .values_list(*head, "d", "h", "w", "wh", "n")
        .order_by(),
    )
    paused_late = clocks.filter(stopped_at__isnull=True, paused_at__gt=F("due_at"))
    add(
        Status.PAUSED_LATE,
        by_day(
            paused_late.annotate(d=TruncDate("due_at", tzinfo=zone))
            .values(*head, "d")
            .annotate(n=Count("pk"))
            .values_list(*head, "d", "n")
            .order_by()
        ),
    )
    for met, status in ((True, Status.MET), (False, Status.LATE)):
        add(
            status,
            by_day(
                clocks.filter(stopped_at__isnull=False, met=met)
                .annotate(d=TruncDate("stopped_at", tzinfo=zone))
                .values(*head, "d")
                .annotate(n=Count("pk"))
                .values_list(*head, "d", "n")
                .order_by()
            ),
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
                hour=hour,
                warn_day=warn_day,
                warn_hour=warn_hour,
                officer=officer,
                kind=kind,
                n=n,
            )
            for (
                market,
                subject_type,
                status,
                day,
                hour,
                warn_day,
                warn_hour,
                officer,
                kind,
            ), n in sorted(rows.items())
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
        counts_upsert(ReminderCount, changes)


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
    kind) at ``now``: overdue (a clock paused after its due time stays overdue), stopped in
    the period and of those met; and the market's only: due later today, due soon (running,
    warned, due after today), warned and due later today (the region view counts those as due
    soon too)."""

    due_today: int = 0
    due_soon: int = 0
    warned_due_today: int = 0
    overdue: int = 0
    stopped: int = 0
    met: int = 0


class _Sql:
    """A statement written piece by piece, its parameters kept in the order of their
    placeholders (``%s``)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list[Any] = []

    def add(self, sql: str, *params: Any) -> _Sql:
        self.parts.append(sql)
        self.params.extend(params)
        return self

    def among(self, column: str, values: Sequence[Any]) -> _Sql:
        """``column IN (…)``, a placeholder a value."""
        return self.add(f"{column} IN ({', '.join(['%s'] * len(values))})", *values)

    def __str__(self) -> str:
        return " ".join(self.parts)


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
    unclaimed) and each kind's (ALL_OFFICERS, kind): overdue, stopped and met.

    The statement is written by hand, not through the ORM: Django took longer to compile its
    conditional sums than PostgreSQL took to run them (the call 8.7 ms through the ORM, 5.2
    written by hand, for one market of 1 000 000 cases; bench/README.md, "Dashboards")."""
    ids = list(market_ids)
    figures: dict[tuple[int, int, str], ClockFigures] = {}
    if not ids:
        return figures

    def at(key: tuple[int, int, str]) -> ClockFigures:
        return figures.setdefault(key, ClockFigures())

    for part, market, who, what, *values in _figure_rows(
        subject_type, ids, now, first, last, split=split
    ):
        v1, v2, v3, v4, v5, v6 = (int(value or 0) for value in values)
        keys = [(market, ALL_OFFICERS, ALL_KINDS)]
        if part == 1:
            keys = [(market, who, what)]
        elif part == 2 and split:
            keys += [(market, who or NOBODY, ALL_KINDS), (market, ALL_OFFICERS, what)]
        for key in keys:
            line = at(key)
            line.overdue += v1
            line.stopped += v3
            line.met += v4
            if key[1:] == (ALL_OFFICERS, ALL_KINDS):
                line.due_soon += v2
                line.due_today += v5
                line.warned_due_today += v6
    return figures


def _figure_rows(
    subject_type: str,
    ids: list[int],
    now: datetime,
    first: date | None,
    last: date | None,
    *,
    split: bool,
) -> list[tuple[Any, ...]]:
    """The rows of ``deadline_figures``' statement: (part, market, officer, kind, overdue,
    due soon, stopped, met, due later today, warned and due later today)."""
    today = _day(now)
    hour_starts = _hour_start(now)
    hour = hour_starts.hour
    next_hour_starts = hour_starts + timedelta(hours=1)
    tomorrow_starts = _day_start(today + timedelta(days=1))
    day_value = connection.ops.adapt_datefield_value
    time_value = connection.ops.adapt_datetimefield_value
    d_today, d_now = day_value(today), time_value(now)
    d_hour, d_next_hour = time_value(hour_starts), time_value(next_hour_starts)
    d_tomorrow = time_value(tomorrow_starts)
    quote = connection.ops.quote_name
    c = _columns(DeadlineCount)
    k = _columns(Deadline)
    counts, clocks = (quote(m._meta.db_table) for m in (DeadlineCount, Deadline))
    open_, late = Status.OPEN, Status.PAUSED_LATE
    sql = _Sql()

    # 1. The buckets: overdue (the days before today, today's hours gone by, paused late),
    # stopped in the period, and the market's due later today and due soon (warned before the
    # current hour). Each condition a sum of ``n`` over the rows it holds for.
    status, day, hour_, n = c["status"], c["day"], c["hour"], c["n"]
    overdue = (
        f"({status} = %s OR ({status} = %s AND ({day} < %s OR ({day} = %s AND {hour_} < %s))))"
    )
    overdue_params = [late, open_, d_today, d_today, hour]
    warned = f"({c['warn_day']} < %s OR ({c['warn_day']} = %s AND {c['warn_hour']} < %s))"
    warned_params = [d_today, d_today, hour]
    later_today = f"({status} = %s AND {day} = %s AND {hour_} > %s)"
    later_params = [open_, d_today, hour]
    soon = f"({status} = %s AND {day} > %s AND {warned})"
    soon_params = [open_, d_today, *warned_params]
    stopped, stopped_params = "(1 = 0)", []
    if first is not None and last is not None:
        stopped = f"({status} IN (%s, %s) AND {day} >= %s AND {day} <= %s)"
        stopped_params = [Status.MET, Status.LATE, day_value(first), day_value(last)]
    met = f"({stopped} AND {status} = %s)"
    met_params = [*stopped_params, Status.MET]
    market_only = f"({c['officer']} = %s AND {c['kind']} = %s)"
    market_params = [ALL_OFFICERS, ALL_KINDS]
    sql.add(f"SELECT 1, {c['market']}, {c['officer']}, {c['kind']},")
    sql.add(f"SUM(CASE WHEN {overdue} THEN {n} END),", *overdue_params)
    sql.add(f"SUM(CASE WHEN {soon} THEN {n} END),", *soon_params)
    sql.add(f"SUM(CASE WHEN {stopped} THEN {n} END),", *stopped_params)
    sql.add(f"SUM(CASE WHEN {met} THEN {n} END),", *met_params)
    sql.add(f"SUM(CASE WHEN {later_today} THEN {n} END),", *later_params)
    sql.add(f"SUM(CASE WHEN {later_today} AND {warned} THEN {n} END)", *later_params)
    sql.params.extend(warned_params)
    sql.add(f"FROM {counts} WHERE {c['subject_type']} = %s AND", subject_type)
    sql.among(c["market"], ids)
    # The officers' and kinds' rows of the days to come count nothing they show.
    sql.add(
        f"AND ({status} = %s OR ({status} = %s AND {day} <= %s)"
        f" OR ({status} = %s AND {market_only}) OR {stopped})",
        late,
        open_,
        d_today,
        open_,
        *market_params,
        *stopped_params,
    )
    if not split:
        sql.add(f"AND {market_only}", *market_params)
    sql.add(f"GROUP BY {c['market']}, {c['officer']}, {c['kind']}")

    # 2. The running clocks due in the current hour (one range of ``overdue_after``, counted
    # from the index alone): overdue from their due time; by officer and kind only when split.
    def running_clocks() -> None:
        """``FROM`` the markets' running completion clocks of the subject type (``WHERE``
        goes on with ``AND``)."""
        sql.add(
            f"FROM {clocks} WHERE {k['subject_type']} = %s AND {k['target']} = %s AND",
            subject_type,
            Target.COMPLETION,
        )
        sql.among(k["market"], ids)
        sql.add(f"AND {k['stopped_at']} IS NULL AND {k['paused_at']} IS NULL")

    who, what = (k["officer"], k["kind"]) if split else ("%s", "%s")
    due = k["overdue_after"]
    sql.add(f"UNION ALL SELECT 2, {k['market']}, {who}, {what},")
    if not split:
        sql.params.extend([ALL_OFFICERS, ALL_KINDS])
    sql.add(
        f"COUNT(CASE WHEN {due} < %s THEN 1 END), 0, 0, 0,"
        f" COUNT(CASE WHEN {due} >= %s THEN 1 END),"
        f" COUNT(CASE WHEN {k['warn_at']} <= %s AND {due} >= %s THEN 1 END)",
        d_now,
        d_now,
        d_now,
        d_now,
    )
    running_clocks()
    sql.add(f"AND {due} >= %s AND {due} < %s", d_hour, d_next_hour)
    sql.add(f"GROUP BY {k['market']}" + (f", {who}, {what}" if split else ""))

    # 3. The running clocks warned so far in the current hour and due after it: due soon, or
    # warned and due later today (their due times counted, not their ids: PostgreSQL's index
    # holds no id, and counting ids would read each row).
    due_at = k["due_at"]
    sql.add(
        f"UNION ALL SELECT 3, {k['market']}, %s, %s, 0,"
        f" COUNT(CASE WHEN {due_at} >= %s THEN {due_at} END), 0, 0, 0,"
        f" COUNT(CASE WHEN {due_at} < %s THEN {due_at} END)",
        ALL_OFFICERS,
        ALL_KINDS,
        d_tomorrow,
        d_tomorrow,
    )
    running_clocks()
    sql.add(
        f"AND {k['warn_at']} >= %s AND {k['warn_at']} <= %s AND {due_at} >= %s",
        d_hour,
        d_now,
        d_next_hour,
    )
    sql.add(f"GROUP BY {k['market']}")
    with connection.cursor() as cursor:
        cursor.execute(str(sql), sql.params)
        return list(cursor.fetchall())


def deadline_overdue_counts(*, now: datetime) -> dict[str, int]:
    """{subject type: completion clocks overdue at ``now``} over every market, for the
    operators' metrics (config/metrics.py): the dashboards' counters for the days and hours
    gone by and, through the (market, overdue_after) index, the running clocks that fell due
    in the current hour, in one query whatever the number of clocks."""
    today = _day(now)
    hour_starts = _hour_start(now)
    hour = hour_starts.hour
    before_this_hour = (
        DeadlineCount.objects.filter(
            Q(status=Status.PAUSED_LATE)
            | Q(status=Status.OPEN, day__lt=today)
            | Q(status=Status.OPEN, day=today, hour__lt=hour),
            officer=ALL_OFFICERS,
            kind=ALL_KINDS,
        )
        .values("subject_type")
        .annotate(total=Sum("n"))
        .values_list("subject_type", "total")
        .order_by()
    )
    markets = Market.objects.values("pk")
    fell_due_this_hour = (
        Deadline.objects.filter(
            market_id__in=markets,
            target=Target.COMPLETION,
            stopped_at__isnull=True,
            paused_at__isnull=True,
            overdue_after__gte=hour_starts,
            overdue_after__lt=now,
        )
        .values("subject_type")
        .annotate(total=Count("pk"))
        .values_list("subject_type", "total")
        .order_by()
    )
    counts: Counter[str] = Counter()
    for subject_type, total in before_this_hour.union(fell_due_this_hour, all=True):
        counts[subject_type] += total or 0
    return {subject_type: n for subject_type, n in counts.items() if n}
