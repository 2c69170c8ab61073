"""Exactly one Celery beat schedules (issue 15; docs/deploy/beat.md).

Production runs RedBeat: a beat schedules only while it holds a lock in Redis that expires, so
a second beat started anywhere waits, and takes over when the first is gone. Here two real
``celery -A config beat -S redbeat.RedBeatScheduler`` processes run on the test Redis
(REDIS_URL, as ``make test`` sets it) with one task a second (beat_test_settings.py), and the
messages they send are counted on a queue of the test's own: one beat's worth, all from the
lock holder; then the holder is killed (``kill -9``: its lock is not released) and the other
takes over once the lock has expired. A beat whose lock was taken while it was away stops.

The embedded default keeps Celery's file scheduler, made to refuse a second beat on the same
schedule file (config.beat.SingleFileScheduler): a second real beat on the same ``var/`` stops.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from conftest import REPO_ROOT

from config.beat import SecondBeatError, beat_file_lock

CELERY = str(Path(sys.executable).with_name("celery"))
TICK = 1.0  # seconds between two runs of the test's task
LOOP = 1  # seconds: a beat's longest sleep between ticks, and how often a waiting beat tries
LOCK_TIMEOUT = 3  # seconds a killed beat's lock outlives its last renewal
STARTUP_TIMEOUT = 60.0  # seconds: import Django and Celery on a loaded machine
WINDOW = 5.0  # seconds during which both beats run and the messages are counted
SLACK = 5.0  # seconds of a loaded machine's scheduling delays
SENT = "Sending due task"
ACQUIRED = "beat: Acquired lock"

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs a Redis server for RedBeat: set REDIS_URL (make test does)",
)


class Beat:
    """One ``celery beat`` process, its output in ``log``."""

    def __init__(self, log: Path, env: dict[str, str], *args: str) -> None:
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
                [CELERY, "-A", "config", "beat", "--loglevel=INFO", *args],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def sent(self) -> int:
        """How many tasks this beat has sent (one log line each, just before sending it)."""
        return self.output().count(SENT)

    def wait_for(self, text: str, timeout: float = STARTUP_TIMEOUT, count: int = 1) -> float:
        """Seconds until ``text`` appears ``count`` times in the output; fails if the beat exits
        first."""
        started = time.monotonic()
        while self.output().count(text) < count:
            if self.process.poll() is not None:
                pytest.fail(f"the beat exited ({self.process.returncode}):\n{self.output()}")
            if time.monotonic() - started > timeout:
                pytest.fail(f"no {text!r} within {timeout} s:\n{self.output()[-3000:]}")
            time.sleep(0.1)
        return time.monotonic() - started

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.fixture
def redbeat(tmp_path: Path) -> Iterator[tuple[Callable[[str], Beat], redis.Redis, str, str]]:
    """Start RedBeat beats with keys and a queue of this test's own; all stopped and their
    keys removed at the end."""
    run = uuid.uuid4().hex[:12]
    prefix, queue = f"beat-test-{run}:", f"beat-test-{run}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "beat_test_settings",
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "tests" / "config")]),
        "BEAT_TEST_KEY_PREFIX": prefix,
        "BEAT_TEST_QUEUE": queue,
        "BEAT_TEST_TICK": str(TICK),
        "BEAT_TEST_LOOP": str(LOOP),
        "BEAT_TEST_LOCK_TIMEOUT": str(LOCK_TIMEOUT),
    }
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    beats: list[Beat] = []

    def start(name: str) -> Beat:
        beat = Beat(tmp_path / f"{name}.log", environment, "-S", "redbeat.RedBeatScheduler")
        beats.append(beat)
        return beat

    try:
        yield start, client, prefix, queue
    finally:
        for beat in beats:
            beat.stop(signal.SIGKILL)
        for key in client.scan_iter(match=f"*beat-test-{run}*"):
            client.delete(key)
        client.close()


@needs_redis
def test_a_second_redbeat_waits_for_the_lock_and_takes_over_when_the_first_dies(
    redbeat: tuple[Callable[[str], Beat], redis.Redis, str, str],
) -> None:
    start, client, prefix, queue = redbeat
    lock = f"{prefix}:lock"

    one, other = start("one"), start("other")  # at once: whichever takes the lock first
    give_up = time.monotonic() + STARTUP_TIMEOUT
    while not any(ACQUIRED in beat.output() for beat in (one, other)):
        assert time.monotonic() < give_up, one.output() + other.output()
        time.sleep(0.1)
    first, second = (one, other) if ACQUIRED in one.output() else (other, one)
    second.wait_for("beat: Starting...")  # from here on it waits for the lock (beat_init)

    queued, first_sent = client.llen(queue), first.sent()
    time.sleep(WINDOW)
    sent_in_window = client.llen(queue) - queued

    # One beat's worth of runs, every one from the lock holder; the other sent nothing.
    assert ACQUIRED not in second.output()
    assert second.sent() == 0, second.output()
    assert 2 <= sent_in_window <= WINDOW / TICK + 1
    assert first.sent() - first_sent >= sent_in_window - 1  # the last may be logged, not sent

    first.stop(signal.SIGKILL)  # a lost host: the lock is not released, it expires
    killed_at = time.monotonic()
    assert client.pttl(lock) > 0  # still held by the dead beat
    second.wait_for(ACQUIRED, timeout=LOCK_TIMEOUT + LOOP + SLACK)
    taken_over_after = time.monotonic() - killed_at
    second.wait_for(SENT, timeout=LOOP + SLACK)

    assert taken_over_after <= LOCK_TIMEOUT + LOOP + SLACK
    queued = client.llen(queue)
    second.wait_for(SENT, timeout=TICK + SLACK, count=2)
    assert client.llen(queue) > queued  # the schedule goes on, from the second beat

    second.stop()  # a clean stop releases the lock: a waiting beat would take over at once
    assert client.exists(lock) == 0
    # Every message on the queue was sent by one of the two, each run once: as many as they
    # logged, less at most the one the first beat logged when it was killed, before it went out.
    logged = first.sent() + second.sent()
    assert logged - 1 <= client.llen(queue) <= logged


@needs_redis
def test_a_beat_that_lost_its_lock_stops_before_sending_more(
    redbeat: tuple[Callable[[str], Beat], redis.Redis, str, str],
) -> None:
    """Paused or cut off for longer than the lock timeout, a beat may find its lock expired and
    taken: it stops at its next renewal rather than schedule beside the new holder."""
    start, client, prefix, _ = redbeat
    beat = start("paused")
    beat.wait_for(SENT)

    client.set(f"{prefix}:lock", "another-beat", px=60_000)  # its lock expired and was taken
    sent = beat.sent()
    beat.process.wait(timeout=LOOP + SLACK)

    assert beat.process.returncode != 0
    assert "LockNotOwnedError" in beat.output()
    assert beat.sent() <= sent + 1  # at most the one it was sending as the lock changed hands
    assert client.get(f"{prefix}:lock") == b"another-beat"  # the new holder's lock stays


def test_the_file_lock_admits_one_holder_at_a_time(tmp_path: Path) -> None:
    path = str(tmp_path / "celerybeat-schedule.lock")
    held = beat_file_lock(path)

    with pytest.raises(SecondBeatError, match=f"pid {os.getpid()}"):
        beat_file_lock(path)

    os.close(held)
    os.close(beat_file_lock(path))  # free again once the holder is gone


def test_a_second_embedded_beat_on_the_same_var_dir_stops(tmp_path: Path) -> None:
    """``make run`` twice, or a beat started by hand beside it: the second beat refuses."""
    for folder in ("queue", "processed", "control"):
        (tmp_path / "broker" / folder).mkdir(parents=True)
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "PYTHONPATH"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.embedded",
        "LGSC_VAR_DIR": str(tmp_path),
    }
    first = Beat(tmp_path / "first.log", environment)
    try:
        first.wait_for("beat: Starting...")
        lock_file = tmp_path / "celerybeat-schedule.lock"
        give_up = time.monotonic() + STARTUP_TIMEOUT
        while not lock_file.exists() or lock_file.read_text() != str(first.process.pid):
            assert time.monotonic() < give_up, first.output()  # the first holds the lock
            time.sleep(0.1)

        second = Beat(tmp_path / "second.log", environment)
        second.process.wait(timeout=STARTUP_TIMEOUT)

        assert second.process.returncode != 0
        assert f"Another Celery beat (pid {first.process.pid}) already runs" in second.output()
        assert first.process.poll() is None  # the first goes on
    finally:
        first.stop(signal.SIGKILL)


@pytest.mark.skipif(shutil.which("flock") is None, reason="needs flock (util-linux)")
def test_make_run_refuses_to_start_twice_on_the_same_var_dir(tmp_path: Path) -> None:
    """The second ``make run`` stops at once, before it loads anything or starts a service."""
    with (tmp_path / "run-embedded.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as the first run holds it
        result = subprocess.run(  # noqa: S603 - our own script
            [str(REPO_ROOT / "scripts" / "run-embedded")],
            cwd=REPO_ROOT,
            env={**os.environ, "LGSC_VAR_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert result.returncode == 1
    assert f"already runs from {tmp_path}" in result.stderr
    assert not (tmp_path / "db.sqlite3").exists()  # nothing migrated, nothing started
