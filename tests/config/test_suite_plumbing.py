"""The suite's own plumbing: what every test may take for granted whichever process runs it and
whatever ran before it there (tests/db_support.py, scripts/test-all)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_rows_the_migrations_made() -> None:
    """Every transactional test ends with a flush; the tests after it in the same process
    (in a transaction or not) find the regions, occupations, checklists and time limits the
    migrations seeded, as in a freshly migrated database."""
    call_command("flush", interactive=False, verbosity=0)  # what an earlier test left: gone
    migrated = _row_counts()
    assert migrated["postings.Occupation"] > 0
    assert migrated["markets.Division"] > 0
    # As a migration writes them: no history rows (the live models' signals do not fire).
    assert not {label: n for label, n in migrated.items() if ".Historical" in label and n}

    call_command("flush", interactive=False, verbosity=0)

    assert _row_counts() == migrated


GROUPED = """
import pytest

pytestmark = pytest.mark.xdist_group("together")


@pytest.mark.parametrize("n", range(8))
def test_grouped(n):
    pass


@pytest.mark.parametrize("n", range(8))
def test_free(n):
    pass
"""


def test_an_xdist_group_runs_in_one_process(tmp_path: Path) -> None:
    """scripts/test-all's ``--dist loadgroup`` keeps a file marked ``xdist_group`` in one
    process (its costly module fixtures made once): pytest 9.2 with pytest-xdist 3.8 silently
    spread the group's tests over both."""
    (tmp_path / "test_grouped.py").write_text(GROUPED)
    plugins_off = ["-p", "no:django", "-p", "no:cacheprovider", "-p", "no:locust"]
    run = subprocess.run(  # noqa: S603 -- this interpreter's pytest with fixed arguments
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v", *plugins_off],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    lines = [line for line in run.stdout.splitlines() if " PASSED " in line]
    grouped = {line.split()[0] for line in lines if "::test_grouped[" in line}  # "[gw0]"
    assert len(lines) == 16, run.stdout
    assert len(grouped) == 1, run.stdout
