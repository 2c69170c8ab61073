"""What a benchmark found, printed as a table and kept as a JSON file under ``bench/results/``.

Every benchmark ends with ``results_report(...)``: it prints the machine, the database and the
table of figures, and writes ``<benchmark>-<database>.json`` (one file per benchmark and
database: the latest run; git keeps the earlier ones) with the commit it ran at, whether the
working tree had changes, the machine, the database and its version, the arguments and every
row. ``bench/report.py`` turns those files into the README's table, so no figure there is typed
by hand (``tests/bench/test_readme_figures.py`` checks it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import django
from django.db import connection

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
FORMAT = 1  # bumped when the file's shape changes


@dataclass(frozen=True)
class Row:
    """One line of a benchmark's table: what was measured, the result in words, the target,
    and "ok" / "MISSED" ("" for a line that only explains another); ``value`` and ``unit`` are
    the main figure as a number, for scripts."""

    what: str
    result: str
    target: str = ""
    verdict: str = ""
    value: float | None = None
    unit: str = ""


def verdict(met: bool) -> str:
    return "ok" if met else "MISSED"


def _git(*args: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603 (a fixed command)
            ["git", *args],  # noqa: S607
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def database() -> dict[str, str]:
    if connection.vendor == "sqlite":
        return {
            "vendor": "sqlite",
            "name": "SQLite",
            "version": sqlite3.sqlite_version,
            "notes": "WAL, synchronous=NORMAL",
        }
    version = connection.pg_version  # type: ignore[attr-defined]
    return {
        "vendor": "postgresql",
        "name": "PostgreSQL",
        "version": f"{version // 10000}.{version % 10000}",
        "notes": "",
    }


def environment() -> dict[str, Any]:
    """The commit, the machine and the software a run measured."""
    return {
        "commit": _git("rev-parse", "HEAD"),
        # Changes to the code measured; the result files themselves do not count (a series of
        # runs rewrites them one after the other).
        "local_changes": bool(
            _git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results")
        ),
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "arch": platform.machine(),
            "system": platform.system(),
            "load_average": [round(n, 2) for n in os.getloadavg()],
        },
        "database": database(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def results_report(
    benchmark: str,
    rows: list[Row],
    *,
    args: dict[str, Any],
    directory: Path | None = RESULTS_DIR,
    header: tuple[str, str, str] = ("benchmark", "result", "target"),
) -> Path | None:
    """Print the environment and the table; write the JSON file into ``directory`` (none when
    it is None) and return its path."""
    env = environment()
    db = env["database"]
    notes = f" ({db['notes']})" if db["notes"] else ""
    print(f"\n== Results ==\n{db['name']} {db['version']}{notes}; Python {env['python']}, ", end="")
    print(
        f"Django {env['django']}; {env['machine']['cpus']} CPUs; {env['machine']['arch']}; ", end=""
    )
    print(f"{env['date'][:10]}; commit {env['commit'][:10] or '?'}", end="")
    print(" with local changes" if env["local_changes"] else "")
    load = env["machine"]["load_average"]
    print("load average (1, 5, 15 min): " + ", ".join(f"{n:.2f}" for n in load))
    table = [(*header, ""), *((r.what, r.result, r.target, r.verdict) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(4)]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    if directory is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{benchmark}-{db['vendor']}.json"
    record = {
        "format": FORMAT,
        "benchmark": benchmark,
        **env,
        "args": args,
        "header": list(header),
        "rows": [asdict(row) for row in rows],
    }
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults written to {path}")
    return path


def results_arguments(parser: argparse.ArgumentParser) -> None:
    """``--results DIR`` (default bench/results) and ``--no-results``, for every benchmark."""
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS_DIR,
        help="directory for the JSON result (bench/results)",
    )
    parser.add_argument("--no-results", action="store_true", help="write no result file")


def results_directory(args: argparse.Namespace) -> Path | None:
    return None if args.no_results else Path(args.results)
