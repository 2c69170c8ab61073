"""The README's benchmark figures are the ones the benchmarks wrote (issue 14): the block between
the markers is exactly what ``bench/report.py`` makes from ``bench/results/*.json``, so a figure
typed by hand, or one whose result file is gone, fails here."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "bench" / "report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_table_is_made_from_the_result_files() -> None:
    report = _report()
    block = report.readme_block((ROOT / "README.md").read_text(encoding="utf-8"))

    assert block is not None, "README.md lost its <!-- bench:begin --> … <!-- bench:end --> block"
    assert block == report.table(), "run .venv/bin/python bench/report.py --write"


def test_every_benchmark_has_a_result_on_both_databases() -> None:
    names = {path.stem for path in (ROOT / "bench").glob("*.py")} - {
        "__init__",
        "settings",
        "results",
        "report",
    }
    kept = {path.stem for path in (ROOT / "bench" / "results").glob("*.json")}

    assert {f"{name}-sqlite" for name in names} <= kept
    assert {f"{name}-postgresql" for name in names} <= kept
