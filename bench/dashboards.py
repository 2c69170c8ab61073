"""Benchmark of the supervision dashboards with their charts (issue 12, item 4; see
bench/README.md, "Dashboards").

    .venv/bin/python bench/dashboards.py [--cases N] [--runs N] [--profile]

Over ``--cases`` bulk-created cases (the set-up of bench/lists.py: 3 markets, four kinds, a
completion clock for every open case), plus a stopped clock for every resolved or closed case
opened in the last 16 weeks (met four times in five) and the sweep's reminders (due soon for
every tenth open clock, overdue for every tenth overdue one), it times:

- the charts' reads alone (``dashboard_charts`` of one market, ``region_charts`` of the three);
- ``GET /sla/market/<id>/``, the team lead's dashboard with its charts (server time through
  ``django.test.Client``), and ``GET /sla/region/``, the inspector's region view;

and prints the query count of each and the plan of each chart query. **Target: p95 ≤ 50 ms**
for the dashboard with charts at 1 000 000 cases (``--cases 1000000``).

A benchmark reports: it exits 0 whether or not a target is met, and prints MISSED beside a
figure that misses its target.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# bench.run sets the benchmark settings up (and refuses the demo database): first.
from bench.lists import Scene, reused_database, scene_found, scene_make
from bench.results import Row, results_arguments, results_directory, results_report, verdict
from bench.run import (
    LIST_TARGET_MS,
    Timing,
    benchmark_database,
    fresh,
    heading,
    organisation_make,
    planner_statistics_fresh,
    profiled,
    seeded,
    static_collected,
    timed,
    verified_client,
)

# isort: split
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from backoffice.supervision.charts import dashboard_charts, region_charts
from cases.dashboard_selectors import market_list_inspected
from cases.models import Case, State
from cases.sla_counters import sla_counters_rebuild
from cases.sla_selectors import Period
from markets.models import Market, Membership, Region, Role
from sla.models import Deadline, DeadlineCount, Level, Policy, Reminder, Target

DASHBOARD_TARGET_MS = LIST_TARGET_MS  # 50 ms at p95


# --- Set-up -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    scene: Scene
    inspector: User
    market: Market


def setting_make(count: int) -> Setting:
    """The cases and open clocks of bench/lists.py, then the finished clocks and reminders the
    charts read, and an inspector over the province."""
    organisation = organisation_make()
    scene = scene_make(organisation, count)
    begun = time.perf_counter()
    policy = Policy.objects.filter(target=Target.COMPLETION, market=None).first()
    assert policy is not None  # noqa: S101  (the migrations load the default policies)
    rng = seeded(12)
    now = timezone.now()
    since = now - timedelta(weeks=16)
    batch: list[Deadline] = []
    made = 0
    finished = (
        Case.objects.filter(state__in=[State.RESOLVED, State.CLOSED], opened_at__gte=since)
        .values_list("pk", "market_id", "kind", "opened_at")
        .order_by()
    )
    for pk, market_id, kind, opened_at in finished.iterator(chunk_size=5000):
        due = opened_at + timedelta(days=5)
        stopped = min(opened_at + timedelta(minutes=rng.randint(60, 7 * 1440)), now)
        batch.append(
            Deadline(
                subject_type="cases.case",
                subject_id=pk,
                market_id=market_id,
                kind=kind,
                target=Target.COMPLETION,
                policy=policy,
                started_at=opened_at,
                due_at=due,
                warn_at=due - timedelta(days=1),
                escalate_at=due + timedelta(days=2),
                stopped_at=stopped,
                met=rng.random() < 0.8,
            )
        )
        if len(batch) == 5000:
            Deadline.objects.bulk_create(batch, batch_size=1000)
            made += len(batch)
            batch = []
    Deadline.objects.bulk_create(batch, batch_size=1000)
    made += len(batch)
    reminders: list[Reminder] = []
    open_clocks = Deadline.objects.filter(stopped_at__isnull=True).values_list("pk", "due_at")
    for index, (pk, due_at) in enumerate(open_clocks.order_by().iterator(chunk_size=5000)):
        if index % 10 == 0:
            reminders.append(
                Reminder(deadline_id=pk, level=Level.WARNING, created_at=due_at - timedelta(days=1))
            )
            if due_at < now:
                reminders.append(Reminder(deadline_id=pk, level=Level.BREACH, created_at=due_at))
    Reminder.objects.bulk_create(reminders, batch_size=1000)
    print(
        f"finished clocks: {made}, reminders: {len(reminders)} in "
        f"{time.perf_counter() - begun:.1f} s",
        flush=True,
    )
    # The clocks were bulk-created around the services: count the dashboard counters the
    # pages read, as ``manage.py sla_counters_rebuild`` does after an import.
    begun = time.perf_counter()
    counted = sla_counters_rebuild()
    # The rebuild gives every clock its case's owner (an UPDATE of each): the visibility map
    # and the statistics made again, as autovacuum would after it, or no index is read alone.
    planner_statistics_fresh()
    print(
        f"dashboard counters: {DeadlineCount.objects.count()} rows for {counted} clocks in "
        f"{time.perf_counter() - begun:.1f} s",
        flush=True,
    )
    inspector = User.objects.create(
        username="bench-inspector", full_name="督查员", password_changed_at=timezone.now()
    )
    Membership.objects.create(
        user=inspector, role=Role.INSPECTOR, region=Region.objects.get(code="450000")
    )
    TOTPDevice.objects.create(user=inspector, name="authenticator", confirmed=True)
    return Setting(scene=scene, inspector=inspector, market=Market.objects.get(pk=scene.market_id))


def setting_found() -> Setting | None:
    """The setting of a database bench/generate.py built: its first market's team lead
    (``bench-lead``) and the inspector over the province (``bench-inspector``)."""
    scene = scene_found(None)
    inspector = User.objects.filter(username="bench-inspector").first()
    if scene is None or inspector is None:
        return None
    return Setting(scene=scene, inspector=inspector, market=Market.objects.get(pk=scene.market_id))


# --- What is timed ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    name: str
    timing: Timing
    queries: int


def _measure(name: str, run: Any, *, runs: int, profile: bool) -> Result:
    queries = _count_queries(run)
    timing = timed(run, runs=runs)
    met = verdict(timing.p95 <= DASHBOARD_TARGET_MS)
    print(
        f"{name} ({queries} SQL): median {timing.median:.2f} ms, p95 {timing.p95:.2f} ms {met}",
        flush=True,
    )
    if profile or timing.p95 > DASHBOARD_TARGET_MS:
        profiled(partial(_repeat, run, 5), title=f"{name} x5", lines=12)
    return Result(name, timing, queries)


def _count_queries(run: Any) -> int:
    """SQL statements ``run`` sends (counted at the cursor, whatever the debug setting)."""
    sent = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal sent
        sent += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        run()
    return sent


def _repeat(run: Any, times: int) -> None:
    for _ in range(times):
        run()


def bench_reads(setting: Setting, *, runs: int, profile: bool) -> list[Result]:
    heading("1. The charts' reads")
    period = Period.month_of(timezone.localdate())
    markets = list(market_list_inspected(user=fresh(setting.inspector)))
    results = [
        _measure(
            "dashboard_charts (one market)",
            lambda: dashboard_charts(market=setting.market, period=period),
            runs=runs,
            profile=profile,
        ),
        _measure(
            f"region_charts ({len(markets)} markets)",
            lambda: region_charts(markets=markets, period=period, now=timezone.now()),
            runs=runs,
            profile=profile,
        ),
    ]
    heading("2. The chart queries and their plans")
    with CaptureQueriesContext(connection) as captured:
        dashboard_charts(market=setting.market, period=period)
    label = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    for query in captured.captured_queries:
        sql = query["sql"]
        with connection.cursor() as cursor:
            cursor.execute(f"{label} {sql}")
            plan = "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())
        print(f"\n-- {sql[:160]}…\n{plan}")
    return results


def bench_pages(setting: Setting, *, runs: int, profile: bool) -> list[Result]:
    heading("3. The pages: GET /sla/market/<id>/ (team lead), GET /sla/region/ (inspector)")
    static_collected()
    lead = verified_client(setting.scene.lead)
    inspector = verified_client(setting.inspector)
    results = []
    for name, client, url in (
        (
            "GET /sla/market/<id>/ (dashboard with charts)",
            lead,
            f"/sla/market/{setting.market.pk}/",
        ),
        ("GET /sla/region/ (region view)", inspector, "/sla/region/"),
    ):
        response = client.get(url)
        if response.status_code != 200:
            print(f"{name}: answered {response.status_code}: not timed")
            continue
        results.append(_measure(name, partial(client.get, url), runs=runs, profile=profile))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases (1000000)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per figure (30)")
    parser.add_argument("--profile", action="store_true", help="cProfile even when on target")
    parser.add_argument(
        "--generated",
        action="store_true",
        help="time the database bench/generate.py built (BENCH_DB or DATABASE_URL) as it stands",
    )
    results_arguments(parser)
    args = parser.parse_args(argv)

    frame = partial(reused_database, generated=True) if args.generated else benchmark_database
    with frame() as started:
        if args.generated:
            args.cases = Case.objects.count()
            heading(f"0. Set-up: the generated database, {args.cases} cases")
            found = setting_found()
            if found is None:
                sys.exit("--generated: no database of bench/generate.py here")
            setting = found
        else:
            heading(
                f"0. Set-up: {args.cases} cases, 3 markets, 30 officers, a team lead, an inspector"
            )
            setting = setting_make(args.cases)
        setup_s = time.perf_counter() - started
        results = bench_reads(setting, runs=args.runs, profile=args.profile)
        results += bench_pages(setting, runs=args.runs, profile=args.profile)
        missed = sum(1 for r in results if r.timing.p95 > DASHBOARD_TARGET_MS)
        print(f"\n{len(results) - missed} of {len(results)} within {DASHBOARD_TARGET_MS:.0f} ms")
        print(f"({args.cases} cases, set-up {setup_s:.0f} s)")
        rows = [
            Row(
                f"{r.name} ({r.queries} SQL)",
                f"{r.timing.median:.1f} / {r.timing.p95:.1f} ms",
                f"≤ {DASHBOARD_TARGET_MS:.0f} ms (p95)",
                verdict(r.timing.p95 <= DASHBOARD_TARGET_MS),
                value=round(r.timing.p95, 2),
                unit="ms p95",
            )
            for r in results
        ]
        results_report(
            "dashboards",
            rows,
            args={"cases": args.cases, "runs": args.runs},
            directory=results_directory(args),
            header=("page", "median / p95", "target"),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
