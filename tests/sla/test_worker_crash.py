"""Recovery after a crash (issue 13, item 9): a worker killed with ``kill -9`` in the middle of
the sweeps, restarted; every due reminder and message then goes out once, within two minutes
of the restart, and the sweeps never fill the broker with copies of tasks already on their way.

Two real workers on a real Redis (``worker_support``), with ``crash_trap`` loaded: each sweep
hangs after handing its first few tasks to the broker, after committing the leases of all it
claimed, and the workers are killed there. What stays in Redis goes on after the restart;
what the killed sweeps never queued comes back when its lease runs out, at the first sweep
after that (beat runs them every minute; here the test runs them, with an explicit ``now``).
"""

from __future__ import annotations

import importlib
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import django.apps
import pytest
import time_machine
from conftest import case_make
from django.utils import timezone
from sla_support import at
from worker_support import Worker, needs_redis, queued, unacked_forget, workers

from accounts.models import User
from notifications.models import OutboxMessage
from notifications.services import OUTBOX_QUEUE_LEASE, outbox_enqueue, outbox_requeue_due
from notifications.tasks import outbox_sweep_task
from sla.models import Alert, Reminder
from sla.services import QUEUE_LEASE, reminder_requeue_lost
from sla.tasks import sla_sweep_task

pytestmark = [needs_redis, pytest.mark.django_db(transaction=True)]

CASES = 6  # a deadline each, three levels each: 18 reminders
MESSAGES = 30
TRAP_AFTER = 10  # each sweep hangs handing its 10th task to the broker
TIMEOUT = 120.0  # seconds, for each wait below: generous on a loaded machine
SWEEP_INTERVAL = timedelta(minutes=1)  # CELERY_BEAT_SCHEDULE
OPENED_AT = at(2026, 3, 2, 9)  # long past: every level of every deadline is due


def _wait_for(done: Callable[[], bool], what: str, *running: Worker) -> None:
    give_up = time.monotonic() + TIMEOUT
    while time.monotonic() < give_up:
        if done():
            return
        for worker in running:
            if worker.process.poll() is not None:
                pytest.fail(f"a worker exited while waiting for {what}:\n{worker.output()}")
        time.sleep(0.3)
    logs = "\n".join(worker.output() for worker in running)
    state = (
        f"pending messages {sorted(_pending())}, undelivered reminders {sorted(_undelivered())}, "
        f"tasks in Redis {queued()}, idle workers {[worker.idle() for worker in running]}"
    )
    pytest.fail(f"no {what} within {TIMEOUT}s ({state}):\n{logs}")


def _pending() -> set[int]:
    return set(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).values_list(
            "pk", flat=True
        )
    )


def _undelivered() -> set[int]:
    return set(Reminder.objects.filter(delivered_at__isnull=True).values_list("pk", flat=True))


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


@pytest.fixture
def due_work(officer: User, team_lead: User) -> None:
    """Cases long overdue whose sweep never ran, and text messages whose tasks were lost."""
    importlib.import_module("cases.migrations.0003_sla_policies").seed(django.apps.apps, None)
    for user in (officer, team_lead):  # reminders go out by e-mail too
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    with time_machine.travel(OPENED_AT, tick=False):
        for _ in range(CASES):
            case_make(officer)
        for number in range(MESSAGES):
            outbox_enqueue(
                channel="sms",
                to=f"138{number:08d}",
                body=f"message {number}",
                idempotency_key=f"crash-test:{number}",
            )


def test_a_worker_killed_mid_sweep_delivers_everything_once_within_two_minutes_of_restart(
    tmp_path: Path, due_work: None
) -> None:
    trap_dir = tmp_path / "trap"
    trap_dir.mkdir()
    options = {
        "include": ["crash_trap"],
        "python_path": [Path(__file__).parent],
        "env": {"LGSC_CRASH_TRAP_DIR": str(trap_dir), "LGSC_CRASH_TRAP_AFTER": str(TRAP_AFTER)},
    }
    try:
        with workers(tmp_path, **options) as start:  # purges what setting up queued
            _crash_and_recover(start, trap_dir)
    finally:
        unacked_forget()


