"""Load test: officers working at once against gunicorn + PostgreSQL + Redis + Celery.

    DATABASE_URL=postgres://user:pass@127.0.0.1:5432/name REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/load/run.py [--users 50] [--run-time 5m] [--cases 100000]

1. A fresh PostgreSQL database (``test_<name>``, dropped at the end, as bench/run.py makes it),
   migrated, seeded: three markets, ``--officers`` officers (at least ``--users``) with a
   password and a confirmed authenticator, ``--cases`` bulk-created cases (``seed``).
2. The production stack on the loopback: gunicorn (``config.settings.production``, ``--workers``
   sync workers on 127.0.0.1), one Celery worker and the beat, Redis as broker and cache.
3. Locust, headless (``bench/load/locustfile.py``): ``--users`` officers sign in through the
   real sign-in page (password and TOTP code) and work a weighted mix for ``--run-time``.
   Meanwhile the server's processes are sampled every second (psutil: CPU, memory).
4. Everything started is stopped, however the run ends (also on failure or Ctrl-C); the
   result is ``bench/results/load-postgresql.json`` with Locust's CSV files beside it.

A benchmark reports: it exits 0 whether or not a target is met (p95 ≤ 300 ms for every
request type, no failure), and prints MISSED beside a figure that misses it; it exits 1 when
the stack could not be started or Locust did not run.
"""

# ruff: noqa: E402  (Django must be set up before the project's modules are imported)

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import quote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_ROOT))
BIN = Path(sys.executable).parent  # the virtualenv's gunicorn, celery and locust
LOCUSTFILE = Path(__file__).resolve().with_name("locustfile.py")
P95_TARGET_MS = 300.0
PASSWORD = "Load-test-officer-2026!"  # noqa: S105 (made-up officers of a throw-away database)


def _key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def production_environment(run_dir: Path, redis_url: str) -> dict[str, str]:
    """What ``config.settings.production`` needs (README, "Production"): fresh secrets for a
    throw-away installation, the loopback as the only host, Redis as broker and cache, and
    the TLS proxy that the loopback stands in for (``X-Forwarded-Proto``)."""
    (run_dir / "anchors").mkdir(parents=True, exist_ok=True)
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PERSONAL_DATA_KEYS": _key(),
        "PERSONAL_DATA_INDEX_KEY": _key(),
        "AUDIT_MAC_KEYS": _key(),
        "AUDIT_ANCHOR_DIR": str(run_dir / "anchors"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_BROKER_URL": redis_url,
        "CACHE_URL": redis_url,
        "LGSC_BEHIND_PROXY": "true",
        "LGSC_VAR_DIR": str(run_dir),
        # One host: its stored files stay in the run folder (the cache is Redis all the same).
        "LGSC_SINGLE_HOST": "true",
    }


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=50, help="officers at once (50)")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users started per s (2)")
    parser.add_argument("--run-time", default="5m", help="Locust's --run-time (5m)")
    parser.add_argument("--cases", type=int, default=100_000, help="bulk-created cases (100000)")
    parser.add_argument("--officers", type=int, default=0, help="officers seeded (--users)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--wait", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"),
        help="an officer's pause between two tasks, in seconds (2 6)",
    )  # fmt: skip
    parser.add_argument(
        "--redis",
        default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="broker and cache (REDIS_URL, else redis://127.0.0.1:6379/0)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs)")
    parser.add_argument(
        "--results",
        type=Path,
        default=PROJECT_ROOT / "bench" / "results",
        help="directory for the JSON result and Locust's CSV (bench/results)",
    )
    parser.add_argument("--no-results", action="store_true", help="write no result file")
    args = parser.parse_args(argv)
    args.officers = max(args.officers, args.users, 3)  # one market each at least
    return args


