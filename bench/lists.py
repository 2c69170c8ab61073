"""Benchmark of the filtered, sorted case lists (see bench/README.md, "Case lists").

    .venv/bin/python bench/lists.py [--cases N] [--runs N] [--profile] [--reuse]

Over ``--cases`` bulk-created cases (the set-up of bench/run.py, plus four kinds, two service
stations per market and a completion clock for every open case), it times for every filter
the lists offer: the first page of the market's list through the selector (``cases_filtered``
as the page calls it and plans it, ``list_plans``: the page's rows and its capped count), the
full ``GET /cases/market/<id>/?<filter>`` of a team lead, and for a few filters the officer's
``GET /cases/?<filter>``; it prints the query plan of each first page.

A benchmark reports: it exits 0 whether or not a target is met, and prints MISSED beside a
figure that misses its target.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# bench.run sets the benchmark settings up (and refuses the demo database): first.
from bench.results import Row, results_arguments, results_directory, results_report, verdict
from bench.run import (
    LIST_TARGET_MS,
    PAGE_SIZE,
    Organisation,
    Timing,
    benchmark_database,
    cases_bulk_make,
    fresh,
    heading,
    organisation_make,
    planner_statistics_fresh,
    profiled,
    query_plan,
    seeded,
    static_collected,
    timed,
    verified_client,
)

# isort: split
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from backoffice.common.pages import COUNT_CAP, BoundedPaginator, list_plans
from cases.models import OPEN_STATES, Case, Channel, State
from cases.selectors import cases_read_whole
from cases.staff_selectors import case_list_for_market
from markets.models import Membership, Role, ServiceStation
from sla.models import Deadline, Policy, Target

KINDS = ("policy_consultation", "complaint", "job_guidance", "training_referral")


# --- Set-up -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scene:
    lead: User
    officer: User
    market_id: int
    station_id: int


def scene_make(organisation: Organisation, count: int) -> Scene:
    """The cases of bench/run.py, then: kinds spread over four (policy consultations half of
    them, complaints an eighth), every tenth case at a service station, and a completion
    clock for every open case, due from 5 days ago to 20 days ahead (about a fifth overdue)."""
    started = time.perf_counter()
    cases_bulk_make(organisation, count)
    print(f"cases: {Case.objects.count()} in {time.perf_counter() - started:.1f} s", flush=True)

    begun = time.perf_counter()
    stations: dict[int, list[int]] = {}
    for market in organisation.markets:
        stations[market.pk] = [
            ServiceStation.objects.create(market=market, name=f"{name}站", address="社区").pk
            for name in ("朝阳", "新竹")
        ]
    # Set-up only: plain updates (no history), by id ranges so SQLite need not sort.
    Case.objects.filter(id__in=_every(8, 1)).update(kind=KINDS[1])
    Case.objects.filter(id__in=_every(8, 2)).update(kind=KINDS[2])
    Case.objects.filter(id__in=_every(4, 3)).update(kind=KINDS[3])
    for market in organisation.markets:
        first, second = stations[market.pk]
        Case.objects.filter(market=market, id__in=_every(10, 0)).update(station_id=first)
        Case.objects.filter(market=market, id__in=_every(20, 5)).update(station_id=second)
    print(f"kinds and stations: {time.perf_counter() - begun:.1f} s", flush=True)

    begun = time.perf_counter()
    policy = Policy.objects.filter(kind=KINDS[0], target=Target.COMPLETION, market=None).first()
    assert policy is not None  # noqa: S101  (the migrations load the default policies)
    rng = seeded(4)
    now = timezone.now()
    batch: list[Deadline] = []
    made = 0
    open_cases = (
        Case.objects.filter(state__in=OPEN_STATES)
        .values_list("pk", "market_id", "kind", "opened_at", "owner_id", "channel", "station_id")
        .order_by()
    )
    for pk, market_id, kind, opened_at, owner_id, channel, station_id in open_cases.iterator(
        chunk_size=5000
    ):
        due = now + timedelta(minutes=rng.randint(-5 * 1440, 20 * 1440))
        batch.append(
            Deadline(
                subject_type="cases.case",
                subject_id=pk,
                market_id=market_id,
                kind=kind,
                target=Target.COMPLETION,
                policy=policy,
                officer_id=owner_id,  # the case's owner, as the clock services keep it
                channel=channel,  # and its channel and station
                station_id=station_id,
                started_at=opened_at,
                due_at=due,
                warn_at=due - timedelta(days=1),
                escalate_at=due + timedelta(days=2),
            )
        )
        if len(batch) == 5000:
            Deadline.objects.bulk_create(batch, batch_size=1000)
            made += len(batch)
            batch = []
    Deadline.objects.bulk_create(batch, batch_size=1000)
    made += len(batch)
    print(f"deadlines: {made} in {time.perf_counter() - begun:.1f} s", flush=True)
    planner_statistics_fresh()

    market = organisation.markets[0]
    lead = User.objects.create(
        username="bench-lead", full_name="组长", password_changed_at=timezone.now()
    )
    Membership.objects.create(user=lead, role=Role.TEAM_LEAD, market=market)
    TOTPDevice.objects.create(user=lead, name="authenticator", confirmed=True)
    return Scene(
        lead=lead,
        officer=organisation.officers[market.pk][1],
        market_id=market.pk,
        station_id=stations[market.pk][0],
    )


def scene_found(count: int | None) -> Scene | None:
    """The scene of an earlier run of ``count`` cases still in the database (SQLite keeps
    its file), or of any number of cases (None: a database bench/generate.py built, whose
    first market's team lead is ``bench-lead`` too), or None."""
    lead = User.objects.filter(username="bench-lead").first()
    membership = Membership.objects.filter(user=lead, role=Role.TEAM_LEAD).first()
    if lead is None or membership is None:
        return None
    if count is not None and Case.objects.count() != count:
        return None
    market_id = membership.market_id
    if market_id is None:
        return None
    officers = (
        User.objects.filter(memberships__market_id=market_id, memberships__role=Role.OFFICER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    station = ServiceStation.objects.filter(market_id=market_id).order_by("pk").first()
    if len(officers) < 2 or station is None:
        return None
    return Scene(
        lead=lead,
        officer=User.objects.get(pk=officers[1]),
        market_id=market_id,
        station_id=station.pk,
    )


@contextmanager
def reused_database(*, generated: bool = False) -> Iterator[float]:
    """The frame of a run on the set-up an earlier run left (SQLite's file; PostgreSQL's
    benchmark database when that run was told to keep it, ``BENCH_KEEP_DB=1``), or on a
    database bench/generate.py built (``generated``: SQLite's BENCH_DB or DATABASE_URL's
    database itself, as it stands)."""
    if connection.vendor != "sqlite" and not generated:
        if os.environ.get("BENCH_KEEP_DB") != "1":
            sys.exit("--reuse on PostgreSQL: run the set-up with BENCH_KEEP_DB=1, then reuse")
        kept = connection.creation._get_test_db_name()  # type: ignore[attr-defined]
        connection.close()
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = kept
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']} (reused)", flush=True)
    started = time.perf_counter()
    try:
        yield started
    finally:
        print(f"\n(total {time.perf_counter() - started:.0f} s)")


def _every(step: int, rest: int) -> Any:
    """Ids with ``id % step == rest`` (as a subquery: no list of a million ids in Python)."""
    return Case.objects.annotate(rest=F("id") % step).filter(rest=rest).values("id")


# --- The filters --------------------------------------------------------------------------


def filters(scene: Scene) -> list[tuple[str, dict[str, Any], str]]:
    """(label, keyword arguments of cases_filtered, the page's query string) for every
    filter the lists offer, each alone, then the sorts and a few combinations. A due filter
    lists the most urgent first (the form sets that sort): so do the selector's rows here."""
    today = timezone.localdate()
    month_ago = (today - timedelta(days=30)).isoformat()
    year_ago = (today - timedelta(days=365)).isoformat()
    officer = scene.officer.pk
    return [
        ("no filter (newest first)", {}, ""),
        ("state=new", {"state": State.NEW}, "state=new"),
        ("state=in_progress", {"state": State.IN_PROGRESS}, "state=in_progress"),
        ("kind=complaint", {"kind": "complaint"}, "kind=complaint"),
        ("owner=officer", {"owner_id": officer}, f"owner={officer}"),
        ("channel=phone", {"channel": Channel.PHONE}, "channel=phone"),
        ("station", {"station_id": scene.station_id}, f"station={scene.station_id}"),
        ("due=overdue", {"due": "overdue", "sort": "due"}, "due=overdue"),
        ("due=today", {"due": "today", "sort": "due"}, "due=today"),
        ("due=week", {"due": "week", "sort": "due"}, "due=week"),
        (
            "opened in the last 30 days",
            {"opened_from": today - timedelta(days=30), "opened_to": today},
            f"opened_from={month_ago}&opened_to={today.isoformat()}",
        ),
        (
            "opened a year ago, one day",
            {"opened_from": today - timedelta(days=365), "opened_to": today - timedelta(days=365)},
            f"opened_from={year_ago}&opened_to={year_ago}",
        ),
        ("sort=oldest", {"sort": "oldest"}, "sort=oldest"),
        ("sort=reference", {"sort": "reference"}, "sort=reference"),
        ("sort=-reference", {"sort": "-reference"}, "sort=-reference"),
        (
            "state=in_progress & kind=complaint",
            {"state": State.IN_PROGRESS, "kind": "complaint"},
            "state=in_progress&kind=complaint",
        ),
        (
            "owner & due=overdue",
            {"owner_id": officer, "due": "overdue", "sort": "due"},
            f"owner={officer}&due=overdue",
        ),
        (
            "state=in_progress & due=overdue",
            {"state": State.IN_PROGRESS, "due": "overdue", "sort": "due"},
            "state=in_progress&due=overdue",
        ),
        (
            "state=closed & due=overdue",
            {"state": State.CLOSED, "due": "overdue", "sort": "due"},
            "state=closed&due=overdue",
        ),
        (
            "kind=complaint & channel=phone",
            {"kind": "complaint", "channel": Channel.PHONE},
            "kind=complaint&channel=phone",
        ),
        (
            "channel=phone & last 30 days & oldest",
            {
                "channel": Channel.PHONE,
                "opened_from": today - timedelta(days=30),
                "sort": "oldest",
            },
            f"channel=phone&opened_from={month_ago}&sort=oldest",
        ),
        (
            "station & state=new & due=week",
            {"station_id": scene.station_id, "state": State.NEW, "due": "week", "sort": "due"},
            f"station={scene.station_id}&state=new&due=week",
        ),
        (
            "station & due=week",
            {"station_id": scene.station_id, "due": "week", "sort": "due"},
            f"station={scene.station_id}&due=week",
        ),
        (
            "channel=phone & due=overdue",
            {"channel": Channel.PHONE, "due": "overdue", "sort": "due"},
            "channel=phone&due=overdue",
        ),
    ]


@dataclass(frozen=True)
class Result:
    name: str
    timing: Timing
    rows: int
    counted: str
    queries: int


def bench_selector(scene: Scene, *, runs: int, profile: bool) -> list[Result]:
    heading("1. The market's list through the selector: first page + capped count")
    results = []
    for label, criteria, _query in filters(scene):

        def page(criteria: dict[str, Any] = criteria) -> tuple[int, int, bool]:
            with list_plans():  # planned as the page plans them (PostgreSQL)
                cases = case_list_for_market(
                    user=fresh(scene.lead), market_id=scene.market_id, **criteria
                )
                paginator = BoundedPaginator(
                    cases, PAGE_SIZE, cap=COUNT_CAP, in_order=cases_read_whole(**criteria)
                )
                first = paginator.page(1)
                return len(list(first)), paginator.count, paginator.over_cap

        with CaptureQueriesContext(connection) as queries:
            rows, count, over = page()
        timing = timed(page, runs=runs)
        counted = f"{count}+" if over else str(count)
        results.append(Result(label, timing, rows, counted, len(queries)))
        met = verdict(timing.p95 <= LIST_TARGET_MS)
        print(
            f"{label}: {rows} rows of {counted}, {len(queries)} SQL: median "
            f"{timing.median:.2f} ms, p95 {timing.p95:.2f} ms {met}",
            flush=True,
        )
        if profile or timing.p95 > LIST_TARGET_MS:
            profiled(partial(_repeat, page, 5), title=f"{label} x5", lines=12)
    return results


def bench_plans(scene: Scene) -> None:
    heading("2. Query plans of each first page")
    label_plan = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    for label, criteria, _query in filters(scene):
        queryset = case_list_for_market(
            user=fresh(scene.lead), market_id=scene.market_id, **criteria
        )[:PAGE_SIZE]
        try:
            with list_plans():  # as the page plans it (PostgreSQL)
                plan, by_index, full = query_plan(queryset)
        except EmptyResultSet:  # the selector knows that nothing can match: no query at all
            print(f"\n-- {label}: no query (nothing can match)")
            continue
        print(f"\n-- {label}: {label_plan}\n{plan}")
        print(f"   cases read by index: {'; '.join(by_index) or 'NONE'}")
        for line in full:
            print(f"   FULL SCAN: {line}")


def bench_pages(scene: Scene, *, runs: int) -> list[Result]:
    heading("3. The pages: GET /cases/market/<id>/?<filter> (team lead), GET /cases/?<filter>")
    static_collected()
    lead = verified_client(scene.lead)
    officer = verified_client(scene.officer)
    base = f"/cases/market/{scene.market_id}/"
    pages: list[tuple[str, Any, str]] = [
        (f"market list {label}", lead, f"{base}?{query}") for label, _c, query in filters(scene)
    ]
    pages += [
        (f"workbench {label}", officer, f"/cases/?{query}")
        for label, _c, query in filters(scene)
        if not query.startswith("owner") and "owner=" not in query
    ][:8]
    results = []
    for label, client, url in pages:
        response = client.get(url)
        if response.status_code != 200:
            print(f"{label}: {url} answered {response.status_code}: not timed")
            continue
        get = partial(client.get, url)
        queries = _count_queries(get)
        timing = timed(get, runs=runs)
        results.append(Result(f"GET {label}", timing, 0, "", queries))
        print(
            f"GET {label} ({queries} SQL): median {timing.median:.2f} ms, p95 "
            f"{timing.p95:.2f} ms {verdict(timing.p95 <= LIST_TARGET_MS)}",
            flush=True,
        )
    return results


def _repeat(run: Callable[[], object], times: int) -> None:
    for _ in range(times):
        run()


def _count_queries(run: Callable[[], object]) -> int:
    """SQL statements ``run`` sends (counted at the cursor, whatever the debug setting)."""
    sent = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal sent
        sent += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        run()
    return sent


def report(
    results: list[Result],
    *,
    cases: int,
    setup_s: float,
    args: dict[str, Any],
    out: Path | None,
) -> None:
    missed = sum(1 for r in results if r.timing.p95 > LIST_TARGET_MS)
    print(f"\n{len(results) - missed} of {len(results)} within {LIST_TARGET_MS:.0f} ms at p95")
    print(f"({cases} cases, set-up {setup_s:.0f} s)")
    rows = [
        Row(
            f"{r.name} ({f'{r.counted} rows, ' if r.counted else ''}{r.queries} SQL)",
            f"{r.timing.median:.1f} / {r.timing.p95:.1f} ms",
            f"≤ {LIST_TARGET_MS:.0f} ms (p95)",
            verdict(r.timing.p95 <= LIST_TARGET_MS),
            value=round(r.timing.p95, 2),
            unit="ms p95",
        )
        for r in results
    ]
    results_report(
        "lists", rows, args=args, directory=out, header=("list", "median / p95", "target")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000, help="cases (100000)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per list (30)")
    parser.add_argument("--profile", action="store_true", help="cProfile even when on target")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=(
            "time the set-up the last run left (SQLite: BENCH_DB; PostgreSQL: kept with "
            "BENCH_KEEP_DB=1) instead of making it again"
        ),
    )
    parser.add_argument(
        "--generated",
        action="store_true",
        help="time the database bench/generate.py built (BENCH_DB or DATABASE_URL) as it stands",
    )
    results_arguments(parser)
    args = parser.parse_args(argv)

    frame = (
        partial(reused_database, generated=True)
        if args.generated
        else reused_database
        if args.reuse
        else benchmark_database
    )
    with frame() as started:
        if args.generated:
            args.cases = Case.objects.count()
            heading(f"0. Set-up: the generated database, {args.cases} cases")
            found = scene_found(None)
            if found is None:
                sys.exit("--generated: no database of bench/generate.py here")
        else:
            heading(f"0. Set-up: {args.cases} cases, 3 markets, 30 officers, one team lead")
            found = scene_found(args.cases) if args.reuse else None
        if found is not None:
            scene = found
            if not args.generated:
                print("the set-up of the last run, reused as it stands (its clocks a little older)")
        else:
            if args.reuse:
                sys.exit(f"--reuse: no set-up of {args.cases} cases in the database")
            scene = scene_make(organisation_make(), args.cases)
        setup_s = time.perf_counter() - started
        results = bench_selector(scene, runs=args.runs, profile=args.profile)
        bench_plans(scene)
        results += bench_pages(scene, runs=args.runs)
        report(
            results,
            cases=args.cases,
            setup_s=setup_s,
            args={"cases": args.cases, "runs": args.runs},
            out=results_directory(args),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
