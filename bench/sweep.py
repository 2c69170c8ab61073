"""The SLA sweep at scale, on a fresh database (see bench/README.md, "SLA sweep").

    .venv/bin/python bench/sweep.py [--cases N] [--due-percent P] [--profile]

``--cases`` open cases (default 200 000) each have a running completion deadline with its
alerts (the reminders still to come), ``P`` % of them (default 1) with one due now, spread over
the three levels; a quarter as many stopped deadlines have no alerts. After ANALYZE, one call
of ``sla_sweep`` is timed, then a second one right after (it must create nothing). The
benchmark prints the reminders created (they must equal the due deadlines), the times, and the
query plan of the statement that claims the due alerts (``DELETE … RETURNING``): it must find
them through the index ``alert_due``, not by reading the whole table.

Delivery is patched out: ``sla.services.current_app.send_task`` is replaced by a counter, so no
broker is needed and no reminder is delivered.

A benchmark reports: it exits 0 whether or not a target is met, and prints MISSED beside a
figure that misses its target.
"""

# ruff: noqa: E402  (Django must be set up before the project's modules are imported)

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
# Forced, not defaulted (as in run.py): the benchmark deletes and re-creates its database.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
# A database file of its own (beside run.py's), so that the two can run at the same time.
os.environ.setdefault("BENCH_DB", "var/bench/sweep.sqlite3")

import django

django.setup()

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.utils import timezone

from bench.generate import Table, Writer
from bench.results import Row, results_arguments, results_directory, results_report, verdict
from bench.run import Organisation, benchmark_database, heading, organisation_make, profiled, seeded
from sla import services
from sla.models import Alert, Deadline, Level, Policy, Reminder, Target, Unit

INDEX = "alert_due"
SUBJECT_TYPE = "cases.case"
KIND = "policy_consultation"
STOPPED_SHARE = 4  # one stopped deadline (no alerts) for every 4 open ones
# Issue 14: at 1 % due over 5 M open deadlines the first sweep within a second, the second
# (nothing due any more) within 10 ms.
FIRST_TARGET_MS = 1000.0
SECOND_TARGET_MS = 10.0
LEVELS = (Level.WARNING, Level.BREACH, Level.ESCALATION)
# The reminders a deadline at this level has had already (delivered): without them the sweep
# would (rightly) catch up the earlier levels too, and create more than one reminder per row.
EARLIER = {
    Level.WARNING: (),
    Level.BREACH: (Level.WARNING,),
    Level.ESCALATION: (Level.WARNING, Level.BREACH),
}


# --- The deadlines ----------------------------------------------------------------------------


@dataclass
class Deadlines:
    open: int = 0
    stopped: int = 0
    due: dict[str, int] = field(default_factory=dict)  # level -> due deadlines at that level
    due_alerts: list[Alert] = field(default_factory=list)  # as created, to re-arm them
    alerts: int = 0

    @property
    def due_total(self) -> int:
        return sum(self.due.values())


def deadline_due(i: int, level: str, now: datetime) -> dict[str, Any]:
    """The times of a running deadline whose alert at ``level`` has fallen due (minutes to
    hours ago), and the levels after it still to come. They are consistent, so that after this
    reminder the next level falls in the future."""
    ago = timedelta(minutes=1 + i % 720)
    if level == Level.WARNING:  # warned at 75 %, due in a day
        due_at = now + timedelta(days=1)
        warn_at = now - ago
    elif level == Level.BREACH:  # due minutes to hours ago: escalation 2 working days later
        due_at = now - ago
        warn_at = due_at - timedelta(days=1, hours=18)
    else:  # overdue for over a week; the escalation time has passed
        due_at = now - timedelta(days=10) - ago
        warn_at = due_at - timedelta(days=1, hours=18)
    return {
        "started_at": due_at - timedelta(days=7),
        "due_at": due_at,
        "warn_at": warn_at,
        "escalate_at": now - ago if level == Level.ESCALATION else due_at + timedelta(days=2),
    }


