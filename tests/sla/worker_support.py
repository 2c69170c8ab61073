"""Real Celery workers on a real Redis for the end-to-end tests of reminders and the outbox
(``test_celery_worker.py``, ``test_worker_crash.py``), as plain helpers (see
``tests/audit/audit_support.py`` for why not a conftest).

A worker runs in its own process on the test database (a file on SQLite, see
config/settings/test.py) and needs the Redis of ``make test`` (REDIS_URL).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import REPO_ROOT
from django.db import connection

from config.celery import app

QUEUE = "celery"
STARTUP_TIMEOUT = 60.0  # seconds: import Django, connect to Redis and the database
STOP_TIMEOUT = 30.0

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs a Redis server for the Celery broker: set REDIS_URL (make test does)",
)


def _database_url() -> str:
    """The test database as the worker must open it (``NAME`` is the test database's by now)."""
    settings = connection.settings_dict
    name = str(settings["NAME"])
    if connection.vendor == "sqlite":
        assert name.startswith("/"), f"the worker cannot open an in-memory database ({name})"
        return f"sqlite:///{name}"
    assert connection.vendor == "postgresql"
    user, password = quote(settings["USER"], safe=""), quote(settings["PASSWORD"], safe="")
    return f"postgres://{user}:{password}@{settings['HOST']}:{settings['PORT']}/{name}"


class Worker:
    """One ``celery worker`` process, consuming the default queue with one slot.

    ``include`` names extra modules the worker imports at start (``celery worker -I``), found
    on ``python_path`` besides the repository; ``env`` adds to its environment.
    """

    def __init__(
        self,
        log: Path,
        *,
        include: Sequence[str] = (),
        python_path: Sequence[Path] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.node = f"sla-test-{uuid.uuid4().hex[:8]}@localhost"
        self.log = log
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": os.environ["REDIS_URL"],  # config/settings/test.py: REDIS_URL
            "PYTHONPATH": os.pathsep.join(str(path) for path in (REPO_ROOT, *python_path)),
            **(env or {}),
        }
        includes = ["-I", ",".join(include)] if include else []
        with log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
                [
                    str(Path(sys.executable).with_name("celery")),
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "-Q",
                    QUEUE,
                    "--without-heartbeat",
                    "--without-mingle",
                    "--without-gossip",
                    "--loglevel=INFO",
                    "-n",
                    self.node,
                    *includes,
                ],
                cwd=REPO_ROOT,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]

    def wait_ready(self) -> None:
        give_up = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < give_up:
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}):\n{self.output()}")
            if app.control.ping(destination=[self.node], timeout=0.5):
                return
        pytest.fail(f"the worker did not answer within {STARTUP_TIMEOUT}s:\n{self.output()}")

    def idle(self) -> bool:
        """Running no task (a solo worker answers only between tasks)."""
        replies = app.control.inspect(destination=[self.node], timeout=1.0).active()
        return replies is not None and replies.get(self.node) == []

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), as a service manager stops it; killed if it hangs."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)

    def kill(self) -> None:
        """``kill -9``: no shutdown, no acknowledgement of the task it holds."""
        self.process.kill()
        self.process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def workers(log_dir: Path, **options: Any) -> Iterator[Callable[[], Worker]]:
    """Start workers (each waits until it answers); every one is stopped at the end."""
    app.control.purge()  # nothing left over from an earlier run
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(log_dir / f"worker{len(started)}.log", **options)
        started.append(worker)
        worker.wait_ready()
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


def queued() -> int:
    """The messages waiting in the broker's default queue."""
    with app.connection_for_write() as broker:
        channel: Any = broker.default_channel
        return int(channel.queue_declare(QUEUE).message_count)


def unacked_forget() -> None:
    """Drop the tasks killed workers held unacknowledged: Redis would hand them to a later
    test's worker once their visibility timeout (an hour) ran out."""
    with app.connection_for_write() as broker:
        channel: Any = broker.default_channel
        channel.client.delete(channel.unacked_key, channel.unacked_index_key)
