"""The sweep reads only the deadlines that are due, through the partial index
``deadline_alert_due``: its cost grows with what is due, not with every case ever opened.

PostgreSQL only: SQLite's planner is not the one production relies on.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from sla_support import at

from markets.models import Market
from sla.models import Deadline, Level, Policy, Target
from sla.services import SWEEP_BATCH, sweep_queryset

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="EXPLAIN of the sweep's query is about PostgreSQL's planner and its partial index",
)

NOW = at(2026, 3, 9, 10)
ROWS = 5000
DUE_EVERY = 100  # 1 % of the deadlines are due
STOPPED_EVERY = 5  # a fifth are finished: no next alert


def _deadlines(market: Market, policy: Policy) -> list[Deadline]:
    rows = []
    for n in range(ROWS):
        if n % DUE_EVERY == 0:
            next_alert_at = NOW - timedelta(minutes=n % 7 + 1)
        elif n % STOPPED_EVERY == 0:
            next_alert_at = None
        else:
            next_alert_at = NOW + timedelta(hours=1 + n % 500)
        rows.append(
            Deadline(
                subject_type="cases.case",
                subject_id=n + 1,
                market=market,
                kind=policy.kind,
                target=Target.COMPLETION,
                policy=policy,
                started_at=NOW - timedelta(days=3),
                due_at=NOW + timedelta(days=2),
                warn_at=NOW,
                escalate_at=NOW + timedelta(days=4),
                stopped_at=None if next_alert_at else NOW - timedelta(days=1),
                next_alert_at=next_alert_at,
                next_level=Level.WARNING if next_alert_at else "",
            )
        )
    return rows


@pytest.mark.django_db
def test_the_sweep_finds_the_due_deadlines_through_the_partial_index(
    nanning_market: Market,
) -> None:
    policy = Policy.objects.get(
        kind="policy_consultation", target=Target.COMPLETION, market=None, is_active=True
    )
    Deadline.objects.bulk_create(_deadlines(nanning_market, policy), batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sla_deadline")

    query = sweep_queryset(NOW)[:SWEEP_BATCH]
    plan = query.explain()

    assert len(list(query)) == ROWS // DUE_EVERY
    assert (
        "Index Scan using deadline_alert_due" in plan
        or "Bitmap Index Scan on deadline_alert_due" in plan
    ), plan
    assert "Seq Scan on sla_deadline" not in plan, plan
    assert "LockRows" in plan, plan  # the rows are claimed, as the sweep claims them