FLUSH_ROWS = 50_000  # rows written by one COPY (PostgreSQL) or executemany (SQLite)


def deadlines_bulk_make(
    organisation: Organisation, policy: Policy, now: datetime, *, cases: int, due_percent: float
) -> Deadlines:
    """``cases`` running deadlines (subject ids 1..cases), each with its alerts, ``due_percent``
    % of them with an alert due now, spread evenly over the levels; the rest not yet warned
    (warning 2-5 days ahead); then ``cases // STOPPED_SHARE`` stopped ones, and the reminders
    the due ones had before. Written as ``bench/generate.py`` writes rows (COPY on PostgreSQL,
    executemany on SQLite), with their ids: no DeadlineChange rows, set-up only. The alerts
    are then derived from them by ``sla.services.alerts_rebuild``."""
    rng = seeded(7)
    due_count = round(cases * due_percent / 100)
    due_ids = set(rng.sample(range(cases), due_count))
    market_ids = [market.pk for market in organisation.markets]
    made = Deadlines(due=dict.fromkeys(LEVELS, 0))
    deadlines, writer = Table(Deadline), Writer()
    common = {
        "subject_type": SUBJECT_TYPE,
        "kind": KIND,
        "target": Target.COMPLETION,
        "policy_id": policy.pk,
    }
    earlier: list[tuple[int, str]] = []  # (deadline id, level already sent)
    pending = 0

    def add(table: Table, values: dict[str, Any]) -> None:
        nonlocal pending
        writer.add(table, values)
        pending += 1
        if pending >= FLUSH_ROWS:
            writer.flush()
            pending = 0

    for i in range(cases):
        values = {**common, "id": i + 1, "subject_id": i + 1}
        values["market_id"] = market_ids[i % len(market_ids)]
        if i in due_ids:
            level = LEVELS[made.due_total % len(LEVELS)]
            made.due[level] += 1
            values.update(deadline_due(i, level, now))
            earlier.extend((i + 1, sent_level) for sent_level in EARLIER[level])
        else:
            started_at = now - timedelta(seconds=rng.randint(0, 3 * 86_400))
            due_at = started_at + timedelta(days=7)
            values.update(
                started_at=started_at,
                due_at=due_at,
                warn_at=started_at + timedelta(days=5, hours=6),
                escalate_at=due_at + timedelta(days=2),
            )
        add(deadlines, values)
    made.open = cases
    made.stopped = cases // STOPPED_SHARE
    for i in range(made.stopped):
        started_at = now - timedelta(days=30 + i % 300)
        values = {**common, "id": cases + i + 1, "subject_id": cases + i + 1}
        values.update(
            market_id=market_ids[i % len(market_ids)],
            started_at=started_at,
            due_at=started_at + timedelta(days=7),
            warn_at=started_at + timedelta(days=5, hours=6),
            escalate_at=started_at + timedelta(days=9),
            stopped_at=started_at + timedelta(days=4),
            met=True,
        )
        add(deadlines, values)
    reminders = Table(Reminder)
    sent_at = now - timedelta(days=2)
    for number, (deadline_id, sent_level) in enumerate(earlier, start=1):
        values = {"id": number, "deadline_id": deadline_id, "level": sent_level}
        add(
            reminders,
            {**values, "created_at": sent_at, "delivered_at": sent_at, "queued_until": sent_at},
        )
    writer.flush()
    with connection.cursor() as cursor:  # the next ids after those written
        for sql in connection.ops.sequence_reset_sql(no_style(), [Deadline, Reminder]):
            cursor.execute(sql)
    # The alerts as the services derive them from the clocks and the reminders sent.
    made.alerts = services.alerts_rebuild()
    made.due_alerts = list(Alert.objects.filter(at__lte=now))
    return made


