"""The suite's files that must run in one test process (``xdist_group``: a shared server, a
port, a file) are kept together by ``scripts/test-all``'s ``--dist loadgroup``. pytest 9.2.0
broke that silently with pytest-xdist 3.8.0 (the groups were spread over the workers, nothing
failed): a small suite is run the same way and must keep its group in one process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import os
import pytest

pytestmark = pytest.mark.xdist_group(name="together")


@pytest.mark.parametrize("n", range(8))
def test_where(n):
    with open(os.environ["GROUPING_OUT"], "a") as out:
        out.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")
"""


def test_a_group_runs_in_one_process_under_loadgroup(tmp_path: Path) -> None:
    (tmp_path / "test_probe.py").write_text(PROBE)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # not the project's settings (no Django)
    out = tmp_path / "workers.txt"
    ran = subprocess.run(  # noqa: S603 - this Python's pytest, fixed arguments
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-c",
            str(tmp_path / "pytest.ini"),
            "-p",
            "no:django",
            "-p",
            "no:cacheprovider",
            str(tmp_path / "test_probe.py"),
        ],
        cwd=tmp_path,
        env={"GROUPING_OUT": str(out), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert ran.returncode == 0, ran.stdout + ran.stderr
    workers = out.read_text().split()
    assert len(workers) == 8
    assert len(set(workers)) == 1, f"the group was spread over {sorted(set(workers))}"