def _crash_and_recover(start: Callable[[], Worker], trap_dir: Path) -> None:
    messages = _pending()
    assert len(messages) >= MESSAGES  # with what opening the cases sent
    first, second = start(), start()

    # The outbox sweep claims every message (leases committed), queues nine and hangs; the
    # other worker sends those nine. Then the SLA sweep creates every reminder, queues nine
    # of their tasks and hangs too.
    swept_at = timezone.now()
    outbox_sweep_task.delay()
    _wait_for((trap_dir / "outbox.trapped").exists, "hung outbox sweep", first, second)
    _wait_for(lambda: len(_pending()) == len(messages) - (TRAP_AFTER - 1), "9 sent", first, second)
    sla_sweep_task.delay()
    _wait_for((trap_dir / "sla.trapped").exists, "hung SLA sweep", first, second)
    first.kill()
    second.kill()

    reminders = set(Reminder.objects.values_list("pk", flat=True))
    assert len(reminders) == 3 * CASES  # due soon, overdue, escalated: each case's completion
    assert not Alert.objects.exists()
    assert _undelivered() == reminders
    assert queued() == TRAP_AFTER - 1  # the reminder tasks queued before the hang

    # While the worker is down, beat goes on sweeping: a task on its way is not queued again.
    while_down = swept_at + timedelta(seconds=30)
    assert while_down < swept_at + min(OUTBOX_QUEUE_LEASE, QUEUE_LEASE)
    assert outbox_requeue_due(now=while_down) == []
    assert reminder_requeue_lost(now=while_down) == []
    assert queued() == TRAP_AFTER - 1

    # Restarted: what waited in Redis goes out (and the e-mails those reminders send).
    restarted_at = timezone.now()
    worker = start()
    _wait_for(lambda: queued() == 0 and worker.idle(), "an empty queue", worker)
    lost_messages, lost_reminders = _pending(), _undelivered()
    assert len(lost_messages) == len(messages) - (TRAP_AFTER - 1)
    assert len(lost_reminders) == len(reminders) - (TRAP_AFTER - 1)

    # The sweeps of the next two minutes (lease + one interval) queue each lost one once.
    by_then: datetime = restarted_at + OUTBOX_QUEUE_LEASE + SWEEP_INTERVAL
    assert by_then <= restarted_at + timedelta(minutes=2)
    assert timedelta(minutes=2) >= QUEUE_LEASE + SWEEP_INTERVAL
    requeued_messages = outbox_requeue_due(now=by_then)
    requeued_reminders = reminder_requeue_lost(now=by_then)
    assert sorted(requeued_messages) == sorted(lost_messages)
    assert sorted(requeued_reminders) == sorted(lost_reminders)
    assert outbox_requeue_due(now=by_then + timedelta(seconds=1)) == []
    assert reminder_requeue_lost(now=by_then + timedelta(seconds=1)) == []

    _wait_for(
        lambda: not _undelivered() and not _pending() and queued() == 0 and worker.idle(),
        "every reminder and message delivered",
        worker,
    )

    # Each once: every text message, every e-mail, every notification.
    sms = Counter(_lines(trap_dir / "sms.log"))
    assert set(sms.values()) == {1}
    assert len(sms) == OutboxMessage.objects.filter(channel="sms").count()
    assert {line.split("\t")[1] for line in sms} >= {f"message {n}" for n in range(MESSAGES)}
    mail = Counter(_lines(trap_dir / "mail.log"))
    assert set(mail.values()) == {1}
    assert len(mail) == OutboxMessage.objects.filter(channel="email").count() > 0
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert not OutboxMessage.objects.filter(to__startswith="138000000").exists()  # masked
