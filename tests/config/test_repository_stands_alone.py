"""A fresh clone is the whole project: no tracked file points at documents outside the
repository (the lead's ``shared`` folder beside it), and the documents the README names exist."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import REPO_ROOT

# A relative path up into the lead's notes folder beside the clone, or its absolute path (the
# pattern is spelt in pieces so that this file does not match itself).
OUTSIDE = re.compile(r"\.\./" + "shared" + r"\b|/work/" + "shared" + r"\b")
TEXT_SUFFIXES = {".md", ".py", ".txt", ".toml", ".cfg", ".ini", ".html", ".sh", ".yml", ".yaml", ""}


def tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"],  # noqa: S607 -- git from PATH, as the developer has it
            cwd=REPO_ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [REPO_ROOT / name for name in listed.split("\0") if name]


def test_no_tracked_file_points_outside_the_repository() -> None:
    offenders = []
    for path in tracked_files():
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [
            f"{path.relative_to(REPO_ROOT)}:{number}"
            for number, line in enumerate(text.splitlines(), start=1)
            if OUTSIDE.search(line)
        ]

    assert offenders == []


def test_the_documents_the_readme_links_to_are_in_the_repository() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(((?!https?:)[^)#]+)\)", readme))

    assert {"docs/standard.md", "docs/design.md"} <= linked
    assert [link for link in linked if not (REPO_ROOT / link).exists()] == []
    standard = (REPO_ROOT / "docs" / "standard.md").read_text(encoding="utf-8")
    for article in range(1, 30):
        assert re.search(rf"^\| {article}(–\d+)? \|", standard, re.MULTILINE) or any(
            re.search(rf"^\| {low}–{high} \|", standard, re.MULTILINE)
            for low, high in ((5, 7), (9, 10))
            if low <= article <= high
        ), f"article {article} is missing from docs/standard.md"
    assert (REPO_ROOT / "docs" / "standard" / "guangxi-gig-market-standard.zh.txt").is_file()


def test_every_module_path_named_in_the_standard_exists() -> None:
    standard = (REPO_ROOT / "docs" / "standard.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`([a-z_]+/[\w/.*]*)`", standard))

    missing = [path for path in paths if "*" not in path and not (REPO_ROOT / path).exists()]
    assert paths and missing == []
