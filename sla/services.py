"""Deadlines: start, pause, resume, stop, reopen; the sweep that sends each reminder once.

Every due time that moves is written to DeadlineChange with its reason. A running clock's
reminders still to come are its ``Alert`` rows (written when it starts or goes on, deleted when
it pauses or stops); the sweep reads only the alerts that have fallen due (an index on their
time), creates the Reminder of each (unique per deadline and level, so a sweep run twice or
late sends it once), deletes the alert, and tells the handlers registered by the apps above,
after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from functools import partial
from types import EllipsisType
from typing import Any, NamedTuple

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from markets.models import Market, Role

from . import calendar as cal
from .counters import (
    Bucket,
    ReminderBucket,
    deadline_bucket,
    deadline_counts_move,
    deadline_counts_prune,
    reminder_bucket,
    reminder_bucket_of,
    reminder_counts_move,
)
from .hooks import StaffNotice, due_handlers, staff_notice_send
from .models import (
    Alert,
    CalendarGapAlert,
    Deadline,
    DeadlineChange,
    Level,
    Policy,
    Reminder,
    Unit,
)
from .notification_messages import CALENDAR_YEAR_ESTIMATED
from .selectors import market_hours, overrides_for, policy_for

SWEEP_BATCH = 2000  # due alerts claimed (and lost reminders queued again) per transaction
# The lease of a delivery task handed to the broker: until it runs out the sweep does not queue
# another for the same reminder (the task is on its way; queuing more only lengthens the queue
# the workers must get through, which once made a restarted worker's reminders 18 minutes late).
# After it, the task is presumed lost (a worker killed with it, a broker that dropped it) and
# the sweep, every minute, queues another: a lost reminder goes out at most lease + one minute
# = two minutes after it was queued, so within two minutes of a restart. Redis would give a
# killed worker's task back only after its visibility timeout (an hour), far too late.
QUEUE_LEASE = timedelta(seconds=60)
# How a clock (a reminder sent) moves in the dashboard counters: from one row to another.
_Move = tuple[Bucket | None, Bucket | None]
_ReminderMove = tuple[ReminderBucket | None, ReminderBucket | None]


# --- Computing due times --------------------------------------------------------------------------


def _due(
    policy: Policy, market: Market, start: datetime, overrides: cal.Overrides | None = None
) -> cal.WorkingInstant:
    hours = market_hours(market)
    overrides = overrides_for(market) if overrides is None else overrides
    local = timezone.localtime(start, cal.SHANGHAI)
    if policy.unit == Unit.WORKING_HOURS:
        return cal.add_working_time(start, timedelta(hours=policy.amount), hours, overrides)
    if policy.unit == Unit.SAME_DAY:
        close = cal.end_of_working_day(local.date(), hours, overrides)
        if close.at > start:
            return close
        after = cal.add_working_days(local.date(), 1, overrides)
        later = cal.end_of_working_day(after.day, hours, overrides)
        return cal.WorkingInstant(later.at, later.estimated or after.estimated)
    day = cal.add_working_days(local.date(), policy.amount, overrides)
    close = cal.end_of_working_day(day.day, hours, overrides)
    return cal.WorkingInstant(close.at, close.estimated or day.estimated)


def _escalate_at(
    policy: Policy, due_at: datetime, hours: cal.OpeningHours, overrides: cal.Overrides
) -> datetime:
    day = timezone.localtime(due_at, cal.SHANGHAI).date()
    later = cal.add_working_days(day, max(policy.escalate_after_days, 1), overrides)
    return cal.end_of_working_day(later.day, hours, overrides).at


def _warn_at(
    deadline: Deadline, policy: Policy, hours: cal.OpeningHours, overrides: cal.Overrides
) -> datetime:
    """When ``warn_percent`` of the working time allowed has been used: counted in working
    time like the target itself, so a warning never falls on a night or a day off.

    While the warning is still to come, every pause so far lies before it: the working time
    the clock stood still (``paused_total``) is added on the way."""
    allowed = (
        cal.working_time_between(deadline.started_at, deadline.due_at, hours, overrides)
        - deadline.paused_total
    )
    used = max(allowed, timedelta(0)) * policy.warn_percent / 100
    warn = cal.add_working_time(deadline.started_at, used + deadline.paused_total, hours, overrides)
    return min(warn.at, deadline.due_at)


def _schedule(deadline: Deadline, policy: Policy, overrides: cal.Overrides | None = None) -> None:
    """warn_at and escalate_at from due_at. ``overrides``: the market's calendar
    (``overrides_for``) when the caller has it already."""
    hours = market_hours(deadline.market)
    overrides = overrides_for(deadline.market) if overrides is None else overrides
    deadline.warn_at = _warn_at(deadline, policy, hours, overrides)
    deadline.escalate_at = _escalate_at(policy, deadline.due_at, hours, overrides)


# Each level and the clock's column holding its time (``_alerts``, ``alerts_rebuild``).
_LEVEL_TIMES = (
    (Level.WARNING, "warn_at"),
    (Level.BREACH, "due_at"),
    (Level.ESCALATION, "escalate_at"),
)


def _alerts(deadline: Deadline, sent: Collection[str] = ()) -> list[Alert]:
    """The alerts of a running (saved) clock: one for each level not ``sent`` yet, at the
    time ``_schedule`` set for it."""
    return [
        Alert(
            deadline=deadline,
            level=level,
            at=getattr(deadline, column),
            market_id=deadline.market_id,
            subject_type=deadline.subject_type,
            target=deadline.target,
        )
        for level, column in _LEVEL_TIMES
        if level not in sent
    ]


def _alerts_drop(deadline_ids: Sequence[int]) -> None:
    """The clocks paused or stopped: no reminder of theirs is to come."""
    if deadline_ids:
        Alert.objects.filter(deadline_id__in=list(deadline_ids)).delete()


@transaction.atomic
def alerts_rebuild() -> int:
    """Write every running clock's alerts again from the clocks and their reminders: a level
    not reminded yet is an alert at the time the clock holds for it (``_alerts``); returns how
    many. For an installation whose alerts were lost or edited by hand; the services and the
    sweep wait meanwhile (PostgreSQL: the table locked). ``manage.py sla_alerts_rebuild``."""
    quote = connection.ops.quote_name
    alerts, clocks = quote(Alert._meta.db_table), quote(Deadline._meta.db_table)
    reminders = quote(Reminder._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {alerts} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {alerts}")  # noqa: S608  (names from the models)
        written = 0
        for level, column in _LEVEL_TIMES:
            cursor.execute(
                f"INSERT INTO {alerts} (deadline_id, level, at, market_id, subject_type, target) "  # noqa: S608
                f"SELECT d.id, %s, d.{quote(column)}, d.market_id, d.subject_type, d.target "
                f"FROM {clocks} d WHERE d.stopped_at IS NULL AND d.paused_at IS NULL "
                f"AND NOT EXISTS (SELECT 1 FROM {reminders} r "
                "WHERE r.deadline_id = d.id AND r.level = %s)",
                [level, level],
            )
            written += cursor.rowcount
    return written


def _calendar_gap_alert(market: Market, start: datetime, end: datetime) -> None:
    """Tell the system administrators, once per year, that deadlines in a year the calendar
    does not know are estimated (Monday–Friday)."""
    first = timezone.localtime(start, cal.SHANGHAI).date()
    last = timezone.localtime(end, cal.SHANGHAI).date()
    for year in sorted(cal.years_estimated(first, last, overrides_for(market))):
        try:
            with transaction.atomic():
                CalendarGapAlert.objects.create(year=year)
        except IntegrityError:
            continue
        admins = User.objects.filter(is_active=True, memberships__role=Role.SYSTEM_ADMIN).distinct()
        for admin in admins:
            notice = StaffNotice(
                recipient=admin,
                message=CALENDAR_YEAR_ESTIMATED,
                params={"year": year},
                link="/admin/sla/",
            )
            transaction.on_commit(partial(staff_notice_send, notice))


# --- The clock ------------------------------------------------------------------------------------


@transaction.atomic
def deadline_start(
    *,
    subject_type: str,
    subject_id: int,
    market: Market,
    kind: str,
    target: str,
    at: datetime | None = None,
    channel: str = "",
    officer: User | None = None,
) -> Deadline | None:
    """Start the clock of ``target`` for a subject; None when no policy covers the kind."""
    started = deadlines_start_many(
        subject_type=subject_type,
        subject_ids=[subject_id],
        market=market,
        kind=kind,
        target=target,
        at=at,
        channel=channel,
        officer=officer,
    )
    return started.get(subject_id)


def deadlines_start_many(
    *,
    subject_type: str,
    subject_ids: Sequence[int],
    market: Market,
    kind: str,
    target: str,
    at: datetime | None = None,
    channel: str = "",
    officer: User | None = None,
) -> dict[int, Deadline]:
    """Start the clock of ``target`` for each subject (one policy, one due time, computed once
    for all: they start at the same moment), in the caller's transaction; by subject id. Empty
    when no policy covers the kind. ``officer``: whose the subjects are (a case's owner);
    ``channel``: what they came in by, which the clocks keep (``Deadline.channel``)."""
    return deadlines_start_targets(
        subject_type=subject_type,
        subject_ids=subject_ids,
        market=market,
        kind=kind,
        targets=[target],
        at=at,
        channel=channel,
        officer=officer,
    )[target]


def deadlines_start_targets(
    *,
    subject_type: str,
    subject_ids: Sequence[int],
    market: Market,
    kind: str,
    targets: Sequence[str],
    at: datetime | None = None,
    channel: str = "",
    officer: User | None = None,
    station_id: int | None = None,
    met_at_start: Sequence[str] = (),
) -> dict[str, dict[int, Deadline]]:
    """``deadlines_start_many`` for each of ``targets`` (a case taken in: its acceptance and
    completion clocks), all written together: one INSERT of the clocks, one of their
    "started" changes and one of the dashboard counters, whatever the number of targets and
    subjects (issue 14). By target, then by subject id; a target no policy covers has none.
    ``station_id``: where the subjects were taken in (a case's station), which the clocks keep
    with the channel (``Deadline.station``).

    The clocks of the targets in ``met_at_start`` stop, met, the moment they start (a case
    taken in at the counter is accepted there and then): written stopped, as ``deadline_stop``
    would leave them, in the same INSERT."""
    start = at or timezone.now()
    started: dict[str, list[Deadline]] = {}
    overrides: cal.Overrides | None = None  # read once for all targets
    for target in targets:
        policy = policy_for(kind=kind, market=market, target=target, channel=channel)
        if policy is None or not subject_ids:
            started[target] = []
            continue
        overrides = overrides_for(market) if overrides is None else overrides
        started[target] = _deadlines_new(
            subject_type,
            subject_ids,
            market,
            kind,
            target,
            policy,
            start,
            overrides,
            officer,
            channel,
            station_id,
        )
        if target in met_at_start:
            for deadline in started[target]:
                _stop(deadline, now=start, withdrawn=False)
    deadlines = [deadline for one in started.values() for deadline in one]
    if len(deadlines) == 1:
        deadlines[0].save()
    elif deadlines:
        Deadline.objects.bulk_create(deadlines, batch_size=500)
    alerts = [alert for d in deadlines if d.stopped_at is None for alert in _alerts(d)]
    if alerts:
        Alert.objects.bulk_create(alerts, batch_size=500)
    if deadlines:
        DeadlineChange.objects.bulk_create(
            [
                DeadlineChange(deadline=d, at=start, new_due_at=d.due_at, reason="started")
                for d in deadlines
            ],
            batch_size=500,
        )
        deadline_counts_move((None, deadline_bucket(deadline)) for deadline in deadlines)
    for one in started.values():
        if one and one[0].estimated:
            _calendar_gap_alert(market, start, one[0].due_at)
    return {
        target: {deadline.subject_id: deadline for deadline in one}
        for target, one in started.items()
    }


def _deadlines_new(
    subject_type: str,
    subject_ids: Sequence[int],
    market: Market,
    kind: str,
    target: str,
    policy: Policy,
    start: datetime,
    overrides: cal.Overrides,
    officer: User | None,
    channel: str,
    station_id: int | None,
) -> list[Deadline]:
    """The clocks of ``target`` for the subjects, starting at ``start`` (not saved): the due
    time and the alerts computed once, for the first, on the market's calendar ``overrides``."""
    due = _due(policy, market, start, overrides)
    first = Deadline(
        subject_type=subject_type,
        subject_id=subject_ids[0],
        market=market,
        kind=kind,
        target=target,
        policy=policy,
        started_at=start,
        due_at=due.at,
        estimated=due.estimated,
        officer=officer,
        channel=channel,
        station_id=station_id,
    )
    _schedule(first, policy, overrides)
    return [first] + [
        Deadline(
            subject_type=subject_type,
            subject_id=subject_id,
            market=market,
            kind=kind,
            target=target,
            policy=policy,
            started_at=start,
            due_at=due.at,
            estimated=due.estimated,
            officer=officer,
            channel=channel,
            station_id=station_id,
            warn_at=first.warn_at,
            escalate_at=first.escalate_at,
        )
        for subject_id in subject_ids[1:]
    ]


def _deadlines(subject_type: str, subject_id: int) -> list[Deadline]:
    # Lock the deadlines only: FOR UPDATE of the joined policy and market would block every
    # insert that points at them (a new case, a new deadline) until this transaction ends.
    return list(
        Deadline.objects.select_for_update(of=("self",))
        .select_related("policy", "market__region")
        .filter(subject_type=subject_type, subject_id=subject_id)
    )


def _owner_follow(
    deadlines: list[Deadline], officer_id: int | None, market_id: int | None
) -> tuple[list[_Move], list[_ReminderMove]]:
    """The subject has another owner, and (an accepted transfer) maybe another market: its
    clocks follow, due times unchanged, so that the market's team leads see and hear about
    them; their reminders still to come (alerts) move with them. Returns how the clocks and
    the reminders sent move in the counters, for the caller to write with its own moves."""
    moving = [
        d
        for d in deadlines
        if d.officer_id != officer_id or (market_id is not None and d.market_id != market_id)
    ]
    if not moving:
        return [], []
    changing_market = [d.pk for d in moving if market_id is not None and d.market_id != market_id]
    clocks = {deadline.pk: deadline for deadline in moving}
    # The reminders sent (one a level at most) count under the clock's market: read in one
    # query before it changes.
    reminders = (
        list(Reminder.objects.filter(deadline_id__in=changing_market)) if changing_market else []
    )
    if changing_market:
        Alert.objects.filter(deadline_id__in=changing_market).update(market_id=market_id)
    counted_in = [reminder_bucket(r, clocks[r.deadline_id]) for r in reminders]
    moves = []
    for deadline in moving:
        before = deadline_bucket(deadline)
        deadline.officer_id = officer_id
        if market_id is not None:
            deadline.market_id = market_id
        deadline.save(update_fields=["officer", "market"])
        moves.append((before, deadline_bucket(deadline)))
    counted_now = [reminder_bucket(r, clocks[r.deadline_id]) for r in reminders]
    return moves, list(zip(counted_in, counted_now, strict=True))


def _stop(deadline: Deadline, *, now: datetime, withdrawn: bool) -> None:
    end = deadline.paused_at or now
    deadline.stopped_at = now
    deadline.met = None if withdrawn else end <= deadline.due_at


@transaction.atomic
def deadline_stop(
    *,
    subject_type: str,
    subject_id: int,
    target: str | None = None,
    at: datetime | None = None,
    withdrawn: bool = False,
) -> list[Deadline]:
    """Stop the clock(s) of a subject (the target met, or the case finished): met when the
    stop is not after the due time. A withdrawn subject's clocks stop neither met nor late
    (``met`` stays None): they leave the on-time rate altogether."""
    stopped, moves = _clocks_stop(
        _deadlines(subject_type, subject_id),
        now=at or timezone.now(),
        target=target,
        withdrawn=withdrawn,
    )
    deadline_counts_move(moves)
    return stopped


def _clocks_stop(
    deadlines: list[Deadline], *, now: datetime, target: str | None, withdrawn: bool
) -> tuple[list[Deadline], list[_Move]]:
    """Stop the running clocks (of ``target``); returns them and how they move in the
    counters, for the caller to write."""
    stopped, moves = [], []
    for deadline in deadlines:
        if deadline.stopped_at is not None or (target and deadline.target != target):
            continue
        before = deadline_bucket(deadline)
        _stop(deadline, now=now, withdrawn=withdrawn)
        deadline.save()
        stopped.append(deadline)
        moves.append((before, deadline_bucket(deadline)))
    _alerts_drop([deadline.pk for deadline in stopped])
    return stopped, moves


def deadlines_stop_many(
    *,
    subject_type: str,
    subject_ids: Sequence[int],
    target: str | None = None,
    at: datetime | None = None,
) -> int:
    """``deadline_stop`` for many subjects at once (not withdrawn), in the caller's
    transaction: their running clocks (of ``target``) read and locked in one query, written
    in one. Returns how many stopped."""
    now = at or timezone.now()
    running = Deadline.objects.select_for_update(of=("self",)).filter(
        subject_type=subject_type, subject_id__in=list(subject_ids), stopped_at__isnull=True
    )
    if target:
        running = running.filter(target=target)
    stopped = list(running)
    moves = []
    for deadline in stopped:
        before = deadline_bucket(deadline)
        _stop(deadline, now=now, withdrawn=False)
        moves.append((before, deadline_bucket(deadline)))
    deadline_counts_move(moves)
    # The same values for all but ``met``: one UPDATE for the met ones, one for the late ones.
    for met in (True, False):
        ids = [deadline.pk for deadline in stopped if deadline.met is met]
        for start in range(0, len(ids), 500):
            Deadline.objects.filter(pk__in=ids[start : start + 500]).update(stopped_at=now, met=met)
    _alerts_drop([deadline.pk for deadline in stopped])
    return len(stopped)


@transaction.atomic
def deadlines_follow_state(
    *,
    subject_type: str,
    subject_id: int,
    state: str,
    finished: bool,
    withdrawn: bool = False,
    actor: User | None = None,
    at: datetime | None = None,
    officer_id: int | EllipsisType | None = ...,
    market_id: int | None = None,
) -> None:
    """After every transition of the subject: stop every clock when it is finished (neither
    met nor late when it was withdrawn); pause a clock whose policy pauses in ``state``;
    resume a paused (or reopened) one otherwise. ``officer_id``: whose the subject is now (a
    case's owner; left as it was when not given); ``market_id``: where it is now (a case
    accepted by another market; left as it was when not given)."""
    now = at or timezone.now()
    deadlines = _deadlines(subject_type, subject_id)
    # Every move of the clocks' counters is written at the end, in one statement: written as
    # each clock changes, a transition would lock the counter rows in several passes, and a
    # service locking some of the same rows in one pass (an intake) could wait for it
    # crosswise (tests/cases/test_transfer_concurrency.py).
    moves: list[_Move] = []
    reminder_moves: list[_ReminderMove] = []
    if not isinstance(officer_id, EllipsisType):
        moves, reminder_moves = _owner_follow(deadlines, officer_id, market_id)
    if finished:
        _stopped, stops = _clocks_stop(deadlines, now=now, target=None, withdrawn=withdrawn)
        moves += stops
    else:
        moves += _clocks_follow_state(deadlines, state=state, now=now, actor=actor)
    deadline_counts_move(moves)
    reminder_counts_move(reminder_moves)


def _clocks_follow_state(
    deadlines: list[Deadline], *, state: str, now: datetime, actor: User | None
) -> list[_Move]:
    """Pause, resume or (reopened) go on with each clock as ``state`` asks; returns how they
    move in the counters."""
    moves: list[_Move] = []
    for deadline in deadlines:
        pauses = state in (deadline.policy.pause_states or [])
        if deadline.stopped_at is not None:
            if deadline.target == "completion":  # reopened: the clock goes on
                moves.append(
                    _resume(
                        deadline, since=deadline.stopped_at, now=now, actor=actor, reason="reopened"
                    )
                )
            continue
        if pauses and deadline.paused_at is None:
            before = deadline_bucket(deadline)
            deadline.paused_at = now
            deadline.save()
            _alerts_drop([deadline.pk])
            moves.append((before, deadline_bucket(deadline)))
            DeadlineChange.objects.create(
                deadline=deadline,
                at=now,
                old_due_at=deadline.due_at,
                new_due_at=None,
                reason=f"paused: {state}",
                actor=actor,
            )
        elif not pauses and deadline.paused_at is not None:
            moves.append(
                _resume(deadline, since=deadline.paused_at, now=now, actor=actor, reason="resumed")
            )
    return moves


def _resume(
    deadline: Deadline, *, since: datetime, now: datetime, actor: User | None, reason: str
) -> _Move:
    """Move the due time by the working time the clock stood still; returns how the clock
    moves in the counters, for the caller to write."""
    before = deadline_bucket(deadline)
    hours = market_hours(deadline.market)
    overrides = overrides_for(deadline.market)
    still = cal.working_time_between(since, now, hours, overrides)
    old = deadline.due_at
    moved = cal.add_working_time(old, still, hours, overrides) if still else None
    deadline.due_at = moved.at if moved else old
    deadline.estimated = deadline.estimated or bool(moved and moved.estimated)
    deadline.paused_total += still
    deadline.paused_at = None
    deadline.stopped_at = None
    deadline.met = None
    _schedule(deadline, deadline.policy)
    deadline.save()
    _alerts_drop([deadline.pk])
    sent = set(deadline.reminders.values_list("level", flat=True))
    Alert.objects.bulk_create(_alerts(deadline, sent))
    DeadlineChange.objects.create(
        deadline=deadline,
        at=now,
        old_due_at=old,
        new_due_at=deadline.due_at,
        reason=reason,
        actor=actor,
    )
    return before, deadline_bucket(deadline)


# --- The sweep ------------------------------------------------------------------------------------


class _Due(NamedTuple):
    """A due alert as the sweep claims it."""

    pk: int
    deadline_id: int
    level: str
    market_id: int
    subject_type: str
    target: str


_DUE_COLUMNS = ("id", "deadline_id", "level", "market_id", "subject_type", "target")


def sweep_claim_statement(now: datetime, batch: int) -> tuple[str, list[Any]]:
    """The statement (SQL and parameters) that claims a batch of due alerts: it deletes at most
    ``batch`` of those due by ``now``, oldest first, found through the index ``alert_due``
    (rows another sweep holds locked are skipped on PostgreSQL; SQLite has one writer at a
    time), and returns them (the columns of ``_Due``). One statement instead of a locking
    SELECT and a DELETE that finds the same rows again."""
    quote = connection.ops.quote_name
    table = quote(Alert._meta.db_table)
    columns = ", ".join(quote(column) for column in _DUE_COLUMNS)
    # Names from the model, every value a parameter.
    due = f"FROM {table} WHERE {quote('at')} <= %s ORDER BY {quote('at')} LIMIT %s"
    if connection.vendor == "postgresql":
        # The rows' places (ctid) as one array, worked out once, then each row read at its
        # place (a TID scan): the locking just read those pages. As ``IN (…)`` PostgreSQL
        # would join the whole table against them; by id, it walked the primary key's index
        # for each, 80 µs a row at 15 000 000 alerts (bench/README.md, "SLA sweep"). A row
        # changed since the statement began (a transfer moving its market) is locked in its
        # new version, which this statement cannot see: it stays, for the next sweep.
        claimed = f"ctid = ANY(ARRAY(SELECT ctid {due} FOR UPDATE SKIP LOCKED))"
    else:
        claimed = f"{quote('id')} IN (SELECT {quote('id')} {due})"
    sql = f"DELETE FROM {table} WHERE {claimed} RETURNING {columns}"  # noqa: S608
    return sql, [connection.ops.adapt_datetimefield_value(now), batch]


def _alerts_claim(now: datetime, batch: int) -> list[_Due]:
    """SQLite: the due alerts ``sweep_claim_statement`` deleted, by id: a clock's levels in the
    order its alerts were written (warning, breach, escalation)."""
    sql, params = sweep_claim_statement(now, batch)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_Due(*row) for row in sorted(cursor.fetchall())]


def sla_sweep(
    *, now: datetime | None = None, batch: int = SWEEP_BATCH, workers: int | None = None
) -> int:
    """Create every reminder that has fallen due, each exactly once; returns how many.

    Safe to run twice at once (rows are claimed with SKIP LOCKED where the database has it)
    and after an outage (everything past due is picked up, level by level). Reminders whose
    delivery task was lost (a broker or worker outage) are handed to the workers again.

    A batch of due alerts costs a handful of statements whatever its size: one DELETE that
    claims the alerts, the reminders inserted together (on PostgreSQL in the same statement,
    ``sweep_batch_statement``), one upsert of the counters. The
    times a clock is reminded at (``warn_at``, ``due_at``, ``escalate_at``) were set in working
    time when it started or went on (``_schedule``, ``_alerts``), and the sweep keeps to them,
    as the applicant's due time is kept: a calendar changed since moves neither.

    When more than a batch is due, the batches are swept by ``workers`` connections at once
    (``sweep_workers``): the statements are the database server's work, which then runs on
    as many of its cores; each batch is still one transaction of its own."""
    moment = now or timezone.now()
    reminder_requeue_lost(now=moment, batch=batch)
    _counts_prune_daily(moment)
    created, claimed = _sweep_batch(moment, batch)
    if claimed < batch:  # the sweep of every minute: all that was due fitted in one batch
        return created
    helpers = sweep_workers(workers) - 1
    if helpers:
        with ThreadPoolExecutor(max_workers=helpers, thread_name_prefix="sla-sweep") as pool:
            running = [
                pool.submit(_sweep_batches_on_own_connection, moment, batch) for _ in range(helpers)
            ]
            created += _sweep_batches(moment, batch)
            created += sum(helper.result() for helper in running)
    # Alone, the rest of the batches. After helpers, once every sweeper has committed, one
    # more claim: it walks the due index past the entries of the alerts the last batches
    # deleted, which only now are gone for everyone, and marks them so (left to the next
    # sweep, a minute's, that walk was 20 ms of it), and reminds anything still due that a
    # sweeper skipped as locked by another.
    return created + _sweep_batches(moment, batch)


def sweep_batch_statement(now: datetime, batch: int) -> tuple[str, list[Any]]:
    """PostgreSQL: the claim of ``sweep_claim_statement`` and the insert of the claimed
    alerts' reminders as one statement (a data-modifying ``WITH``), so a batch's rows do not
    travel to Python and back between the two. One row per claimed alert: the id of the
    reminder made (None where the reminder was there already, the unique key's
    ``ON CONFLICT DO NOTHING``), then the alert's columns (``_Due``); by reminder id. The
    reminders are inserted in the order of their alerts' ids, as ``_alerts_claim`` orders
    them: a clock's levels in the order its alerts were written."""
    claim, params = sweep_claim_statement(now, batch)
    quote = connection.ops.quote_name
    table = quote(Reminder._meta.db_table)
    deadline, level, id_ = quote("deadline_id"), quote("level"), quote("id")
    columns = ", ".join(
        quote(name) for name in ("deadline_id", "level", "created_at", "queued_until")
    )
    alert = ", ".join(f"claimed.{quote(name)}" for name in _DUE_COLUMNS)
    # Names from the models, every value a parameter.
    sql = (
        f"WITH claimed AS ({claim}), "  # noqa: S608
        f"made AS (INSERT INTO {table} ({columns}) "
        f"SELECT {deadline}, {level}, %s, %s FROM claimed ORDER BY {id_} "
        f"ON CONFLICT ({deadline}, {level}) DO NOTHING RETURNING {id_}, {deadline}, {level}) "
        f"SELECT made.{id_}, {alert} FROM claimed LEFT JOIN made "
        f"ON made.{deadline} = claimed.{deadline} AND made.{level} = claimed.{level} "
        f"ORDER BY made.{id_}, claimed.{id_}"
    )
    adapt = connection.ops.adapt_datetimefield_value
    return sql, [*params, adapt(now), adapt(now + QUEUE_LEASE)]


def _sweep_batch(moment: datetime, batch: int) -> tuple[int, int]:
    """One batch in its own transaction: (reminders created, alerts claimed). On PostgreSQL
    one statement claims the alerts and inserts their reminders (``sweep_batch_statement``);
    SQLite, which has no data-modifying ``WITH``, claims and then inserts."""
    day = timezone.localdate(moment, timezone.get_default_timezone())
    with transaction.atomic():
        if connection.vendor == "postgresql":
            sql, params = sweep_batch_statement(moment, batch)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            made = [(row[0], _Due(*row[1:])) for row in rows if row[0] is not None]
            return _reminded(made, day), len(rows)
        due = _alerts_claim(moment, batch)
        return _remind(due, moment, day), len(due)


def _sweep_batches(moment: datetime, batch: int) -> int:
    """Batches until one comes back short: nothing is left due (or another sweeper holds the
    rest, locked, and will remind them)."""
    created = 0
    while True:
        made, claimed = _sweep_batch(moment, batch)
        created += made
        if claimed < batch:
            return created


def _sweep_batches_on_own_connection(moment: datetime, batch: int) -> int:
    """``_sweep_batches`` in a helper thread, which Django gives a connection of its own;
    closed when done, as a request's is."""
    try:
        return _sweep_batches(moment, batch)
    finally:
        connections.close_all()


def sweep_workers(workers: int | None = None) -> int:
    """How many connections sweep together when more than a batch is due (after an outage, or
    where thousands of clocks fall due at the same time): ``workers`` (the setting
    ``SLA_SWEEP_WORKERS`` when None), the caller's and helper threads'. Only on PostgreSQL,
    where a batch's rows are claimed with ``SKIP LOCKED`` so sweepers never wait for one
    another (SQLite has one writer at a time), and only when the sweep is not inside a
    caller's transaction, whose rows other connections could not see; else the caller's
    alone."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(settings.SLA_SWEEP_WORKERS if workers is None else workers, 1)


_pruned_on: list[date] = []  # the day this process last pruned the dashboard counters


def _counts_prune_daily(moment: datetime) -> None:
    """Once a day per process, the first sweep after midnight drops the counters' empty rows
    of the days gone by and merges the rows of their hours (``deadline_counts_prune``)."""
    today = timezone.localdate(moment)
    if _pruned_on and _pruned_on[0] >= today:
        return
    with transaction.atomic():
        deadline_counts_prune(today=today)
    _pruned_on[:] = [today]


def _remind(alerts: Sequence[_Due], moment: datetime, day: date) -> int:
    """SQLite: the reminders of these due alerts (claimed: deleted), then ``_reminded``."""
    created = _reminders_insert([(alert.deadline_id, alert.level) for alert in alerts], moment)
    by_level = {(alert.deadline_id, alert.level): alert for alert in alerts}
    return _reminded(
        [(pk, by_level[deadline_id, level]) for pk, deadline_id, level in created], day
    )


def _reminded(made: Sequence[tuple[int, _Due]], day: date) -> int:
    """The reminders just made (id, the alert each came from) counted, and their delivery
    tasks sent after the commit. Returns how many there are."""
    reminder_counts_move((None, _reminder_bucket(alert, day)) for _pk, alert in made)
    if made:
        transaction.on_commit(partial(_deliver_all_later, [pk for pk, _alert in made]))
    return len(made)


def _reminder_bucket(alert: _Due, day: date) -> ReminderBucket | None:
    return reminder_bucket_of(
        market_id=alert.market_id,
        subject_type=alert.subject_type,
        target=alert.target,
        level=alert.level,
        day=day,
    )


def _reminders_insert(
    wanted: Sequence[tuple[int, str]], moment: datetime
) -> list[tuple[int, int, str]]:
    """SQLite: insert a reminder for each (clock id, level), but for one that exists already
    (the unique key; ``INSERT … ON CONFLICT DO NOTHING``); returns (id, deadline id, level) of
    those inserted. Rows of parameters, as many a statement as its limit allows. (PostgreSQL
    inserts them in the statement that claims their alerts, ``sweep_batch_statement``.)"""
    if not wanted:
        return []
    quote = connection.ops.quote_name
    table = quote(Reminder._meta.db_table)
    columns = ["deadline_id", "level", "created_at", "queued_until"]
    names = ", ".join(quote(name) for name in columns)
    created_at = connection.ops.adapt_datetimefield_value(moment)
    queued_until = connection.ops.adapt_datetimefield_value(moment + QUEUE_LEASE)
    # Names from the model, every value a parameter.
    conflict = (
        f"ON CONFLICT ({quote('deadline_id')}, {quote('level')}) DO NOTHING "
        f"RETURNING {quote('id')}, {quote('deadline_id')}, {quote('level')}"
    )
    fields = [Reminder._meta.get_field(name.removesuffix("_id")) for name in columns]
    size = connection.ops.bulk_batch_size(fields, wanted)
    inserted: list[tuple[int, int, str]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), size):
            chunk = wanted[start : start + size]
            params: list[Any] = []
            for deadline_id, level in chunk:
                params.extend((deadline_id, level, created_at, queued_until))
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values} {conflict}", params)  # noqa: S608
            inserted.extend(cursor.fetchall())
    return inserted


def reminders_lease_run_out(*, now: datetime, batch: int) -> QuerySet[Reminder, int]:
    """The ids of at most ``batch`` undelivered reminders whose lease ran out by ``now``,
    oldest lease first, locked (skipping those another sweep holds): one range of the lease
    index (``reminder_undelivered_lease``), which ends at ``now`` however many fresh leases
    follow it."""
    return (
        Reminder.objects.select_for_update(skip_locked=True)
        .filter(delivered_at__isnull=True, queued_until__lte=now)
        .order_by("queued_until", "pk")
        .values_list("pk", flat=True)[:batch]
    )


def reminder_requeue_lost(*, now: datetime, batch: int = SWEEP_BATCH) -> list[int]:
    """Hand to the workers again every undelivered reminder whose delivery task is presumed
    lost (its lease ran out), each under a new lease; returns their ids. A reminder whose task
    is on its way is left alone, however long the queue. Rows are claimed under a lock and
    the tasks sent after the commit: a sweep killed half-way leaves leases that run out."""
    requeued: list[int] = []
    while True:
        with transaction.atomic():
            ids = list(reminders_lease_run_out(now=now, batch=batch))
            Reminder.objects.filter(pk__in=ids).update(queued_until=now + QUEUE_LEASE)
            for reminder_id in ids:
                transaction.on_commit(partial(_deliver_later, reminder_id))
        requeued.extend(ids)
        if len(ids) < batch:
            return requeued


def reminder_lease_extend(*, reminder_id: int, until: datetime) -> None:
    """The delivery task will retry itself at ``until`` minus the lease: the sweep keeps off."""
    Reminder.objects.filter(pk=reminder_id, delivered_at__isnull=True).update(queued_until=until)


def _deliver_later(reminder_id: int) -> None:
    # By name: the task module imports this one.
    current_app.send_task("sla.tasks.reminder_deliver_task", args=[reminder_id])


def _deliver_all_later(reminder_ids: Sequence[int]) -> None:
    for reminder_id in reminder_ids:
        _deliver_later(reminder_id)


@transaction.atomic
def reminder_deliver(*, reminder_id: int) -> bool:
    """Tell everyone a reminder concerns, through the handlers the apps above registered.
    Idempotent: the handlers send with keys, and a delivered reminder is not sent again.
    Returns False when there was nothing left to do."""
    reminder = (
        Reminder.objects.select_for_update(of=("self",))
        .select_related("deadline__market")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or reminder.delivered_at is not None:
        return False
    for handler in due_handlers():
        handler(reminder.deadline, reminder.level)
    reminder.delivered_at = timezone.now()
    reminder.save(update_fields=["delivered_at"])
    return True
