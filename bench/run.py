"""Benchmarks of the back office on a fresh database (see bench/README.md).

    .venv/bin/python bench/run.py [--intakes N] [--cases N] [--runs N] [--profile]

1. Intake throughput: counter intakes through the real services (applicant_person_register +
   case_open, one transaction each, history and audit log on), by one officer.
2. The workbench lists at scale: the first page of case_list_mine / case_list_unclaimed over
   ``--cases`` bulk-created cases, and GET /cases/ when that page exists; the query plan.

A benchmark reports: it exits 0 whether or not a target is met, and prints MISSED beside a
figure that misses its target.
"""

# ruff: noqa: E402  (Django must be set up before the project's modules are imported)

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import secrets
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
# Forced, not defaulted: a DJANGO_SETTINGS_MODULE left in the shell must never point the
# benchmark (which deletes and re-creates its database) at the demo or production database.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django

django.setup()

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.sessions import LAST_SEEN_AT, SIGNED_IN_AT
from bench.results import Row, results_arguments, results_directory, results_report, verdict
from cases.crypto import personal_data_index
from cases.identity import mobile_mask, resident_id_check_character, resident_id_mask
from cases.models import Applicant, Case, Channel, ReferenceSequence, State, Transfer
from cases.selectors import case_list_mine, case_list_unclaimed
from cases.services import applicant_person_register, case_open
from config.gcfreeze import gc_freeze_after_start
from markets.models import Market, Membership, Region, Role

INTAKE_TARGET_PER_S = 200.0
LIST_TARGET_MS = 50.0
PAGE_SIZE = 25
OFFICERS_PER_MARKET = 10
KIND = "policy_consultation"
# (region code, city) of the three markets.
MARKETS = (("450100", "南宁市"), ("450200", "柳州市"), ("450300", "桂林市"))
# How the bulk-created cases are spread over the states (weights).
STATE_WEIGHTS = {
    State.NEW: 10,
    State.IN_PROGRESS: 20,
    State.AWAITING_MATERIALS: 8,
    State.TRANSFER_PENDING: 2,
    State.RESOLVED: 10,
    State.CLOSED: 45,
    State.WITHDRAWN: 5,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗韦覃蒙莫黎"
GIVEN_NAMES = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"


# --- Measuring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Wall-clock times of repeated runs, in milliseconds."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        # The inclusive method keeps the 95th percentile within the measured range.
        return statistics.quantiles(self.samples, n=20, method="inclusive")[18]


def timed(run: Callable[[], object], *, runs: int, warm_up: int = 3) -> Timing:
    """``run`` timed ``runs`` times (ms) after ``warm_up`` runs, in a process whose objects
    so far are frozen out of the garbage collector's walks, as a web worker's start-up
    objects are (``config.wsgi``)."""
    gc_freeze_after_start()
    for _ in range(warm_up):
        run()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(tuple(samples))


def profiled(run: Callable[[], object], *, title: str, lines: int = 25) -> None:
    profile = cProfile.Profile()
    profile.runcall(run)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(12)
    print(f"\n--- cProfile: {title} (by cumulative, then by own time) ---")
    print(out.getvalue())


def heading(text: str) -> None:
    print(f"\n== {text} ==", flush=True)


# --- A fresh database -------------------------------------------------------------------------


def database_fresh() -> Callable[[], None]:
    """Delete and re-create the benchmark database, migrated; returns the clean-up to call at
    the end. SQLite: the BENCH_DB file (kept afterwards, for a look), copied from the file
    ``BENCH_TEMPLATE_DB`` names when that exists and migrated into it when not (the smoke test
    of every benchmark migrates once). PostgreSQL: a ``test_<name>`` database, dropped
    afterwards (kept with ``BENCH_KEEP_DB=1``, for a later ``--reuse``), made from the database
    ``BENCH_TEMPLATE_DB`` names when that exists (and copied into it when not)."""
    if connection.vendor == "sqlite":
        path = Path(settings.DATABASES["default"]["NAME"]).resolve()
        demo = (PROJECT_ROOT / "var" / "db.sqlite3").resolve()
        if path == demo:
            sys.exit(f"Refusing to benchmark on the demo database {demo}: set BENCH_DB.")
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        template = os.environ.get("BENCH_TEMPLATE_DB", "")
        if template and Path(template).exists():  # migrated once already (tests/bench)
            shutil.copyfile(template, path)
            return lambda: None
        call_command("migrate", verbosity=0, interactive=False)
        if template:
            with connection.cursor() as cursor:  # everything into the main file, then copy it
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
            shutil.copyfile(path, template)
        return lambda: None
    old_name = connection.settings_dict["NAME"]
    template = os.environ.get("BENCH_TEMPLATE_DB", "")
    test_name = connection.creation._get_test_db_name()  # type: ignore[attr-defined]
    if template and _pg_database_exists(template):
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}"')
            cursor.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')
        connection.close()
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = test_name
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        if template:
            connection.close()  # a template must have no one connected
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{test_name}"')
    if os.environ.get("BENCH_KEEP_DB") == "1":  # for ``--reuse`` (bench/lists.py)
        print(f"kept for --reuse: database {test_name} (BENCH_KEEP_DB=1)", flush=True)
        return lambda: None
    return lambda: connection.creation.destroy_test_db(old_name, verbosity=0)


