"""The data generator (issue 14, "Data generator"): a few hundred cases, in processes of their
own, on the database this test run uses (throw-away SQLite files, or databases of their own on
the PostgreSQL server). The generated trail passes ``verify_audit``; the rows are in the
proportions of a province; a generated ID number decrypts; a run stopped after a batch and
started again writes the same rows as one that ran through. No timing is asserted."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from db_template import migrated_template
from django.db import connection

from cases.identity import resident_id_mask, resident_id_parse

# Its module's fixtures made once: the whole file in one test process (scripts/test-all).
pytestmark = pytest.mark.xdist_group("generate")

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 900  # seconds per run, on a loaded machine (the first one migrates)
CASES, MARKETS, BATCH = 300, 4, 100
ARGS = [
    "--cases",
    str(CASES),
    "--markets",
    str(MARKETS),
    "--batch",
    str(BATCH),
    "--until",
    "2026-12-01",
    "--no-progress",
]


def _key(byte: bytes) -> str:
    return base64.urlsafe_b64encode(byte * 32).decode()


@dataclass(frozen=True)
class Database:
    """One generated database: how to reach it, and the environment its runs share (the same
    installation keys for all: the same seed then gives the same bytes)."""

    url: str
    env: dict[str, str]


@pytest.fixture(scope="module")
def databases(
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    django_db_blocker: Any,
    bench_static_root: Path,
) -> Iterator[Any]:
    """A maker of databases to generate into, each a copy of the migrated template the test
    databases are copied from (tests/db_template.py); PostgreSQL ones are dropped at the end."""
    base = tmp_path_factory.mktemp("generate")
    made: list[str] = []
    with django_db_blocker.unblock():
        template = migrated_template()

    def make(name: str) -> Database:
        folder = base / name
        folder.mkdir()
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.pop("DATABASE_URL", None)
        env.update(
            PYTHONPATH=str(ROOT),
            BENCH_DB=str(folder / "db.sqlite3"),
            BENCH_TEMPLATE_DB=template,
            BENCH_STATIC_ROOT=str(bench_static_root),
            PERSONAL_DATA_KEYS=_key(b"p"),
            PERSONAL_DATA_INDEX_KEY=_key(b"i"),
            AUDIT_MAC_KEYS=_key(b"a"),
            AUDIT_ANCHOR_DIR=str(folder / "audit-anchors"),
        )
        if connection.vendor == "postgresql":
            database = f"lgsc_generate_{os.getpid()}_{name}"
            made.append(database)
            url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database}"))
            env["DATABASE_URL"] = url
            return Database(url=url, env=env)
        return Database(url=f"sqlite:///{folder / 'db.sqlite3'}", env=env)

    try:
        yield make
    finally:
        if connection.vendor == "postgresql":
            with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
                for name in made:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _generate(database: Database, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--db", database.url, *args],
        env=database.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _summary(database: Database) -> dict[str, Any]:
    done = _generate(database, "--summary")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout[done.stdout.index("{") :])


@dataclass(frozen=True)
class Province:
    database: Database
    output: str
    results: Path
    summary: dict[str, Any]


@pytest.fixture(scope="module")
def province(databases: Any, tmp_path_factory: pytest.TempPathFactory) -> Province:
    """A province of 300 cases, generated in one run."""
    database = databases("whole")
    results = tmp_path_factory.mktemp("results")
    done = _generate(database, *ARGS, "--results", str(results))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return Province(database, done.stdout, results, _summary(database))


def _verify_audit(database: Database) -> subprocess.CompletedProcess[str]:
    env = {**database.env, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    return subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, str(ROOT / "manage.py"), "verify_audit"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_the_generated_trail_passes_verify_audit(province: Province) -> None:
    done = _verify_audit(province.database)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "BROKEN" not in done.stdout
    # Every market's chain verified, against the anchors the generator left.
    assert done.stdout.count("OK market:") == MARKETS
    assert "anchored up to" in done.stdout


def test_a_database_generated_again_from_scratch_passes_verify_audit(databases: Any) -> None:
    """``--fresh`` starts again: the anchors of the chains it dropped go with them (they
    would read as chains rewritten or cut short)."""
    database = databases("again")
    small = [a if a != str(CASES) else str(BATCH) for a in ARGS]

    first = _generate(database, *small, "--no-results")
    again = _generate(database, *small, "--seed", "15", "--fresh", "--no-results")
    done = _verify_audit(database)

    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.count("OK market:") == MARKETS
    assert "removing the anchors of an earlier database" in again.stdout


def test_the_rows_are_in_a_provinces_proportions(province: Province) -> None:
    counts = province.summary["counts"]

    assert province.summary["markets"] == MARKETS
    assert province.summary["finished"] is True
    assert counts["cases_case"] == CASES
    assert 25 * CASES <= counts["audit_auditevent"] <= 35 * CASES  # 30 M per million cases
    assert counts["postings_posting"] == 2 * CASES  # 2 M per million
    assert counts["seekers_seekerprofile"] == CASES  # 1 M per million
    assert counts["sla_deadline"] == 2 * CASES  # acceptance and completion, every case
    assert counts["sla_reminder"] > 0
    assert counts["cases_casenote"] > 0
    # History rows as simple_history writes them: one on creation, one per transition.
    assert counts["cases_historicalcase"] > CASES
    assert counts["cases_historicalapplicant"] == counts["cases_applicant"]
    assert counts["postings_historicalposting"] == counts["postings_posting"]
    assert counts["cases_historicalcasenote"] == counts["cases_casenote"]


def _schema_names(tables: list[str]) -> list[str]:
    """The indexes and constraints of these tables in this run's migrated test database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.conname FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid "
                "WHERE r.relname = ANY(%s) UNION SELECT indexname FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = ANY(%s)",
                [tables, tables],
            )
        else:
            marks = ", ".join("%s" for _ in tables)
            cursor.execute(
                f"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks})",  # noqa: S608
                tables,
            )
        return sorted(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_the_indexes_put_off_during_the_run_are_all_made_again(province: Province) -> None:
    """The run drops the tables' indexes and constraints and makes them after the rows."""
    tables = sorted(province.summary["counts"])

    assert "indexes and constraints put off until the rows are in" in province.output
    assert "indexes and constraints made again" in province.output
    assert province.summary["schema"] == _schema_names(tables)


def test_the_dashboards_counters_are_those_the_clocks_give(province: Province) -> None:
    """As the clock services keep them (each clock's officer: its case's owner)."""
    assert province.summary["counters_as_rebuilt"] is True


def test_a_sample_of_a_larger_province_has_its_proportions(databases: Any) -> None:
    """Cases made as in a province of 5 M: its 30 M events, 2 M postings and 1 M seekers
    spread over them (6, 0.4 and 0.2 a case)."""
    database = databases("sample")
    sample = [*ARGS, "--province-cases", "5000000", "--no-results"]

    done = _generate(database, *sample)
    counts = _summary(database)["counts"]

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert counts["cases_case"] == CASES
    assert 5 * CASES <= counts["audit_auditevent"] <= 8 * CASES
    assert 0.25 * CASES <= counts["postings_posting"] <= 0.55 * CASES
    assert 0.1 * CASES <= counts["seekers_seekerprofile"] <= 0.3 * CASES
    assert counts["cases_applicant"] == CASES + counts["postings_posting"]  # persons, employers


def test_a_generated_id_number_decrypts(province: Province) -> None:
    first = province.summary["first_seeker"]

    resident = resident_id_parse(first["id_number"])  # valid: GB 11643 check character
    assert resident.area_code == first["market_prefix"]
    assert first["id_number_masked"] == resident_id_mask(first["id_number"])
    assert first["index_matches"] is True
    assert first["mobile"].startswith("1")


def test_the_run_reports_its_rate_in_a_result_file(province: Province) -> None:
    [path] = province.results.glob("*.json")
    record = json.loads(path.read_text(encoding="utf-8"))

    assert path.name == f"generate-{connection.vendor}.json"
    assert record["rows"][0]["unit"] == "rows/s"
    assert record["rows"][0]["value"] > 0
    assert "rows/s" in province.output


def test_a_run_stopped_after_a_batch_continues_to_the_same_rows(
    province: Province, databases: Any
) -> None:
    database = databases("resumed")

    stopped = _generate(database, *ARGS, "--stop-after", "1", "--no-results")
    halfway = _summary(database)
    resumed = _generate(database, *ARGS, "--no-results")
    done = _summary(database)

    assert stopped.returncode == 0, stopped.stdout[-3000:] + stopped.stderr[-3000:]
    assert "stopped after batch 1 of 3" in stopped.stdout
    assert halfway["batches_done"] == 1
    assert halfway["finished"] is False
    assert halfway["counts"]["cases_case"] == BATCH
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    assert "resuming after batch 1" in resumed.stdout
    assert done["finished"] is True
    # Same seed, same rows, byte for byte, whether or not the run was interrupted.
    assert done["counts"] == province.summary["counts"]
    assert done["digests"] == province.summary["digests"]


def test_another_seed_makes_other_rows_and_other_arguments_are_refused(
    province: Province, databases: Any
) -> None:
    other = databases("other_seed")

    seeded = _generate(
        other, *[a if a != str(CASES) else "100" for a in ARGS], "--seed", "15", "--no-results"
    )
    refused = _generate(province.database, *ARGS, "--seed", "15", "--no-results")

    assert seeded.returncode == 0, seeded.stdout[-3000:] + seeded.stderr[-3000:]
    digests = _summary(other)["digests"]
    assert digests["cases_case"] != province.summary["digests"]["cases_case"]
    assert refused.returncode != 0
    assert "use the same arguments to continue, or --fresh" in refused.stdout + refused.stderr


@pytest.mark.parametrize(
    ("benchmark", "shown"),
    [
        ("lists", "GET market list no filter (newest first)"),
        ("dashboards", f"region_charts ({MARKETS} markets)"),
    ],
)
def test_a_benchmark_runs_on_the_generated_database(
    province: Province, benchmark: str, shown: str, tmp_path: Path
) -> None:
    done = subprocess.run(  # noqa: S603 (our own script)
        [
            sys.executable,
            str(ROOT / "bench" / f"{benchmark}.py"),
            "--generated",
            "--runs",
            "3",
            "--results",
            str(tmp_path),
        ],
        env=province.database.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"the generated database, {CASES} cases" in done.stdout
    assert "cases: " not in done.stdout  # nothing set up: the generated rows are timed
    assert shown in done.stdout  # the team lead's market, the inspector's whole province
    record = json.loads((tmp_path / f"{benchmark}-{connection.vendor}.json").read_text())
    assert record["args"]["cases"] == CASES