def seconds_of(run_time: str) -> int:
    """Locust's ``--run-time`` (``5m``, ``90s``, ``1h30m``) in seconds."""
    parts = re.fullmatch(r"(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s?)?", run_time.strip())
    if not parts or not any(parts.groups()):
        raise argparse.ArgumentTypeError(f"not a run time: {run_time}")
    hours, minutes, seconds = (int(p or 0) for p in parts.groups())
    return hours * 3600 + minutes * 60 + seconds


ARGS = _arguments(None if __name__ == "__main__" else [])
RUN_DIR = Path(tempfile.mkdtemp(prefix="lgsc-load-"))
if __name__ == "__main__":
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("bench/load/run.py runs on PostgreSQL: set DATABASE_URL=postgres://…")
    # Forced, not defaulted: the production settings with this run's secrets, never a
    # DJANGO_SETTINGS_MODULE or a key left in the shell.
    os.environ.update(production_environment(RUN_DIR, ARGS.redis))

import django

django.setup()
# bench/run.py forces its own settings module in the environment when imported: the settings
# are configured by now (production), and the processes started below get theirs explicitly.
import bench.run as bench_run

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.production"

import psutil
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from bench.results import Row, results_report, verdict
from cases.models import Applicant, Case, State, Transfer
from config.celery import app as celery_app
from markets.models import Market, Membership, Region, Role

# --- Seeding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Officer:
    user: User
    market: Market
    totp_key: str  # hex, as django_otp stores it


def organisation_make(count: int) -> tuple[list[Market], list[Officer]]:
    """The three markets of bench/run.py, ``count`` officers over them in turn, each with the
    same password (hashed once: hashing is the sign-in's work, not the set-up's), a fresh
    password date and a confirmed authenticator whose key the plan gives Locust."""
    province = Region.objects.create(code="450000", name="广西壮族自治区", level="province")
    markets = []
    for code, city in bench_run.MARKETS:
        region = Region.objects.create(code=code, name=city, level="city", parent=province)
        markets.append(
            Market.objects.create(
                region=region,
                name=f"{city}零工市场",
                service_phone="0771-5501234",
                address="民族大道 100 号",
                opens_at=bench_run.clock_time(8, 30),
                closes_at=bench_run.clock_time(17, 30),
                premises_area_m2=120,
            )
        )
    password = make_password(PASSWORD)
    officers = []
    for number in range(1, count + 1):
        market = markets[(number - 1) % len(markets)]
        user = User.objects.create(
            username=f"load-officer-{number:03d}",
            full_name=f"工作人员{number:03d}",
            password=password,
            password_changed_at=timezone.now(),
        )
        Membership.objects.create(user=user, role=Role.OFFICER, market=market)
        key = secrets.token_hex(20)
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True, key=key)
        officers.append(Officer(user=user, market=market, totp_key=key))
    return markets, officers


def cases_seed(markets: list[Market], officers: list[Officer], count: int) -> None:
    """``count`` cases as bench/run.py bulk-creates them (the function to swap for a
    generator that writes the whole trail). No transfer waits for a market's team at the
    start: two officers of a market would race to accept it, and the loser's message (a
    conflict the page rightly reports) is no failure of the server."""
    by_market: dict[int, list[User]] = {m.pk: [] for m in markets}
    for officer in officers:
        by_market[officer.market.pk].append(officer.user)
    bench_run.cases_bulk_make(bench_run.Organisation(markets=markets, officers=by_market), count)
    Transfer.objects.filter(status=Transfer.Status.PENDING).delete()
    Case.objects.filter(state=State.TRANSFER_PENDING).update(state=State.IN_PROGRESS)


