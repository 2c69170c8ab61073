"""Issue 9's "done when": the near-copies it named are gone from the production code and stay
gone. Each was a copy of one rule; where that rule lives now is named beside its pattern."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import REPO_ROOT

SKIPPED = {".venv", "tests", "migrations", "var", "bench", "build"}
PRODUCTION: list[Path] = sorted(
    path for path in REPO_ROOT.rglob("*.py") if not SKIPPED & set(path.relative_to(REPO_ROOT).parts)
)
OWN_PACKAGES = {path.name for path in REPO_ROOT.iterdir() if (path / "__init__.py").exists()}

# A pattern that marks a copy, and the files allowed to hold the one remaining place.
CLUSTERS: dict[str, tuple[str, ...]] = {
    r"def _seeker_visible\b": (),  # workflows.seekers.selectors.seeker_get_visible
    r"def _posting_visible\b": (),  # workflows.postings.selectors.posting_get_visible
    r"def _work_markets\b": (),  # markets.selectors.market_list_worked_in
    r"\._history_user\s*=": ("accounts/history.py",),  # accounts.history.save_with_history
}


def _name(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


def private_imports(source: str) -> list[str]:
    """Private names (``_x``) that ``source`` imports from a module of this project."""
    return [
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        and (node.level > 0 or (node.module or "").split(".")[0] in OWN_PACKAGES)
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__") and alias.name != "_"
    ]


@pytest.mark.parametrize("pattern", sorted(CLUSTERS))
def test_a_copy_the_house_issue_removed_does_not_come_back(pattern: str) -> None:
    found = [
        _name(path)
        for path in PRODUCTION
        if re.search(pattern, path.read_text(encoding="utf-8"))
        and _name(path) not in CLUSTERS[pattern]
    ]

    assert found == []


def test_no_private_name_is_imported_from_another_file_of_ours() -> None:
    found = {
        _name(path): names
        for path in PRODUCTION
        if (names := private_imports(path.read_text(encoding="utf-8")))
    }

    assert found == {}


def test_the_checks_read_the_production_code_and_would_see_a_copy() -> None:
    names = {_name(path) for path in PRODUCTION}
    assert {"accounts/history.py", "backoffice/counter/views.py", "cases/fsm.py"} <= names
    assert not any(name.startswith(("tests/", ".venv/")) for name in names)
    assert {"backoffice", "cases", "workflows"} <= OWN_PACKAGES

    copy = "from ..counter.views import _work_markets\nfrom cases.services import _save\n"
    assert private_imports(copy) == ["_work_markets", "_save"]
    assert private_imports("from django.utils.translation import gettext as _\n") == []
    assert re.search(r"def _work_markets\b", "def _work_markets(user): ...")
