"""List exports at scale, on a fresh database (see bench/README.md, "Exports").

    .venv/bin/python bench/export.py [--cases N] [--small M] [--formats csv,xlsx] [--profile]

One market holds ``--cases`` cases (default 100 000), another ``--small`` (default 10 000),
each case with its completion deadline (the export's "due" column reads it). A team lead of
each market asks for an export of the market's whole case list; each export's file is then
built by ``exports.services.export_build`` (what the Celery worker runs) in a **process of its
own**, so that its peak resident memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is the
export's alone and not the set-up's. The child also reports the peak of Python's allocations
during the build (tracemalloc).

Memory is flat when the 100 000-row export peaks no higher than the 10 000-row one plus a small
margin (FLAT_MARGIN_MB): a build that held its rows in memory would grow about tenfold.

Targets (issue 10): 100 000 rows in **≤ 30 s**, with flat memory. A benchmark reports: it exits
0 whether or not a target is met, and prints MISSED beside a figure that misses its target.
"""

# ruff: noqa: E402  (Django must be set up before the project's modules are imported)

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
# Forced, not defaulted (as in run.py): the benchmark deletes and re-creates its database.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
# A database file of its own (beside run.py's and sweep.py's), so that they can run together.
os.environ.setdefault("BENCH_DB", "var/bench/export.sqlite3")

import django

django.setup()

from django.db import connection
from django.utils import timezone

from accounts.models import User
from bench.results import Row, results_arguments, results_directory, results_report, verdict
from bench.run import (
    KIND,
    Organisation,
    _chunks,
    applicants_bulk_make,
    benchmark_database,
    heading,
    organisation_make,
    profiled,
    seeded,
)
from cases.models import Case, Channel, ReferenceSequence, State
from cases.services import CASE_SUBJECT
from exports.models import ExportJob
from exports.services import export_build
from markets.models import Market, Membership, Role
from sla.models import Deadline, Policy, Target

TARGET_SECONDS = 30.0
FLAT_MARGIN_MB = 25.0  # the larger export may peak this much above the smaller one


# --- Set-up ---------------------------------------------------------------------------------------