def policy_make() -> Policy:
    """The default completion policy of the kind: 5 working days, warn at 75 %, escalate 2
    working days after a breach (a migration of cases may have seeded it already)."""
    policy, _created = Policy.objects.get_or_create(
        kind=KIND,
        target=Target.COMPLETION,
        market=None,
        is_active=True,
        defaults={
            "amount": 5,
            "unit": Unit.WORKING_DAYS,
            "warn_percent": 75,
            "escalate_after_days": 2,
        },
    )
    return policy


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def rearm(made: Deadlines, now: datetime) -> None:
    """Put the due alerts back as they were before the sweep, and delete its reminders."""
    Reminder.objects.filter(created_at=now, delivered_at__isnull=True).delete()
    Alert.objects.bulk_create(made.due_alerts, batch_size=1000)


# --- The sweep's claim and its plan -----------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    text: str
    by_index: list[str]  # reads of the alerts table through alert_due
    by_id: list[str]  # reads of the alerts just picked: by ctid (PostgreSQL) or primary key
    other: list[str]  # other reads of it (full scans, other indexes)


def sweep_plan(now: datetime) -> Plan:
    """EXPLAIN QUERY PLAN (SQLite) or EXPLAIN ANALYZE (PostgreSQL) of the statement that
    claims one batch of due alerts (``sla.services.sweep_claim_statement``; on PostgreSQL
    within ``sweep_batch_statement``, which inserts their reminders too), in a transaction
    rolled back: the alerts it deletes are still there for the sweep."""
    table = Alert._meta.db_table
    statement = (
        services.sweep_batch_statement
        if connection.vendor == "postgresql"
        else services.sweep_claim_statement
    )
    sql, params = statement(now, services.SWEEP_BATCH)
    explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN ANALYZE"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"{explain} {sql}", params)
        rows = cursor.fetchall()
        transaction.set_rollback(True)
    if connection.vendor == "sqlite":  # (id, parent, notused, detail)
        text = "\n".join(str(row[-1]) for row in rows)
    else:
        text = "\n".join(str(row[0]) for row in rows)
    by_index: list[str] = []
    by_id: list[str] = []
    other: list[str] = []
    for line in text.splitlines():
        read = line.strip().removeprefix("->").strip()
        if connection.vendor == "sqlite":
            # "SCAN t …" / "SEARCH t USING INDEX i (…)" / "SEARCH t USING INTEGER PRIMARY KEY".
            words = read.split()
            verb = next((w for w in ("SCAN", "SEARCH") if w in words), None)
            if verb is None or words[words.index(verb) + 1 :][:1] != [table]:
                continue
            read = " ".join(words[words.index(verb) :])
            if verb == "SEARCH" and re.search(rf"USING (COVERING )?INDEX {INDEX}\b", read):
                by_index.append(read)
            elif verb == "SEARCH" and "PRIMARY KEY" in read:
                by_id.append(read)
            else:
                other.append(read)
            continue
        if f" on {table}" not in read and f" on {INDEX}" not in read:
            continue
        if read.startswith(("Bitmap Heap Scan", "Delete on")):
            continue  # reads the rows the scan below it found; deletes them
        if (
            f"Index Scan using {INDEX} on {table}" in read
            or f"Bitmap Index Scan on {INDEX}" in read
        ):
            by_index.append(read)
        elif f"Index Scan using {table}_pkey on {table}" in read or f"Tid Scan on {table}" in read:
            by_id.append(read)
        else:
            other.append(read)
    return Plan(text, by_index, by_id, other)


# --- The sweep ---------------------------------------------------------------------------------


@dataclass
class Counter:
    """The delivery tasks sent, from whichever of the sweep's threads sends them."""

    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, *args: object, **kwargs: object) -> None:
        with self.lock:
            self.calls += 1


