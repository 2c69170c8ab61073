"""The sweep claims due alerts under row locks and deletes them where the lock found them (by
their place, ``ctid``): an alert another transaction is changing at that moment (an accepted
transfer moving the clock's market) is skipped, not waited for, and the next sweep reminds it
once, in the market it moved to. Needs real concurrent connections and row locks: PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from conftest import MarketFactory, case_make
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from markets.models import Market, Region
from sla import services
from sla.models import Alert, Level, Reminder, ReminderCount
from sla.services import sla_sweep, sweep_workers

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks and real concurrent connections: PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_an_alert_changed_while_the_sweep_claims_is_reminded_once_by_the_next_sweep(
    officer: User, nanning_market: Market, liuzhou: Region
) -> None:
    liuzhou_market = MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    moving, staying = (case_make(officer, subject=f"咨询 {n}") for n in range(2))
    now = timezone.now()
    warnings = Alert.objects.filter(level=Level.WARNING)
    warnings.update(at=now - timedelta(minutes=1))  # both clocks' first reminder due
    moving_alert = warnings.get(deadline__subject_id=moving.pk)

    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def transfer_moves_the_clock() -> None:
        try:
            with transaction.atomic():
                Alert.objects.filter(pk=moving_alert.pk).update(market_id=liuzhou_market.pk)
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()
            done.set()

    mover = threading.Thread(target=transfer_moves_the_clock)
    mover.start()
    assert held.wait(timeout=30)
    with mock.patch("sla.services.current_app.send_task"):
        during = sla_sweep(now=now)
        release.set()
        assert done.wait(timeout=30)
        mover.join()
        after = sla_sweep(now=now)
        again = sla_sweep(now=now)

    assert (during, after, again) == (1, 1, 0)
    reminded = Reminder.objects.filter(level=Level.WARNING)
    assert sorted(reminded.values_list("deadline__subject_id", flat=True)) == sorted(
        [moving.pk, staying.pk]
    )
    assert not Alert.objects.filter(pk=moving_alert.pk).exists()
    counted = ReminderCount.objects.filter(level=Level.WARNING, n__gt=0)
    assert sorted(counted.values_list("market_id", "n")) == sorted(
        [(nanning_market.pk, 1), (liuzhou_market.pk, 1)]
    )


@pytest.mark.django_db(transaction=True)
def test_more_than_a_batch_due_is_swept_by_several_connections_each_reminder_once(
    officer: User, nanning_market: Market
) -> None:
    """After an outage, the batches are swept by the caller and a helper thread at once, each
    on its own connection, the two inside a batch at the same time (a barrier holds the first
    to get there until the other does): every due alert is claimed by one of them, so each
    reminder is made once, handed to the workers once and counted once."""
    for n in range(5):
        case_make(officer, subject=f"咨询 {n}")
    now = timezone.now()
    due = Alert.objects.update(at=now - timedelta(minutes=1))  # every level of every clock
    original = services._reminded
    together = threading.Barrier(2, timeout=30)
    swept_by: list[str] = []
    caller = threading.current_thread().name

    def reminded(made: Any, day: Any) -> int:
        name = threading.current_thread().name
        swept_by.append(name)
        if swept_by.count(name) == (2 if name == caller else 1):
            together.wait()  # each sweeper's first batch after the caller's first
        return original(made, day)

    with (
        mock.patch("sla.services.current_app.send_task") as send_task,
        mock.patch("sla.services._reminded", side_effect=reminded),
    ):
        created = sla_sweep(now=now, batch=2, workers=2)
        again = sla_sweep(now=now, batch=2, workers=2)

    assert due == 15
    assert (created, again) == (15, 0)
    assert any(name.startswith("sla-sweep") for name in swept_by)
    reminders = Reminder.objects.all()
    assert reminders.count() == 15
    assert sorted(call.kwargs["args"][0] for call in send_task.call_args_list) == sorted(
        reminders.values_list("pk", flat=True)
    )
    assert sum(ReminderCount.objects.values_list("n", flat=True)) == 15
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_sweep_inside_a_callers_transaction_keeps_to_its_connection(
    officer: User,
) -> None:
    """Other connections could not see the caller's uncommitted rows: inside a transaction the
    sweep is the caller's alone, whatever the workers asked."""
    assert sweep_workers(4) == 1
    for n in range(3):
        case_make(officer, subject=f"咨询 {n}")
    now = timezone.now()
    Alert.objects.update(at=now - timedelta(minutes=1))
    with mock.patch("sla.services.current_app.send_task"):
        assert sla_sweep(now=now, batch=2, workers=4) == 9
