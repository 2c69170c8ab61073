"""Reminders end to end (限时办结): the sweep hands each reminder to a real Celery worker through
a real Redis, the worker tells everyone through the notifications, and a worker that was down
past a deadline catches up once it is back, sending the escalation once.

Needs the Redis of ``make test`` (REDIS_URL). The worker runs in its own process on the test
database (a file on SQLite, see config/settings/test.py). The sweep runs in this process with
an explicit ``now``, so the worker's clock does not matter.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import django.apps
import pytest
import time_machine
from conftest import case_make
from sla_support import at, deadline_of, notifications_about, second_officer
from worker_support import Worker, needs_redis, workers
from worker_support import queued as _queued

from accounts.models import User
from cases.models import Case
from cases.services import case_reassign
from markets.models import Market
from sla.models import Deadline, Level, Reminder
from sla.services import sla_sweep

pytestmark = [needs_redis, pytest.mark.django_db(transaction=True)]

DELIVERY_TIMEOUT = 30.0

OPENED_AT = at(2026, 3, 2, 9)
DUE_AT = at(2026, 3, 9, 17, 30)
ESCALATE_AT = at(2026, 3, 11, 17, 30)


@pytest.fixture
def worker_start(tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    """Start a worker (and wait until it answers); every worker is stopped at the end."""
    with workers(tmp_path) as start:
        yield start


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