@dataclass
class StatementCounter:
    """Each SQL statement's time and first words, (milliseconds, words), cheaply: no query
    log, DEBUG stays off."""

    timed: list[tuple[float, str]] = field(default_factory=list)

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            words = " ".join(sql.split())[:90]
            self.timed.append(((time.perf_counter() - started) * 1000, words))


def statements_summed(timed: list[tuple[float, str]]) -> list[tuple[float, int, str]]:
    """(total milliseconds, count, first words) of each kind of statement (its first 60
    characters), the costliest first."""
    kinds: dict[str, list[float]] = {}
    for ms, words in timed:
        kinds.setdefault(words[:60], []).append(ms)
    return sorted(((sum(v), len(v), k) for k, v in kinds.items()), reverse=True)


@dataclass(frozen=True)
class SweepRun:
    created: int
    ms: float
    statements: list[tuple[float, str]]
    tasks_sent: int


def sweep_once(now: datetime, *, workers: int | None = None) -> SweepRun:
    """One sweep, its statements counted on every connection it uses: the caller's, and
    those the helper threads open when more than a batch is due (``sla.services.sla_sweep``).
    ``workers``: the sweep's (``SLA_SWEEP_WORKERS`` when None)."""
    tasks, statements = Counter(), StatementCounter()

    def counted(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
        connection.execute_wrappers.append(statements)

    connection_created.connect(counted, weak=False)
    try:
        with (
            mock.patch("sla.services.current_app.send_task", tasks),
            connection.execute_wrapper(statements),
        ):
            started = time.perf_counter()
            created = services.sla_sweep(now=now, workers=workers)
            ms = (time.perf_counter() - started) * 1000
    finally:
        connection_created.disconnect(counted)
    return SweepRun(created, ms, statements.timed, tasks.calls)


def bench_sweep(
    cases: int,
    due_percent: float,
    *,
    profile: bool,
    args: dict[str, Any],
    out: Path | None,
    workers: int | None = None,
    alternate: int = 0,
) -> None:
    organisation = organisation_make()
    policy = policy_make()
    now = timezone.now()
    heading(f"SLA sweep over {cases} open cases, {due_percent:g} % due")
    started = time.perf_counter()
    made = deadlines_bulk_make(organisation, policy, now, cases=cases, due_percent=due_percent)
    analyze()
    levels = ", ".join(f"{level} {count}" for level, count in made.due.items())
    print(
        f"set-up: {made.open} running deadlines ({made.due_total} due: {levels}), "
        f"{made.alerts} alerts to come, {made.stopped} stopped (no alerts), "
        f"{Reminder.objects.count()} earlier "
        f"reminders; ANALYZE; {time.perf_counter() - started:.1f} s"
    )

    plan = sweep_plan(now)  # before the sweep: the rows it is about to read are still due
    label = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN ANALYZE"
    what = (
        "DELETE … RETURNING, in the WITH that inserts the reminders"
        if connection.vendor == "postgresql"
        else "DELETE … RETURNING"
    )
    print(
        f"\n{label} of the sweep's claim (one batch of {services.SWEEP_BATCH}: "
        f"{what}):\n{plan.text}"
    )
    uses_index = bool(plan.by_index) and not plan.other
    print(f"\nfinds the due alerts through {INDEX}: {'yes' if uses_index else 'NO'}")
    for line in plan.by_index:
        print(f"  by {INDEX}: {line}")
    for line in plan.by_id:
        print(f"  the picked ones read again: {line}")
    for line in plan.other:
        print(f"  NOT by {INDEX}: {line}")

    first = sweep_once(now, workers=workers)
    second = sweep_once(now, workers=workers)
    more_than_a_batch = made.due_total > services.SWEEP_BATCH
    connections_used = services.sweep_workers(workers) if more_than_a_batch else 1
    print(
        f"\nfirst sweep: {first.created} reminders created (due: {made.due_total}) in "
        f"{first.ms:.0f} ms ({first.ms / max(first.created, 1):.2f} ms per reminder) by "
        f"{connections_used} connection(s), {len(first.statements)} SQL statements, "
        f"{first.tasks_sent} delivery tasks sent (patched)"
    )
    print(
        f"second sweep, right after: {second.created} created in {second.ms:.1f} ms, "
        f"{len(second.statements)} SQL statements, {second.tasks_sent} delivery tasks sent"
    )
    for ms, words in second.statements:
        print(f"  {ms:6.2f} ms  {words} …")
    print(
        "the first sweep's statements by their first words (all of a kind together; "
        "their times summed over the connections):"
    )
    for ms, count, words in statements_summed(first.statements)[:8]:
        print(f"  {ms:8.1f} ms  {count:4d} ×  {words} …")
    with transaction.atomic():  # the search locks what it finds
        lost = services.reminders_lease_run_out(now=now, batch=services.SWEEP_BATCH)
        print(
            f"\nEXPLAIN ANALYZE of the search for lost deliveries, right after:\n"
            f"{lost.explain(analyze=True) if connection.vendor == 'postgresql' else lost.explain()}"
        )
    if alternate:
        print(
            f"\nthe same sweep again, re-armed, by one connection and by {connections_used} "
            "alternately (ms):"
        )
        for _ in range(alternate):
            for n in (1, workers):
                rearm(made, now)
                again = sweep_once(now, workers=n)
                right = again.created == made.due_total == again.tasks_sent
                print(
                    f"  {'one' if n == 1 else 'all':>3}: {again.ms:.0f}"
                    f"{'' if right else f' WRONG: {again.created} reminders'}",
                    flush=True,
                )
    if profile:
        rearm(made, now)
        profiled(lambda: sweep_once(now), title=f"the sweep of {made.due_total} due deadlines")

    rows = [
        Row(
            f"first sweep ({cases // 1000}k open, {made.due_total} due)",
            f"{first.ms:.0f} ms, {first.created} reminders",
            f"= {made.due_total} reminders, ≤ {FIRST_TARGET_MS / 1000:.0f} s",
            verdict(
                first.created == made.due_total == first.tasks_sent and first.ms <= FIRST_TARGET_MS
            ),
            value=round(first.ms, 1),
            unit="ms",
        ),
        Row(
            "second sweep, right after",
            f"{second.ms:.1f} ms, {second.created} reminders",
            f"0 reminders, ≤ {SECOND_TARGET_MS:.0f} ms",
            verdict(
                second.created == 0 and second.tasks_sent == 0 and second.ms <= SECOND_TARGET_MS
            ),
            value=round(second.ms, 2),
            unit="ms",
        ),
        Row(
            "the sweep's claim of due alerts",
            f"{INDEX}" if uses_index else "not (only) by the index",
            f"by {INDEX}, no full scan",
            verdict(uses_index),
        ),
    ]
    results_report("sweep", rows, args=args, directory=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=200_000, help="open cases (200000)")
    parser.add_argument(
        "--due-percent", type=float, default=1.0, help="share of them due now, in %% (1)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile a sweep of the same rows, re-armed"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="connections sweeping at once when more than a batch is due "
        "(the setting SLA_SWEEP_WORKERS, 2, when not given; PostgreSQL only)",
    )
    parser.add_argument(
        "--alternate",
        type=int,
        default=0,
        help="then sweep the same rows again K times by one connection and by --workers "
        "alternately (0)",
    )
    results_arguments(parser)
    args = parser.parse_args(argv)
    if args.cases < 1 or not 0 <= args.due_percent <= 100:
        parser.error("--cases must be at least 1 and --due-percent between 0 and 100")

    with benchmark_database():
        bench_sweep(
            args.cases,
            args.due_percent,
            profile=args.profile,
            args={"cases": args.cases, "due_percent": args.due_percent, "workers": args.workers},
            out=results_directory(args),
            workers=args.workers,
            alternate=args.alternate,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