def cases_of_market_make(market: Market, officers: list[User], count: int, *, seed: int) -> None:
    """``count`` cases of one market over the last two years, each with its completion
    deadline (bulk: no history or audit rows; set-up only)."""
    rng = seeded(seed)
    applicant_ids = applicants_bulk_make(max(1000, count // 10), first=seed * 1_000_000)
    policy = Policy.objects.filter(kind=KIND, target=Target.COMPLETION).first()
    states = list(State.values)
    now = timezone.now()
    prefix = market.region.code
    last: dict[int, int] = {s.year: s.last for s in ReferenceSequence.objects.filter(prefix=prefix)}
    for chunk in _chunks(count, 5000):
        cases = []
        for _ in chunk:
            opened_at = now - timedelta(seconds=rng.randint(3600, 730 * 86_400))
            year = timezone.localtime(opened_at).year
            sequence = last[year] = last.get(year, 0) + 1
            state = rng.choice(states)
            first_contact = rng.choice(officers)
            cases.append(
                Case(
                    reference=f"{prefix}-{year}-{sequence:06d}",
                    kind=KIND,
                    state=state,
                    market=market,
                    channel=rng.choice(Channel.values),
                    applicant_id=rng.choice(applicant_ids),
                    # One in fifty starts with a formula trigger: the neutraliser is timed too.
                    subject="=灵活就业社保补贴政策咨询" if rng.random() < 0.02 else "就业政策咨询",
                    first_contact_officer=first_contact,
                    owner=None if state == State.NEW else first_contact,
                    opened_at=opened_at,
                )
            )
        created = Case.objects.bulk_create(cases, batch_size=1000)
        if policy is not None:
            Deadline.objects.bulk_create(
                (
                    Deadline(
                        subject_type=CASE_SUBJECT,
                        subject_id=case.pk,
                        market=market,
                        kind=KIND,
                        target=Target.COMPLETION,
                        policy=policy,
                        started_at=case.opened_at,
                        due_at=case.opened_at + timedelta(days=7),
                        warn_at=case.opened_at + timedelta(days=5),
                        escalate_at=case.opened_at + timedelta(days=9),
                    )
                    for case in created
                ),
                batch_size=1000,
            )
    for year, value in last.items():
        ReferenceSequence.objects.update_or_create(
            prefix=prefix, year=year, defaults={"last": value}
        )


def team_lead_make(market: Market, n: int) -> User:
    user = User(username=f"bench-lead-{n}", full_name=f"组长{n}")
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, role=Role.TEAM_LEAD, market=market)
    return user


def job_make(requester: User, market: Market, fmt: str) -> ExportJob:
    """An export of the market's whole case list, as ``export_request`` makes it for a list
    too long to build in the request."""
    return ExportJob.objects.create(
        requester=requester,
        list_name="cases",
        criteria={"market_id": market.pk, "state": "", "kind": "", "owner_id": None},
        format=fmt,
        language="zh-hans",
    )


# --- One build, in a process of its own -----------------------------------------------------


def build_here(job_id: int, *, profile: bool, traced: bool) -> dict[str, Any]:
    """Build the job's file in this process; what it took. With ``traced``, tracemalloc
    follows the build too (it slows it several times over: its time is then not the
    export's)."""
    if profile:
        profiled(lambda: export_build(job_id=job_id), title=f"export_build({job_id})")
        ExportJob.objects.filter(pk=job_id).update(state="queued", file="")
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    job = export_build(job_id=job_id)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    tracemalloc.stop()
    return {
        "job": job_id,
        "state": job.state,
        "rows": job.rows_done,
        "seconds": seconds,
        "bytes": job.file.size if job.file else 0,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "traced_peak_mb": peak / 1024 / 1024,
    }


def build_in_child(job_id: int, *, profile: bool, traced: bool = False) -> dict[str, Any]:
    environment = {**os.environ}
    if connection.vendor == "postgresql":
        # The child opens the fresh test_<name> database the parent made.
        settings_dict = connection.settings_dict
        environment["DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@"
            f"{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
        )
    command = [
        sys.executable,
        __file__,
        "--build",
        str(job_id),
        *(["--profile"] if profile else []),
        *(["--traced"] if traced else []),
    ]
    done = subprocess.run(  # noqa: S603 - our own script
        command, env=environment, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(done.stdout, done.stderr)
        raise SystemExit(f"the build of job {job_id} failed")
    if profile:
        print(done.stdout.rsplit("\n", 2)[0])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- Report ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000, help="rows of the big export")
    parser.add_argument("--small", type=int, default=10_000, help="rows of the small export")
    parser.add_argument("--formats", default="csv,xlsx", help="csv,xlsx")
    parser.add_argument("--profile", action="store_true", help="cProfile each build")
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)  # the child's job
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    results_arguments(parser)
    args = parser.parse_args(argv)

    if args.build is not None:
        print(json.dumps(build_here(args.build, profile=args.profile, traced=args.traced)))
        return 0

    if connection.vendor == "sqlite":
        print(f"SQLite {sqlite3.sqlite_version}", end=", ")
    print(f"Python {platform.python_version()}, Django {django.get_version()}, ", end="")
    print(f"{os.cpu_count()} CPUs ({platform.machine()}), load average {os.getloadavg()[0]:.2f}")
    with benchmark_database():
        organisation: Organisation = organisation_make()
        big, small = organisation.markets[0], organisation.markets[1]
        heading(f"set-up: {args.cases} + {args.small} cases with their deadlines")
        set_up = time.perf_counter()
        cases_of_market_make(big, organisation.officers[big.pk], args.cases, seed=11)
        cases_of_market_make(small, organisation.officers[small.pk], args.small, seed=12)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"({time.perf_counter() - set_up:.0f} s)")
        leads = {big.pk: team_lead_make(big, 1), small.pk: team_lead_make(small, 2)}

        results: list[dict[str, Any]] = []
        for fmt in args.formats.split(","):
            for market, rows in ((small, args.small), (big, args.cases)):
                heading(f"{fmt}: {rows} rows, built in a process of its own")
                job = job_make(leads[market.pk], market, fmt)
                result = build_in_child(job.pk, profile=args.profile) | {
                    "format": fmt,
                    "asked": rows,
                }
                results.append(result)
                print(
                    f"{result['state']}: {result['rows']} rows in {result['seconds']:.1f} s "
                    f"({result['rows'] / result['seconds']:.0f} rows/s), file "
                    f"{result['bytes'] / 1024 / 1024:.1f} MB; peak RSS "
                    f"{result['maxrss_mb']:.0f} MB",
                    flush=True,
                )

        # Once more under tracemalloc, for the peak of Python's own allocations (it slows the
        # build several times over, so these runs are not timed).
        for result in results:
            market = big if result["asked"] == args.cases else small
            heading(f"{result['format']}: {result['asked']} rows again, under tracemalloc")
            job = job_make(leads[market.pk], market, result["format"])
            traced = build_in_child(job.pk, profile=False, traced=True)
            result["traced_peak_mb"] = traced["traced_peak_mb"]
            print(f"Python allocations peak {traced['traced_peak_mb']:.1f} MB", flush=True)

        table: list[Row] = []
        by_format: dict[str, list[dict[str, Any]]] = {}
        for result in results:
            by_format.setdefault(result["format"], []).append(result)
        for fmt, pair in by_format.items():
            smaller, larger = pair
            flat = larger["maxrss_mb"] <= smaller["maxrss_mb"] + FLAT_MARGIN_MB
            complete = all(r["rows"] == r["asked"] for r in pair)
            for result in pair:
                timed = result is larger
                table.append(
                    Row(
                        f"{fmt}, {result['rows']} rows",
                        f"{result['seconds']:.1f} s; peak RSS {result['maxrss_mb']:.0f} MB, "
                        f"Python peak {result['traced_peak_mb']:.1f} MB",
                        f"≤ {TARGET_SECONDS:.0f} s, memory flat, every row" if timed else "",
                        verdict(result["seconds"] <= TARGET_SECONDS and flat and complete)
                        if timed
                        else "",
                        value=round(result["seconds"], 2),
                        unit="s",
                    )
                )
        sizes = {"cases": args.cases, "small": args.small, "formats": args.formats}
        results_report("export", table, args=sizes, directory=results_directory(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
