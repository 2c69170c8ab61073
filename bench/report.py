"""The README's benchmark table, made from the result files under ``bench/results/``.

    .venv/bin/python bench/report.py            # print the table
    .venv/bin/python bench/report.py --write    # put it into README.md, between the markers
    .venv/bin/python bench/report.py --check    # exit 1 when README.md says something else

The table sits in README.md between ``<!-- bench:begin -->`` and ``<!-- bench:end -->``; a test
runs the check, so a figure typed by hand, or one whose result file is gone, fails the build.
Needs no Django: it only reads the JSON files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
README = PROJECT_ROOT / "README.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
# A benchmark whose script is not bench/<name>.py.
SCRIPTS = {"load": "load/run"}


def _load(directory: Path) -> list[dict[str, Any]]:
    records = [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.json"))
    ]
    return sorted(records, key=lambda r: (r["benchmark"], r["database"]["vendor"]))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(directory: Path = RESULTS_DIR) -> str:
    """The markdown: one table per result file, headed by what ran where and when."""
    parts: list[str] = [
        "Made by `bench/report.py` from `bench/results/*.json`; do not edit by hand.",
    ]
    for record in _load(directory):
        db, machine = record["database"], record["machine"]
        commit = record["commit"][:10] or "unknown commit"
        changes = " with local changes" if record["local_changes"] else ""
        load = ", ".join(f"{n:.2f}" for n in machine["load_average"])
        args = " ".join(
            f"--{k.replace('_', '-')} {v}" for k, v in record["args"].items() if v is not None
        )  # None: an option not given, its default taken
        parts.append(
            f"**`bench/{SCRIPTS.get(record['benchmark'], record['benchmark'])}.py"
            f"{' ' + args if args else ''}`** on "
            f"{db['name']} {db['version']}, {record['date'][:10]}, commit `{commit}`{changes}; "
            f"{machine['cpus']} CPUs, load average {load}."
        )
        header = record["header"]
        lines = [f"| {' | '.join(header)} | |", "|---|---|---|---|"]
        for row in record["rows"]:
            verdict = f"**{row['verdict']}**" if row["verdict"] == "MISSED" else row["verdict"]
            cells = (row["what"], row["result"], row["target"], verdict)
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def readme_block(text: str) -> str | None:
    """What README.md holds between the markers (None without them)."""
    if BEGIN not in text or END not in text:
        return None
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def readme_write(readme: Path = README, directory: Path = RESULTS_DIR) -> None:
    text = readme.read_text(encoding="utf-8")
    if readme_block(text) is None:
        sys.exit(f"{readme} has no {BEGIN} … {END} block")
    before, rest = text.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    readme.write_text(f"{before}{BEGIN}\n{table(directory)}{END}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The README's benchmark table.")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="write it into README.md")
    group.add_argument("--check", action="store_true", help="exit 1 when README.md differs")
    args = parser.parse_args(argv)
    if args.write:
        readme_write()
        return 0
    if args.check:
        current = readme_block(README.read_text(encoding="utf-8"))
        if current != table():
            print("README.md's benchmark table is not what bench/results/ holds:")
            print("run .venv/bin/python bench/report.py --write")
            return 1
        return 0
    print(table(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
