"""``make run`` (``scripts/run-embedded``) stops cleanly (issue 13, item 10): on Ctrl-C (SIGINT
to the whole foreground process group, as a terminal sends it), on SIGTERM to the script (as
``make`` passes it on) and on SIGTERM to the whole group (a service manager, CI), every process
it started is gone within 10 seconds and the script exits with status 0.

The whole system runs for real in a temporary ``LGSC_VAR_DIR`` (its own SQLite database, file
broker and demo data) on a free port; the test finds what is left of it by that directory in
each process's environment.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from db_template import sqlite_copy, sqlite_template

SCRIPT = REPO_ROOT / "scripts" / "run-embedded"
START_TIMEOUT = 600.0  # seconds: migrations and demo data on a loaded machine
STOP_WITHIN = 10.0  # issue 13, item 10

pytestmark = [
    pytest.mark.xdist_group("run-embedded"),  # its module's fixtures made once (scripts/test-all)
    pytest.mark.skipif(
        not (REPO_ROOT / ".venv" / "bin" / "gunicorn").exists() or shutil.which("setsid") is None,
        reason="needs the project's .venv (make venv) and setsid (util-linux)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _processes_of(var_dir: Path) -> list[int]:
    """Processes whose environment names ``var_dir`` as LGSC_VAR_DIR (the script's own and
    every service and pool child it started, which inherit it)."""
    marker = f"LGSC_VAR_DIR={var_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = (entry / "environ").read_bytes().split(b"\0")
        except OSError:  # gone meanwhile, or not ours
            continue
        if marker in environment:
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory for every run: the later ones find the database migrated already, and
    the first too when the test databases' SQLite template is there to copy (the minute of
    migrating is not what these tests are about; CI's smoke run of make run migrates)."""
    folder = tmp_path_factory.mktemp("var")
    template = sqlite_template()
    if template is not None:
        sqlite_copy(template, folder / "db.sqlite3")
    return folder


def _ctrl_c_as_in_a_terminal() -> None:
    """In the child, before the script starts: Ctrl-C at its default, as in a terminal's
    foreground job. A test run started in the background (``make test &``) ignores SIGINT, the
    script would inherit that, and a shell cannot trap a signal ignored when it started."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def running(var_dir: Path, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    port = _free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "PYTHONPATH"}
    }
    environment.update(LGSC_VAR_DIR=str(var_dir), PORT=str(port), HOST="127.0.0.1")
    log = (tmp_path / "run.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - a fixed command line
        [str(SCRIPT)],
        cwd=REPO_ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, like a terminal's foreground job
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    try:
        _wait_for_health(process, port, tmp_path / "run.log")
        yield process
    finally:
        for pid in _processes_of(var_dir):  # whatever the test found left, by its id
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
        process.wait()
        log.close()


def _wait_for_health(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    give_up = time.monotonic() + START_TIMEOUT
    while time.monotonic() < give_up:
        if process.poll() is not None:
            pytest.fail(f"run-embedded exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    pytest.fail(f"no /health/ within {START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


def _stopped(process: subprocess.Popen[bytes], var_dir: Path) -> tuple[int | None, list[int]]:
    """The script's exit status and what is still alive, STOP_WITHIN seconds at the most."""
    try:
        status: int | None = process.wait(timeout=STOP_WITHIN)
    except subprocess.TimeoutExpired:
        status = None
    return status, _processes_of(var_dir)


@pytest.mark.parametrize(
    "how",
    [
        pytest.param("ctrl-c", id="sigint-to-the-process-group"),
        pytest.param("sigterm", id="sigterm-to-the-script"),
        pytest.param("sigterm-group", id="sigterm-to-the-process-group"),
    ],
)
def test_run_stops_everything_within_ten_seconds_with_status_zero(
    running: subprocess.Popen[bytes], var_dir: Path, how: str
) -> None:
    services = [pid for pid in _processes_of(var_dir) if pid != running.pid]
    assert len(services) >= 3  # worker (and its pool), beat, gunicorn (and its workers)

    if how == "ctrl-c":
        os.killpg(running.pid, signal.SIGINT)
    elif how == "sigterm-group":  # a service manager stopping the unit, or CI
        os.killpg(running.pid, signal.SIGTERM)
    else:
        running.send_signal(signal.SIGTERM)

    assert _stopped(running, var_dir) == (0, [])
