"""The sweep claims due alerts under row locks and deletes them where the lock found them (by
their place, ``ctid``): an alert another transaction is changing at that moment (an accepted
transfer moving the clock's market) is skipped, not waited for, and the next sweep reminds it
once, in the market it moved to. Needs real concurrent connections and row locks: PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from unittest import mock

import pytest
from conftest import MarketFactory, case_make
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from markets.models import Market, Region
from sla.models import Alert, Level, Reminder, ReminderCount
from sla.services import sla_sweep

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
