"""scripts/test-all keeps each costly module whole in one test process (``xdist_group`` with
``--dist loadgroup``): the loopback cluster, the streaming replica, the generator… are made
once. pytest 9.2.0 made pytest-xdist 3.8.0 ignore the marks without a word (xdist issue
#1386); this runs a scratch suite as scripts/test-all runs ours and counts the set-ups."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GROUPED = """
import os
import pytest

pytestmark = pytest.mark.xdist_group("costly")


@pytest.fixture(scope="module")
def costly():
    with open(os.environ["SETUPS"], "a") as log:
        log.write(os.environ.get("PYTEST_XDIST_WORKER", "-") + "\\n")
    return 1

"""


def test_a_grouped_modules_fixture_is_made_once_with_two_processes(tmp_path: Path) -> None:
    tests = "".join(f"def test_{n}(costly):\n    pass\n\n\n" for n in range(6))
    (tmp_path / "test_grouped.py").write_text(GROUPED + tests)
    others = "import pytest\n\n@pytest.mark.parametrize('n', range(40))\ndef test_x(n):\n    pass\n"
    (tmp_path / "test_others.py").write_text(others)
    setups = tmp_path / "setups.txt"

    done = subprocess.run(  # noqa: S603 -- this interpreter's pytest on the scratch suite
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup",
         "-p", "no:django", "-p", "no:cacheprovider", "-p", "no:locust", str(tmp_path)],
        cwd=tmp_path,
        env={"SETUPS": str(setups), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert len(setups.read_text().split()) == 1  # one process made it, once
