"""Every benchmark still runs (issue 14: benchmarks that cannot rot): each one at a tiny size,
in a process of its own, on the database this test run uses (a throw-away SQLite file, or a
``test_<name>`` database of the PostgreSQL server), and its JSON result parses. Timings are
the benchmarks' business and are not asserted here; that each figure was measured is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from db_template import migrated_template
from django.db import connection

# Its module's fixtures made once: the whole file in one test process (scripts/test-all).
pytestmark = pytest.mark.xdist_group("benchmarks")

ROOT = Path(__file__).resolve().parents[2]
# Each benchmark with the smallest sizes that still exercise every part of it.
BENCHMARKS: dict[str, list[str]] = {
    "run": ["--intakes", "30", "--cases", "300", "--runs", "3"],
    "sweep": ["--cases", "300"],
    "matching": ["--postings", "300", "--runs", "3"],
    "export": ["--cases", "300", "--small", "100"],
    "lists": ["--cases", "300", "--runs", "3"],
    "search": [
        *("--cases", "300", "--postings", "100", "--runs", "3"),
        *("--events", "900", "--trail", "120"),
        *("--notes", "60", "--history", "60", "--transfers", "30"),
    ],
    "sync": ["--messages", "300", "--imports", "20", "--batch", "50"],
    "api": ["--postings", "300", "--open", "100", "--runs", "3"],
    "dashboards": ["--cases", "300", "--runs", "3"],
    "scorecard": ["--markets", "15", "--clocks", "30", "--postings", "20", "--runs", "3"],
    "stats": ["--postings", "300", "--seekers", "200", "--markets", "5", "--runs", "3"],
    "render": ["--cases", "300", "--runs", "3"],
}
TIMEOUT = 600  # seconds per benchmark, on a loaded machine


@pytest.fixture(scope="module")
def shared(
    django_db_setup: None, django_db_blocker: Any, bench_static_root: Path
) -> dict[str, str]:
    """What every benchmark here starts from: the migrated template the test databases are
    copied from (tests/db_template.py; a SQLite file or a PostgreSQL database), which they copy
    instead of migrating, and one folder of collected static files."""
    with django_db_blocker.unblock():
        template = migrated_template()
    return {"BENCH_TEMPLATE_DB": template, "BENCH_STATIC_ROOT": str(bench_static_root)}


def _environment(tmp_path: Path, shared: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT)
    env["BENCH_DB"] = str(tmp_path / "bench.sqlite3")
    env.update(shared)
    if connection.vendor == "postgresql":
        # A database of its own on the same server: the benchmark makes test_<name> and drops it.
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/lgsc_bench_smoke_{os.getpid()}"))
    return env


# The scripts under bench/ with a ``main`` that are run elsewhere: the README's figures
# (tests/bench/test_readme_figures.py) and the data generator (tests/bench/test_generate.py).
NOT_BENCHMARKS = {"report", "generate"}


def test_every_benchmark_under_bench_is_run_here() -> None:
    """Walked, not listed: a benchmark added to bench/ without a smoke run here fails."""
    scripts = {
        path.stem
        for path in (ROOT / "bench").glob("*.py")
        if "\ndef main(" in path.read_text(encoding="utf-8")
    }

    assert scripts - NOT_BENCHMARKS == set(BENCHMARKS)


@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_the_benchmark_runs_and_its_result_parses(
    name: str, tmp_path: Path, shared: dict[str, str]
) -> None:
    results = tmp_path / "results"
    done = subprocess.run(  # noqa: S603 (our own script)
        [
            sys.executable,
            str(ROOT / "bench" / f"{name}.py"),
            *BENCHMARKS[name],
            "--results",
            str(results),
        ],
        env=_environment(tmp_path, shared),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [path] = results.glob("*.json")
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == f"{name}-{connection.vendor}.json"
    assert record["benchmark"] == name
    assert record["database"]["vendor"] == connection.vendor
    assert len(record["commit"]) == 40
    assert record["machine"]["cpus"] >= 1
    assert record["rows"]
    for row in record["rows"]:
        assert row["what"] and row["result"]
        assert row["verdict"] in {"ok", "MISSED", ""}
        assert row["value"] is None or isinstance(row["value"], int | float)
    # The printed table is the file's: every line of it appears in the output.
    for row in record["rows"]:
        assert row["what"] in done.stdout


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
    reason="the load test runs gunicorn + Celery on PostgreSQL and Redis (DATABASE_URL, REDIS_URL)",
)
def test_the_load_test_runs_its_officers_without_a_failure(
    tmp_path: Path, shared: dict[str, str]
) -> None:
    """bench/load/run.py, tiny: three officers for 15 s against the whole production stack.
    Each of them signs in through the real page; every request's check passed."""
    results = tmp_path / "results"
    env = _environment(tmp_path, shared)
    env["REDIS_URL"] = os.environ["REDIS_URL"]
    done = subprocess.run(  # noqa: S603 (our own script)
        [
            sys.executable,
            str(ROOT / "bench" / "load" / "run.py"),
            *("--users", "3", "--spawn-rate", "3", "--run-time", "15s", "--cases", "300"),
            *("--workers", "2", "--wait", "0.2", "1", "--results", str(results)),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    record: dict[str, Any] = json.loads((results / "load-postgresql.json").read_text("utf-8"))
    assert record["benchmark"] == "load"
    assert record["database"]["vendor"] == "postgresql"
    assert record["args"]["users"] == 3
    requests = record["requests"]
    assert requests["sign-in"]["count"] == 3
    assert {"workbench", "case page", "Aggregated"} <= set(requests)
    assert record["failures"] == [], record["failures"]
    assert all(figures["failures"] == 0 for figures in requests.values())
    assert requests["Aggregated"]["count"] > 3
    assert record["server"]["app"]["memory_max_mib"] > 0
    assert (results / "load-postgresql-stats.csv").exists()
    for row in record["rows"]:
        assert row["what"] in done.stdout


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="--reuse is for SQLite, whose benchmark file is kept"
)
def test_the_lists_benchmark_times_the_set_up_the_last_run_left(
    tmp_path: Path, shared: dict[str, str]
) -> None:
    env = _environment(tmp_path, shared)

    def lists(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 (our own script)
            [sys.executable, str(ROOT / "bench" / "lists.py"), *BENCHMARKS["lists"], *extra],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )

    first = lists("--no-results")
    again = lists("--reuse", "--results", str(tmp_path / "results"))
    other_size = lists("--reuse", "--cases", "301", "--no-results")

    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "reused as it stands" in again.stdout
    assert "cases:" not in again.stdout  # no set-up made
    assert json.loads((tmp_path / "results" / "lists-sqlite.json").read_text())["rows"]
    assert other_size.returncode != 0  # not the set-up asked for: refused, not timed
