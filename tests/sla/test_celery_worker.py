"""Reminders end to end (限时办结): the sweep hands each reminder to a real Celery worker through
a real Redis, the worker tells everyone through the notifications, and a worker that was down
past a deadline catches up once it is back, sending the escalation once.

Needs the Redis of ``make test`` (REDIS_URL). The worker runs in its own process on the test
database (a file on SQLite, see config/settings/test.py). The sweep runs in this process with
an explicit ``now``, so the worker's clock does not matter.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import django.apps
import pytest
import time_machine
from conftest import REPO_ROOT, case_make
from django.db import connection
from sla_support import at, deadline_of, notifications_about, second_officer

from accounts.models import User
from cases.models import Case
from cases.services import case_reassign
from config.celery import app
from markets.models import Market
from sla.models import Deadline, Level, Reminder
from sla.services import sla_sweep

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs a Redis server for the Celery broker: set REDIS_URL (make test does)",
    ),
    pytest.mark.django_db(transaction=True),
]

QUEUE = "celery"
STARTUP_TIMEOUT = 60.0  # seconds: import Django, connect to Redis and the database
DELIVERY_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0

OPENED_AT = at(2026, 3, 2, 9)
DUE_AT = at(2026, 3, 9, 17, 30)
ESCALATE_AT = at(2026, 3, 11, 17, 30)


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
    """One ``celery worker`` process, consuming the default queue with one slot."""

    def __init__(self, log: Path) -> None:
        self.node = f"sla-test-{uuid.uuid4().hex[:8]}@localhost"
        self.log = log
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": os.environ["REDIS_URL"],  # config/settings/test.py: REDIS_URL
            "PYTHONPATH": str(REPO_ROOT),
        }
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
                ],
                cwd=REPO_ROOT,
                env=env,
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


@pytest.fixture
def worker_start(tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    """Start a worker (and wait until it answers); every worker is stopped at the end."""
    app.control.purge()  # nothing left over from an earlier run
    workers: list[Worker] = []

    def start() -> Worker:
        worker = Worker(tmp_path / f"worker{len(workers)}.log")
        workers.append(worker)
        worker.wait_ready()
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()


def _queued() -> int:
    """The messages waiting in the broker's default queue."""
    with app.connection_for_write() as broker:
        channel: Any = broker.default_channel
        return int(channel.queue_declare(QUEUE).message_count)


def _wait_for(done: Callable[[], bool], worker: Worker, what: str) -> None:
    """Poll the database until ``done`` (bounded)."""
    give_up = time.monotonic() + DELIVERY_TIMEOUT
    while time.monotonic() < give_up:
        if done():
            return
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.output()}")
        time.sleep(0.2)
    pytest.fail(f"no {what} within {DELIVERY_TIMEOUT}s:\n{worker.output()}")


def _delivered(deadline: Deadline, *levels: str) -> Callable[[], bool]:
    def check() -> bool:
        reminders = Reminder.objects.filter(deadline=deadline, level__in=levels)
        return len(levels) == reminders.filter(delivered_at__isnull=False).count()

    return check


def _told(deadline: Deadline, level: str) -> dict[str, int]:
    """How many notifications each person got about one level of the deadline."""
    counts: dict[str, int] = {}
    for notification in notifications_about(deadline, level).select_related("recipient"):
        name = notification.recipient.username
        counts[name] = counts.get(name, 0) + 1
    return counts


@pytest.fixture
def policies() -> None:
    """The default policies, seeded again: an earlier transactional test may have emptied the
    tables the migrations filled."""
    importlib.import_module("cases.migrations.0003_sla_policies").seed(django.apps.apps, None)


@pytest.fixture
def case(nanning_market: Market, officer: User, team_lead: User, policies: None) -> Case:
    """Opened by the first-contact officer, handed to a colleague, the owner."""
    owner = second_officer(nanning_market)
    with time_machine.travel(OPENED_AT, tick=False):
        opened = case_make(officer)
        return case_reassign(actor=team_lead, case=opened, to_user=owner)


def test_a_worker_delivers_an_overdue_reminder_to_each_person_once(
    worker_start: Callable[[], Worker], case: Case, officer: User, team_lead: User
) -> None:
    deadline = deadline_of(case)
    assert deadline.due_at == DUE_AT
    worker = worker_start()

    assert sla_sweep(now=DUE_AT + timedelta(minutes=1)) == 2  # due soon, and overdue

    _wait_for(_delivered(deadline, Level.WARNING, Level.BREACH), worker, "delivery")
    assert _told(deadline, Level.BREACH) == {"officer": 1, "officer2": 1, "teamlead": 1}
    assert _told(deadline, Level.WARNING) == {"officer2": 1}


def test_a_worker_down_past_the_escalation_sends_it_once_when_it_is_back(
    worker_start: Callable[[], Worker], case: Case, team_lead: User, inspector: User
) -> None:
    deadline = deadline_of(case)
    first = worker_start()
    sla_sweep(now=DUE_AT + timedelta(minutes=1))
    _wait_for(_delivered(deadline, Level.WARNING, Level.BREACH), first, "delivery")

    first.stop()  # the worker is down past the escalation time
    later = ESCALATE_AT + timedelta(days=2)
    assert sla_sweep(now=later) == 1
    escalation = Reminder.objects.get(deadline=deadline, level=Level.ESCALATION)
    assert escalation.delivered_at is None
    assert _queued() == 1  # its task waits in Redis

    second = worker_start()
    _wait_for(_delivered(deadline, Level.ESCALATION), second, "the escalation")

    assert _told(deadline, Level.ESCALATION) == {"inspector": 1, "teamlead": 1}
    assert sla_sweep(now=later + timedelta(minutes=10)) == 0
    assert Reminder.objects.filter(deadline=deadline).count() == 3
    assert _queued() == 0
    assert _told(deadline, Level.ESCALATION) == {"inspector": 1, "teamlead": 1}
