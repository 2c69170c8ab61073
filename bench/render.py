"""Benchmark of the staff pages' rendering: the Python time of a page, apart from its SQL
(issue 14; see bench/README.md, "Rendering").

    .venv/bin/python bench/render.py [--cases N] [--runs N] [--profile]

On a small database (``--cases``, default 3 000: the set-up of bench/dashboards.py, so the
SLA dashboard has its clocks) it times, through ``django.test.Client`` with a session as
sign-in leaves it, the officer's workbench ``GET /cases/``, the team lead's market list
``GET /cases/market/<id>/``, the page of a case the officer works on ``GET /cases/<id>/``
and the team lead's SLA dashboard ``GET /sla/market/<id>/``. For each it prints the median
and p95 of the whole request, of the time spent in SQL (measured at the cursor) and of the
rest (the view's Python, the forms and the templates). Rendering costs per page, not per
case in the database, so a few thousand cases are enough.

A benchmark reports: it exits 0 whether or not a target is met, and prints MISSED beside a
figure that misses its target.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# bench.run sets the benchmark settings up (and refuses the demo database): first.
from bench.dashboards import Setting, setting_found, setting_make
from bench.lists import reused_database
from bench.results import Row, results_arguments, results_directory, results_report, verdict
from bench.run import (
    LIST_TARGET_MS,
    Timing,
    benchmark_database,
    heading,
    profiled,
    static_collected,
    verified_client,
)

# isort: split
from django.db import connection

from cases.models import Case, State
from config.gcfreeze import gc_freeze_after_start


@dataclass(frozen=True)
class Result:
    name: str
    total: Timing
    sql: Timing
    cpu: Timing
    queries: int

    @property
    def rest(self) -> Timing:
        return Timing(
            tuple(t - s for t, s in zip(self.total.samples, self.sql.samples, strict=True))
        )


def timed_split(run: Callable[[], object], *, runs: int, warm_up: int = 3) -> Result:
    """The whole of ``run`` and the part of it spent in SQL (at the cursor), ``runs`` times."""
    spent = 0.0
    sent = 0

    def sql_timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal spent, sent
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent += time.perf_counter() - started
            sent += 1

    gc_freeze_after_start()  # as a web worker's start-up objects are (config.wsgi)
    for _ in range(warm_up):
        run()
    totals, sqls, cpus = [], [], []
    with connection.execute_wrapper(sql_timer):
        for _ in range(runs):
            spent, sent = 0.0, 0
            started, cpu_started = time.perf_counter(), time.process_time()
            run()
            totals.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu_started) * 1000)
            sqls.append(spent * 1000)
    return Result("", Timing(tuple(totals)), Timing(tuple(sqls)), Timing(tuple(cpus)), sent)


def _repeat(run: Callable[[], object], times: int) -> None:
    for _ in range(times):
        run()


def bench_pages(setting: Setting, *, runs: int, profile: bool) -> list[Result]:
    scene = setting.scene
    static_collected()
    heading("1. The pages: whole request, SQL, the rest (ms)")
    lead = verified_client(scene.lead)
    officer = verified_client(scene.officer)
    case = Case.objects.filter(owner=scene.officer, state=State.IN_PROGRESS).order_by("pk").first()
    pages: list[tuple[str, Any, str]] = [
        ("GET /cases/ (workbench, officer)", officer, "/cases/"),
        ("GET /cases/market/<id>/ (market list, lead)", lead, f"/cases/market/{scene.market_id}/"),
    ]
    if case is not None:
        pages.append(("GET /cases/<id>/ (case page, its officer)", officer, f"/cases/{case.pk}/"))
    pages.append(
        ("GET /sla/market/<id>/ (SLA dashboard, lead)", lead, f"/sla/market/{scene.market_id}/")
    )
    results = []
    for name, client, url in pages:
        response = client.get(url)
        if response.status_code != 200:
            print(f"{name}: {url} answered {response.status_code}: not timed")
            continue
        get = partial(client.get, url)
        measured = timed_split(get, runs=runs)
        result = Result(name, measured.total, measured.sql, measured.cpu, measured.queries)
        results.append(result)
        print(
            f"{name} ({result.queries} SQL): whole {result.total.median:.1f} / "
            f"{result.total.p95:.1f}, SQL {result.sql.median:.1f} / {result.sql.p95:.1f}, "
            f"rest {result.rest.median:.1f} / {result.rest.p95:.1f}, "
            f"CPU {result.cpu.median:.1f} / {result.cpu.p95:.1f} (median / p95) "
            f"{verdict(result.total.p95 <= LIST_TARGET_MS)}",
            flush=True,
        )
        if profile:
            profiled(partial(_repeat, get, 10), title=f"{name} x10", lines=30)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=3_000, help="cases (3000)")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per page (50)")
    parser.add_argument("--profile", action="store_true", help="cProfile every page")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="SQLite: time the set-up the last run left in BENCH_DB instead of making it again",
    )
    results_arguments(parser)
    args = parser.parse_args(argv)
    with reused_database() if args.reuse else benchmark_database() as started:
        heading(f"0. Set-up: {args.cases} cases, 3 markets, 30 officers, a team lead")
        found = setting_found() if args.reuse else None
        if args.reuse and (found is None or Case.objects.count() != args.cases):
            sys.exit(f"--reuse: no set-up of {args.cases} cases in the database")
        setting = found or setting_make(args.cases)
        results = bench_pages(setting, runs=args.runs, profile=args.profile)
        print(f"\n({args.cases} cases, {time.perf_counter() - started:.0f} s in all)")
        load = Path("/proc/loadavg")
        if load.exists():
            print(f"load average: {' '.join(load.read_text().split()[:3])}")
        rows = []
        for r in results:
            rows.append(
                Row(
                    f"{r.name} ({r.queries} SQL)",
                    f"{r.total.median:.1f} / {r.total.p95:.1f} ms",
                    f"≤ {LIST_TARGET_MS:.0f} ms (p95)",
                    verdict(r.total.p95 <= LIST_TARGET_MS),
                    value=round(r.total.p95, 2),
                    unit="ms p95",
                )
            )
            rows.append(
                Row(
                    "  of which SQL / the rest (median); CPU time (median)",
                    f"{r.sql.median:.1f} / {r.rest.median:.1f} ms; {r.cpu.median:.1f} ms",
                )
            )
        results_report(
            "render",
            rows,
            args={"cases": args.cases, "runs": args.runs},
            directory=results_directory(args),
            header=("page", "median / p95", "target"),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