def plan_make(
    markets: list[Market], officers: list[Officer], *, wait: tuple[float, float]
) -> dict[str, Any]:
    """What the locustfile needs: each officer's sign-in, cases to work on and people to take
    in. A market's cases to read are ones that stay there (not in progress: never
    transferred during the run); the officer's own cases in progress get notes and
    transfers."""
    rng = bench_run.seeded(14)
    market_cases: dict[int, list[int]] = {}
    for market in markets:
        ids = list(
            Case.objects.filter(market=market)
            .exclude(state=State.IN_PROGRESS)
            .values_list("pk", flat=True)
        )
        market_cases[market.pk] = rng.sample(ids, min(len(ids), 300))
    entries = []
    for index, officer in enumerate(officers):
        own = list(
            Case.objects.filter(owner=officer.user, state=State.IN_PROGRESS)
            .order_by("pk")
            .values_list("pk", flat=True)[:60]
        )
        first = 5_000_000 + index * 1000  # distinct from the seeded people (bench/run.py)
        people = [
            (
                bench_run.person_name(rng),
                bench_run.resident_id(first + n, area="450105"),
                bench_run.mobile(first + n),
            )
            for n in range(400)
        ]
        entries.append(
            {
                "username": officer.user.username,
                "password": PASSWORD,
                "totp_key": officer.totp_key,
                "market": officer.market.pk,
                "own_cases": own,
                "market_cases": market_cases[officer.market.pk],
                "people": people,
                "transfer_to": [
                    [other.market.pk, other.user.pk]
                    for other in officers
                    if other.market.pk != officer.market.pk
                ],
            }
        )
    names = list(Applicant.objects.order_by("?").values_list("name", flat=True)[:40])
    references = list(Case.objects.order_by("?").values_list("reference", flat=True)[:20])
    return {
        "officers": entries,
        "kind": bench_run.KIND,
        "wait": list(wait),
        "search_terms": [*names, *references, *bench_run.SURNAMES[:10]],
    }


