"""The sweep claims only the alerts that are due, found through the index ``alert_due``, and
finds the lost deliveries through the lease index: its cost grows with what is due, not with
every case ever opened or every reminder just handed over.

PostgreSQL only: SQLite's planner is not the one production relies on.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from sla_support import at

from markets.models import Market
from sla.models import Alert, Deadline, Level, Policy, Reminder, Target
from sla.services import (
    SWEEP_BATCH,
    alerts_rebuild,
    reminders_lease_run_out,
    sweep_claim_statement,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="EXPLAIN of the sweep's statement is about PostgreSQL's planner and the index",
)

NOW = at(2026, 3, 9, 10)
ROWS = 5000
DUE_EVERY = 100  # 1 % of the deadlines are due
STOPPED_EVERY = 5  # a fifth are finished: no alert


def _deadlines(market: Market, policy: Policy) -> list[Deadline]:
    """Running clocks warned an hour to days ahead, one in a hundred minutes ago; a fifth
    stopped."""
    return [
        Deadline(
            subject_type="cases.case",
            subject_id=n + 1,
            market=market,
            kind=policy.kind,
            target=Target.COMPLETION,
            policy=policy,
            started_at=NOW - timedelta(days=3),
            due_at=NOW + timedelta(days=2),
            warn_at=NOW - timedelta(minutes=n % 7 + 1)
            if n % DUE_EVERY == 0
            else NOW + timedelta(hours=1 + n % 40),
            escalate_at=NOW + timedelta(days=4),
            stopped_at=NOW - timedelta(days=1) if n % STOPPED_EVERY == 1 else None,
        )
        for n in range(ROWS)
    ]


@pytest.mark.django_db
def test_the_sweep_finds_the_due_alerts_through_their_index(nanning_market: Market) -> None:
    policy = Policy.objects.get(
        kind="policy_consultation", target=Target.COMPLETION, market=None, is_active=True
    )
    Deadline.objects.bulk_create(_deadlines(nanning_market, policy), batch_size=1000)
    alerts_rebuild()  # each running clock's three levels to come
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sla_alert")

    sql, params = sweep_claim_statement(NOW, SWEEP_BATCH)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        due = Alert.objects.filter(at__lte=NOW).count()
        cursor.execute(sql, params)
        claimed = cursor.fetchall()

    assert due == len(claimed) == ROWS // DUE_EVERY
    assert not Alert.objects.filter(at__lte=NOW).exists()  # claimed: deleted
    assert "Index Scan using alert_due" in plan or "Bitmap Index Scan on alert_due" in plan, plan
    assert "Seq Scan on sla_alert" not in plan, plan
    assert "LockRows" in plan, plan  # the rows are claimed under a lock, skipping held ones
    # …and deleted where the lock found them, not looked up again in the primary key's index.
    assert "Tid Scan on sla_alert" in plan, plan
    assert "sla_alert_pkey" not in plan, plan


LEASED = 4000  # reminders handed to the workers just now, their leases running
LOST = 40  # reminders whose lease ran out: their delivery task is presumed lost


@pytest.mark.django_db
def test_the_lost_deliveries_are_one_range_of_the_lease_index(nanning_market: Market) -> None:
    """Right after a sweep has handed thousands of reminders over, the next sweep's search
    for lost deliveries reads the few whose lease ran out, not every fresh lease after them
    (an empty lease was once allowed too, and that ``OR`` made PostgreSQL walk them all)."""
    policy = Policy.objects.get(
        kind="policy_consultation", target=Target.COMPLETION, market=None, is_active=True
    )
    clocks = Deadline.objects.bulk_create(_deadlines(nanning_market, policy), batch_size=1000)
    # Reminders delivered long ago, and the statistics taken then: as a sweep finds them.
    Reminder.objects.bulk_create(
        [
            Reminder(
                deadline=clock,
                level=Level.BREACH,
                created_at=NOW - timedelta(days=2),
                delivered_at=NOW - timedelta(days=2),
                queued_until=NOW - timedelta(days=2),
            )
            for clock in clocks[LEASED + LOST :]
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sla_reminder")
    Reminder.objects.bulk_create(
        [
            Reminder(
                deadline=clock,
                level=Level.WARNING,
                created_at=NOW - timedelta(hours=1),
                queued_until=NOW - timedelta(minutes=n + 1)
                if n < LOST
                else NOW + timedelta(minutes=5),
            )
            for n, clock in enumerate(clocks[: LEASED + LOST])
        ],
        batch_size=1000,
    )

    lost = reminders_lease_run_out(now=NOW, batch=SWEEP_BATCH)
    with transaction.atomic():
        plan = lost.explain(analyze=True)
        ids = list(lost)

    assert ids == [
        reminder.pk
        for reminder in Reminder.objects.filter(
            delivered_at__isnull=True, queued_until__lte=NOW
        ).order_by("queued_until")
    ]
    assert len(ids) == LOST
    assert "reminder_undelivered_lease" in plan, plan
    assert "Seq Scan" not in plan, plan
    # The walk ends at now: the fresh leases are not read and thrown away one by one.
    walked_past = sum(
        int(n) for n in re.findall(r"Rows Removed by (?:Filter|Index Recheck): (\d+)", plan)
    )
    assert walked_past < LOST, plan