def planner_statistics_fresh() -> None:
    """Fresh statistics for the planner, as after a load; on PostgreSQL the visibility map too
    (what autovacuum leaves after the inserts, long before anyone reads the data), without
    which no index can be read alone."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def static_collected() -> None:
    """The collected static files and their manifest, which ``{% static %}`` needs with the
    production storage: ``collectstatic`` (hashing and compressing every file, most of a
    minute) only when no collection is there or a static file changed since the last one.
    ``BENCH_STATIC_ROOT`` (bench/settings.py) lets several runs share one collection."""
    root = Path(str(settings.STATIC_ROOT))
    stamp = root / ".collected"
    if stamp.exists():
        newest = max(
            (
                Path(storage.path(path)).stat().st_mtime
                for finder in get_finders()
                for path, storage in finder.list([])
            ),
            default=0.0,
        )
        if newest <= stamp.stat().st_mtime:
            return
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.touch()


def _pg_database_exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@contextmanager
def benchmark_database() -> Iterator[float]:
    """The frame of every benchmark: say which database, make it fresh (``database_fresh``),
    yield the start time, and clean up and print the total however the benchmark ends."""
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    started = time.perf_counter()
    clean_up = database_fresh()
    try:
        yield started
    finally:
        clean_up()
        print(f"\n(total {time.perf_counter() - started:.0f} s)")


# --- Organisation and people ------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    markets: list[Market]
    officers: dict[int, list[User]]  # market id -> its officers


def organisation_make() -> Organisation:
    """Three markets under one province, ten officers each, every officer with a confirmed
    authenticator and a fresh password date (so no page sends them to change it)."""
    province = Region.objects.create(code="450000", name="广西壮族自治区", level="province")
    markets: list[Market] = []
    officers: dict[int, list[User]] = {}
    # A usable password, as staff have (an account nobody can sign in with is offered as no
    # case's receiver or owner), hashed once for all; the benchmarks sign in by force_login.
    hashed = make_password(secrets.token_hex(8))
    for code, city in MARKETS:
        region = Region.objects.create(code=code, name=city, level="city", parent=province)
        market = Market.objects.create(
            region=region,
            name=f"{city}零工市场",
            service_phone="0771-5501234",
            address="民族大道 100 号",
            opens_at=clock_time(8, 30),
            closes_at=clock_time(17, 30),
            premises_area_m2=120,
        )
        markets.append(market)
        officers[market.pk] = []
        for _ in range(OFFICERS_PER_MARKET):
            number = sum(len(staff) for staff in officers.values()) + 1
            user = User(
                username=f"bench-officer-{number:02d}",
                full_name=f"工作人员{number:02d}",
                password=hashed,
                password_changed_at=timezone.now(),
            )
            user.save()
            Membership.objects.create(user=user, role=Role.OFFICER, market=market)
            TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            officers[market.pk].append(user)
    return Organisation(markets=markets, officers=officers)


def resident_id(n: int, *, area: str = "450102") -> str:
    """The n-th of a series of distinct valid resident ID numbers (GB 11643)."""
    birth = date(1960, 1, 1) + timedelta(days=n % 16_000)
    first_17 = f"{area}{birth:%Y%m%d}{n // 16_000 % 1000:03d}"
    return first_17 + resident_id_check_character(first_17)


def mobile(n: int) -> str:
    return f"13{n % 1_000_000_000:09d}"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_NAMES, k=rng.randint(1, 2)))


def seeded(seed: int) -> random.Random:
    """Reproducible made-up data, the same on every run (nothing secret)."""
    return random.Random(seed)  # noqa: S311


def fresh(user: User) -> User:
    """The user as a new request sees it: no rights cached on the object yet."""
    user.__dict__.pop("_cases_rights", None)
    return user


# --- 1. Intake throughput ---------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeResult:
    count: int
    seconds: float
    latency: Timing

    @property
    def per_second(self) -> float:
        return self.count / self.seconds


def intake_one(officer: User, market: Market, n: int, rng: random.Random) -> Case:
    """One counter intake: register the person, open the case, in one transaction."""
    with transaction.atomic():
        applicant = applicant_person_register(
            actor=fresh(officer), name=person_name(rng), id_number=resident_id(n), mobile=mobile(n)
        )
        return case_open(
            actor=officer,
            market=market,
            kind=KIND,
            channel=Channel.COUNTER,
            applicant=applicant,
            subject="灵活就业社保补贴政策咨询",
            description="来窗口咨询补贴申领条件和所需材料。",
        )


def bench_intake(organisation: Organisation, count: int, *, profile: bool) -> IntakeResult:
    heading(f"1. Intake throughput: {count} counter intakes, one officer")
    market = organisation.markets[0]
    officer = organisation.officers[market.pk][0]
    rng = seeded(1)
    warm_up = 20
    for n in range(warm_up):  # first reference sequence, chain head, caches
        intake_one(officer, market, n, rng)
    gc_freeze_after_start()  # as a web worker's start-up objects are (config.wsgi)
    latencies = []
    started = time.perf_counter()
    for n in range(warm_up, warm_up + count):
        begun = time.perf_counter()
        intake_one(officer, market, n, rng)
        latencies.append((time.perf_counter() - begun) * 1000)
    seconds = time.perf_counter() - started
    result = IntakeResult(count=count, seconds=seconds, latency=Timing(tuple(latencies)))
    with CaptureQueriesContext(connection) as queries:
        intake_one(officer, market, warm_up + count, rng)
    print(
        f"{count} intakes in {seconds:.2f} s: {result.per_second:.0f} intakes/s; per intake "
        f"median {result.latency.median:.2f} ms, p95 {result.latency.p95:.2f} ms, "
        f"{len(queries)} SQL statements"
    )
    if profile or result.per_second < INTAKE_TARGET_PER_S:
        start = warm_up + count + 1

        def intakes() -> None:
            for n in range(start, start + min(count, 500)):
                intake_one(officer, market, n, rng)

        profiled(intakes, title=f"{min(count, 500)} intakes")
    return result


# --- 2. The workbench lists at scale ----------------------------------------------------------


def _chunks(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


def applicants_bulk_make(count: int, *, first: int) -> list[int]:
    """``count`` people, registered as the service would (encrypted, masked, indexed)."""
    rng = seeded(2)
    ids: list[int] = []
    for chunk in _chunks(count, 2000):
        rows = []
        for i in chunk:
            number, phone = resident_id(first + i, area="450103"), mobile(first + i)
            rows.append(
                Applicant(
                    kind=Applicant.Kind.PERSON,
                    name=person_name(rng),
                    id_number=number,
                    id_number_index=personal_data_index(number),
                    id_number_masked=resident_id_mask(number),
                    gender="male" if int(number[16]) % 2 else "female",
                    birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                    mobile=phone,
                    mobile_masked=mobile_mask(phone),
                )
            )
        ids.extend(a.pk for a in Applicant.objects.bulk_create(rows, batch_size=1000))
    return ids


def cases_bulk_make(organisation: Organisation, count: int) -> None:
    """``count`` cases over the last two years, spread evenly over the markets and their
    officers and over the states by STATE_WEIGHTS, each with a unique reference; a pending
    transfer for every case waiting for one. bulk_create writes no history: set-up only."""
    rng = seeded(3)
    applicant_ids = applicants_bulk_make(max(1000, count // 10), first=1_000_000)
    states, weights = list(STATE_WEIGHTS), list(STATE_WEIGHTS.values())
    now = timezone.now()
    last: dict[tuple[str, int], int] = {
        (s.prefix, s.year): s.last for s in ReferenceSequence.objects.all()
    }
    markets = organisation.markets
    for chunk in _chunks(count, 5000):
        cases = []
        for i in chunk:
            market = markets[i % len(markets)]
            officers = organisation.officers[market.pk]
            state = rng.choices(states, weights)[0]
            opened_at = now - timedelta(seconds=rng.randint(3600, 730 * 86_400))
            year = timezone.localtime(opened_at).year
            prefix = market.region.code
            sequence = last[prefix, year] = last.get((prefix, year), 0) + 1
            first_contact = rng.choice(officers)
            finished = opened_at + timedelta(days=rng.randint(1, 20))
            cases.append(
                Case(
                    reference=f"{prefix}-{year}-{sequence:06d}",
                    kind=KIND,
                    state=state,
                    market=market,
                    channel=rng.choice(Channel.values),
                    applicant_id=rng.choice(applicant_ids),
                    subject="灵活就业社保补贴政策咨询",
                    first_contact_officer=first_contact,
                    owner=None if state == State.NEW else rng.choice([first_contact, *officers]),
                    opened_at=opened_at,
                    resolved_at=finished if state in (State.RESOLVED, State.CLOSED) else None,
                    closed_at=finished if state in (State.CLOSED, State.WITHDRAWN) else None,
                )
            )
        created = Case.objects.bulk_create(cases, batch_size=1000)
        Transfer.objects.bulk_create(
            Transfer(
                case=case,
                from_user_id=case.owner_id,
                to_market=rng.choice([m for m in markets if m.pk != case.market_id]),
                reason="不属于本市场受理范围",
                created_at=case.opened_at + timedelta(hours=2),
            )
            for case in created
            if case.state == State.TRANSFER_PENDING
        )
    # Later intakes must continue the numbering, not collide with it.
    for (prefix, year), value in last.items():
        ReferenceSequence.objects.update_or_create(
            prefix=prefix, year=year, defaults={"last": value}
        )


def query_plan(queryset: QuerySet[Case]) -> tuple[str, list[str], list[str]]:
    """The database's plan for ``queryset``, and its reads of the cases table (under any alias)
    that use an index and that do not (full scans), each as a line of the plan. A sort the
    plan needs (SQLite: USE TEMP B-TREE) shows in the plan itself."""
    plan = queryset.explain()
    table = Case._meta.db_table
    sql, _params = queryset.query.sql_with_params()
    names = {table, *re.findall(rf'"{table}" ([A-Z]\d+)', sql)}  # the table and its aliases
    by_index: list[str] = []
    full: list[str] = []
    for line in plan.splitlines():
        if connection.vendor == "sqlite":
            words = line.split()
            read = next((w for w in ("SCAN", "SEARCH") if w in words), None)
            if read is None or words[words.index(read) + 1] not in names:
                continue
            detail = " ".join(words[words.index(read) :])
            if words[words.index(read) + 1] != table:
                detail += f"  [{words[words.index(read) + 1]} = {table}]"
            (by_index if "USING" in words else full).append(detail)
        elif any(f" on {name}" in line or f" {table} {name}" in line for name in names):
            (full if "Seq Scan" in line else by_index).append(line.strip(" ->"))
    return plan, by_index, full


def verified_client(user: User) -> Client:
    """A browser session of ``user`` that passed both factors (as accounts' sign-in leaves it)."""
    client = Client(HTTP_HOST="localhost")  # the embedded default's ALLOWED_HOSTS
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    signed_in = timezone.now().isoformat()
    session[SIGNED_IN_AT] = signed_in
    session[LAST_SEEN_AT] = signed_in
    session.save()
    return client


@dataclass(frozen=True)
class ListResult:
    name: str
    timing: Timing
    rows: int
    queries: int


def bench_lists(
    organisation: Organisation, count: int, *, runs: int, profile: bool
) -> list[ListResult]:
    heading(f"2. Workbench lists over {count} cases, 3 markets, 30 officers")
    started = time.perf_counter()
    cases_bulk_make(organisation, count)
    total = Case.objects.count()
    print(f"set-up: {total} cases in {time.perf_counter() - started:.1f} s (bulk_create)")
    officer = organisation.officers[organisation.markets[1].pk][1]  # an officer, no intakes
    results = []
    for name, selector in (
        ("case_list_mine", case_list_mine),
        ("case_list_unclaimed", case_list_unclaimed),
    ):

        def first_page(selector: Callable[..., QuerySet[Case]] = selector) -> list[Case]:
            return list(selector(user=fresh(officer))[:PAGE_SIZE])

        with CaptureQueriesContext(connection) as queries:
            rows = len(first_page())
        timing = timed(first_page, runs=runs)
        results.append(ListResult(name, timing, rows, len(queries)))
        print(
            f"{name}: first page ({rows} rows, {len(queries)} SQL statements): "
            f"median {timing.median:.2f} ms, p95 {timing.p95:.2f} ms over {runs} runs"
        )
        if profile or timing.p95 > LIST_TARGET_MS:
            profiled(lambda: [first_page() for _ in range(10)], title=f"{name} x10")

    for name, selector in (
        ("case_list_mine", case_list_mine),
        ("case_list_unclaimed", case_list_unclaimed),
    ):
        queryset = selector(user=fresh(officer))[:PAGE_SIZE]
        plan, by_index, full = query_plan(queryset)
        label = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
        print(f"\n{label} of the first page of {name}:\n{plan}")
        print(f"{name}: uses an index on cases: {'yes' if by_index else 'NO'}")
        for line in by_index:
            print(f"  by index:  {line}")
        for line in full:
            print(f"  FULL SCAN: {line}")

    try:
        resolve("/cases/")
    except Resolver404:
        print("\nGET /cases/: the URL does not resolve (page not built yet): skipped")
        return results
    static_collected()
    client = verified_client(officer)
    response = client.get("/cases/")
    if response.status_code != 200:
        print(f"\nGET /cases/ answered {response.status_code}, not 200: not timed")
        return results
    timing = timed(lambda: client.get("/cases/"), runs=runs)
    with CaptureQueriesContext(connection) as queries:
        client.get("/cases/")
    results.append(ListResult("GET /cases/", timing, 0, len(queries)))
    print(
        f"\nGET /cases/ ({len(response.content) // 1024} KiB, {len(queries)} SQL statements): "
        f"median {timing.median:.2f} ms, p95 {timing.p95:.2f} ms over {runs} runs"
    )
    if profile or timing.p95 > LIST_TARGET_MS:
        profiled(lambda: [client.get("/cases/") for _ in range(10)], title="GET /cases/ x10")
    return results


# --- Report -----------------------------------------------------------------------------------


def report(
    intake: IntakeResult,
    lists: list[ListResult],
    *,
    cases: int,
    args: dict[str, Any],
    out: Path | None,
) -> None:
    rows = [
        Row(
            f"intake ({intake.count} × register + open)",
            f"{intake.per_second:.0f} /s (p95 {intake.latency.p95:.1f} ms)",
            f"≥ {INTAKE_TARGET_PER_S:.0f} /s",
            verdict(intake.per_second >= INTAKE_TARGET_PER_S),
            value=round(intake.per_second, 1),
            unit="/s",
        )
    ]
    for result in lists:
        what = result.name if result.name.startswith("GET") else f"{result.name}, 1st page"
        rows.append(
            Row(
                f"{what} ({cases // 1000}k cases)",
                f"{result.timing.median:.1f} / {result.timing.p95:.1f} ms",
                f"≤ {LIST_TARGET_MS:.0f} ms (p95)",
                verdict(result.timing.p95 <= LIST_TARGET_MS),
                value=round(result.timing.p95, 2),
                unit="ms p95",
            )
        )
    results_report(
        "run", rows, args=args, directory=out, header=("benchmark", "median / p95", "target")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--intakes", type=int, default=2000, help="counter intakes (2000)")
    parser.add_argument("--cases", type=int, default=100_000, help="cases for the lists (100000)")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per list (50)")
    parser.add_argument("--profile", action="store_true", help="cProfile even when on target")
    results_arguments(parser)
    args = parser.parse_args(argv)

    with benchmark_database():
        organisation = organisation_make()
        intake = bench_intake(organisation, args.intakes, profile=args.profile)
        lists = bench_lists(organisation, args.cases, runs=args.runs, profile=args.profile)
        sizes = {"intakes": args.intakes, "cases": args.cases, "runs": args.runs}
        report(intake, lists, cases=args.cases, args=sizes, out=results_directory(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