def seed(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    markets, officers = organisation_make(args.officers)
    cases_seed(markets, officers, args.cases)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as a production database would be: planned on statistics
    plan = plan_make(markets, officers, wait=tuple(args.wait))
    print(
        f"set-up: {len(markets)} markets, {len(officers)} officers, "
        f"{Case.objects.count()} cases in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return plan


# --- The stack --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url() -> str:
    """The fresh database, as the started processes open it."""
    db = connection.settings_dict
    user, password = quote(str(db["USER"]), safe=""), quote(str(db["PASSWORD"]), safe="")
    return f"postgres://{user}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@dataclass
class Stack:
    """The processes started, each in a session of its own (its whole tree is stopped)."""

    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log = (RUN_DIR / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(  # noqa: S603 (our own command lines)
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def exited(self) -> list[str]:
        return [name for name, p in self.processes.items() if p.poll() is not None]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        give_up = time.monotonic() + 20
        for process in self.processes.values():
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, give_up - time.monotonic()))
            with suppress(ProcessLookupError):  # what is left of the tree (ignored TERM)
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    env["DATABASE_URL"] = database_url()
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    return env


def stack_start(stack: Stack, *, port: int, workers: int) -> None:
    env = _environment()
    node = f"load-{os.getpid()}@localhost"
    stack.start(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--timeout=60",
            "--graceful-timeout=10",
        ],
        env,
    )
    stack.start(
        "celery-worker",
        [
            str(BIN / "celery"), "-A", "config", "worker", "--concurrency=2", "-n", node,
            "--without-gossip", "--without-mingle", "--loglevel=WARNING",
        ],
        env,
    )  # fmt: skip
    stack.start(
        "celery-beat",
        [
            str(BIN / "celery"), "-A", "config", "beat", "--loglevel=WARNING",
            f"--schedule={RUN_DIR / 'beat-schedule'}",
        ],
        env,
    )  # fmt: skip
    give_up = time.monotonic() + 120
    healthy = worker = False
    while time.monotonic() < give_up and not (healthy and worker):
        if stack.exited():
            raise RuntimeError(f"exited at start: {', '.join(stack.exited())} ({RUN_DIR})")
        if not healthy:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/health/", headers={"X-Forwarded-Proto": "https"}
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    healthy = response.status == 200
            except (urllib.error.URLError, OSError):
                pass
        if not worker:
            worker = bool(celery_app.control.ping(destination=[node], timeout=1))
        time.sleep(0.5)
    if not (healthy and worker):
        missing = [n for n, ok in (("gunicorn /health/", healthy), ("celery", worker)) if not ok]
        raise RuntimeError(f"not ready after 120 s: {', '.join(missing)} ({RUN_DIR})")
    print(
        f"stack: gunicorn ({workers} workers) on 127.0.0.1:{port}, a Celery worker and beat, "
        f"Redis {urlsplit(ARGS.redis).netloc}",
        flush=True,
    )


# --- Sampling the server ----------------------------------------------------------------------


def _listener(port: int) -> psutil.Process | None:
    """The process listening on this loopback TCP port (PostgreSQL's, Redis's), if visible."""
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port:
                return psutil.Process(conn.pid) if conn.pid else None
    except (psutil.AccessDenied, psutil.NoSuchProcess):
        return None
    return None


def tree(roots: list[psutil.Process]) -> list[psutil.Process]:
    """The processes and all their descendants."""
    processes = []
    for root in roots:
        try:
            processes.extend([root, *root.children(recursive=True)])
        except psutil.NoSuchProcess:
            continue
    return processes


def postgres_processes(postmaster: psutil.Process | None, database: str) -> list[psutil.Process]:
    """The PostgreSQL server's own processes (postmaster, checkpointer, WAL writer …) and the
    backends of this database, not those of the other databases the server may hold."""
    if postmaster is None:
        return []
    processes = [postmaster]
    for child in tree([postmaster])[1:]:
        try:
            title = " ".join(child.cmdline()).split()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        client = any("(" in word for word in title)  # "postgres: user db host(port) state"
        if database in title or (not client and "worker" not in title):
            processes.append(child)
    return processes


class Sampler(threading.Thread):
    """Every second: CPU (% of one core, summed over a group's processes) and resident memory
    (MiB, summed) of the app (gunicorn, Celery), PostgreSQL, Redis and Locust, and the machine's
    CPU (% of all cores) and memory in use."""

    def __init__(self, groups: dict[str, Callable[[], list[psutil.Process]]]) -> None:
        super().__init__(daemon=True)
        self.groups = groups
        self.samples: dict[str, list[tuple[float, float]]] = {name: [] for name in groups}
        self.machine: list[tuple[float, float]] = []
        self.stopped = threading.Event()
        self._known: dict[int, psutil.Process] = {}

    def _group(self, processes: list[psutil.Process]) -> tuple[float, float]:
        cpu = rss = 0.0
        for process in processes:
            known = self._known.setdefault(process.pid, process)
            try:
                cpu += known.cpu_percent(None)
                rss += known.memory_info().rss / 2**20
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return cpu, rss

    def run(self) -> None:
        psutil.cpu_percent(None)
        first = True
        while not self.stopped.wait(1.0):
            try:
                taken = {name: self._group(members()) for name, members in self.groups.items()}
            except psutil.Error:  # a process gone between listing and reading it: next second
                continue
            machine = (psutil.cpu_percent(None), psutil.virtual_memory().used / 2**20)
            if first:  # every process's first cpu_percent is 0: no sample yet
                first = False
                continue
            for name, sample in taken.items():
                self.samples[name].append(sample)
            self.machine.append(machine)

    def summary(self) -> dict[str, dict[str, float]]:
        """Mean and max per group; ``samples``: how many seconds were sampled."""

        def figures(samples: list[tuple[float, float]]) -> dict[str, float]:
            if not samples:
                return {}
            cpu, mem = [s[0] for s in samples], [s[1] for s in samples]
            return {
                "cpu_mean_percent": round(statistics.fmean(cpu), 1),
                "cpu_max_percent": round(max(cpu), 1),
                "memory_mean_mib": round(statistics.fmean(mem), 1),
                "memory_max_mib": round(max(mem), 1),
            }

        return {
            **{name: figures(s) for name, s in self.samples.items()},
            "machine": figures(self.machine),
            "samples": {"count": len(self.machine)},
        }


# --- Locust -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFigures:
    name: str
    method: str
    count: int
    failures: int
    median_ms: float
    p95_ms: float
    max_ms: float
    per_second: float


def locust_run(stack: Stack, args: argparse.Namespace, *, port: int, plan: Path) -> Path:
    """Locust headless, as one more process of the stack (stopped with it whatever happens);
    returns the prefix of its CSV files."""
    prefix = RUN_DIR / "locust"
    env = {**os.environ, "LOAD_PLAN": str(plan), "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the locustfile is a client: no Django
    stack.start(
        "locust",
        [
            str(BIN / "locust"),
            f"--locustfile={LOCUSTFILE}",
            "--headless",
            f"--users={args.users}",
            f"--spawn-rate={args.spawn_rate}",
            f"--run-time={args.run_time}",
            f"--host=http://127.0.0.1:{port}",
            f"--csv={prefix}",
            "--only-summary",
            "--stop-timeout=10",
            "--exit-code-on-error=0",
        ],
        env,
    )
    process = stack.processes["locust"]
    give_up = time.monotonic() + seconds_of(args.run_time) + args.users / args.spawn_rate + 120
    while process.poll() is None:
        if time.monotonic() > give_up:
            raise RuntimeError("Locust ran past its run time and was stopped")
        time.sleep(0.5)
    if process.returncode != 0 or not Path(f"{prefix}_stats.csv").exists():
        tail = (RUN_DIR / "locust.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"Locust exited {process.returncode}:\n{tail}")
    return prefix


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def locust_figures(prefix: Path) -> tuple[list[RequestFigures], list[dict[str, str]]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    figures = [
        RequestFigures(
            name=row["Name"],
            method=row["Type"],
            count=int(row["Request Count"]),
            failures=int(row["Failure Count"]),
            median_ms=_number(row["Median Response Time"]),
            p95_ms=_number(row["95%"]),
            max_ms=_number(row["Max Response Time"]),
            per_second=_number(row["Requests/s"]),
        )
        for row in rows
    ]
    with open(f"{prefix}_failures.csv", encoding="utf-8", newline="") as f:
        failures = list(csv.DictReader(f))
    return figures, failures


# --- Report -----------------------------------------------------------------------------------

# Signing in is measured and shown, but it is no request type of the officers' mix: its
# password hash (PBKDF2, Django's iterations) is slow on purpose, once per session.
NOT_JUDGED = {"sign-in page", "sign-in"}


def report(
    args: argparse.Namespace,
    figures: list[RequestFigures],
    failures: list[dict[str, str]],
    server: dict[str, Any],
    prefix: Path,
) -> None:
    rows: list[Row] = []
    requests: dict[str, dict[str, Any]] = {}
    for f in figures:
        total = f.name == "Aggregated"
        judged = not total and f.name not in NOT_JUDGED
        met = f.failures == 0 and f.p95_ms <= P95_TARGET_MS
        what = "all requests" if total else f"{f.name} ({f.method})"
        rows.append(
            Row(
                f"{what}: {f.count} requests, {f.failures} failed",
                f"{f.median_ms:.0f} / {f.p95_ms:.0f} / {f.max_ms:.0f} ms"
                + (f" ({f.per_second:.1f} requests/s)" if total else ""),
                f"≤ {P95_TARGET_MS:.0f} ms (p95), 0 failed" if judged else "",
                verdict(met) if judged else "",
                value=f.p95_ms,
                unit="ms p95",
            )
        )
        requests[f.name] = {
            "method": f.method,
            "count": f.count,
            "failures": f.failures,
            "median_ms": f.median_ms,
            "p95_ms": f.p95_ms,
            "max_ms": f.max_ms,
            "per_second": f.per_second,
        }
    for group, label in (
        ("app", "server: gunicorn + Celery"),
        ("postgresql", "server: PostgreSQL"),
        ("redis", "server: Redis"),
        ("locust", "client: Locust"),
        ("machine", "machine (all cores)"),
    ):
        s = server.get(group) or {}
        if not s:
            continue
        rows.append(
            Row(
                f"{label}, CPU % (mean / max) and memory MiB (mean / max)",
                f"{s['cpu_mean_percent']:.0f} / {s['cpu_max_percent']:.0f} %, "
                f"{s['memory_mean_mib']:.0f} / {s['memory_max_mib']:.0f} MiB",
                value=s["cpu_mean_percent"],
                unit="% CPU",
            )
        )
    sizes = {
        "users": args.users,
        "run_time": args.run_time,
        "cases": args.cases,
        "workers": args.workers,
    }
    for failure in failures:
        print(f"FAILED {failure['Method']} {failure['Name']} ×{failure['Occurrences']}: "
              f"{failure['Error'][:300]}")  # fmt: skip
    directory = None if args.no_results else Path(args.results)
    path = results_report(
        "load",
        rows,
        args=sizes,
        directory=directory,
        header=("request type", "median / p95 / max", "target"),
    )
    if path is None:
        return
    record = json.loads(path.read_text(encoding="utf-8"))
    record["requests"] = requests
    record["failures"] = failures
    record["server"] = server
    record["mix"] = {"wait_seconds": list(args.wait), "spawn_rate": args.spawn_rate}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for suffix in ("stats", "failures"):
        shutil.copyfile(f"{prefix}_{suffix}.csv", path.with_name(f"{path.stem}-{suffix}.csv"))


# --- Main -------------------------------------------------------------------------------------


@contextmanager
def _terminated_as_interrupt() -> Iterator[None]:
    """SIGTERM ends the run like Ctrl-C: through every ``finally`` (the stack is stopped)."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(args: argparse.Namespace) -> int:
    failed = True
    try:
        with _terminated_as_interrupt(), ExitStack() as frame:
            frame.enter_context(bench_run.benchmark_database())
            plan = seed(args)
            plan_path = RUN_DIR / "plan.json"
            plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
            bench_run.static_collected()
            connection.close()  # the runner holds no connection during the run
            stack = Stack()
            frame.callback(stack.stop)
            port = _free_port()
            stack_start(stack, port=port, workers=args.workers)

            db_port = int(connection.settings_dict["PORT"] or 5432)
            redis_port = urlsplit(args.redis).port or 6379
            postgres, redis = _listener(db_port), _listener(redis_port)

            database = str(connection.settings_dict["NAME"])

            def group(*names: str) -> list[psutil.Process]:
                return tree(
                    [
                        psutil.Process(p.pid)
                        for n, p in stack.processes.items()
                        if n in names and p.poll() is None
                    ]
                )

            sampler = Sampler(
                {
                    "app": lambda: group("gunicorn", "celery-worker", "celery-beat"),
                    "postgresql": lambda: postgres_processes(postgres, database),
                    "redis": lambda: tree([redis] if redis else []),
                    "locust": lambda: group("locust"),
                }
            )
            sampler.start()
            print(f"Locust: {args.users} officers for {args.run_time} …", flush=True)
            try:
                prefix = locust_run(stack, args, port=port, plan=plan_path)
            finally:
                sampler.stopped.set()
                sampler.join()
            stack.stop()
            gone = [n for n, p in stack.processes.items() if n != "locust" and p.returncode != 0]
            if gone:
                print(f"note: exited with an error status: {', '.join(gone)} (logs: {RUN_DIR})")
            figures, failures = locust_figures(prefix)
            report(args, figures, failures, sampler.summary(), prefix)
            failed = False
    except KeyboardInterrupt:
        print("\ninterrupted: everything started is stopped", file=sys.stderr)
        return 130
    except RuntimeError as error:
        print(f"\nthe load test could not run: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep or failed:
            print(f"logs: {RUN_DIR}")
        else:
            shutil.rmtree(RUN_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    print(f"settings: {settings.SETTINGS_MODULE}; run folder {RUN_DIR}", flush=True)
    sys.exit(main(ARGS))
