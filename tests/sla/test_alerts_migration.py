"""Migration ``sla.0015_alerts_of_their_own``: a running clock's next alert and the levels after
it become its ``Alert`` rows; a paused or stopped clock (no next alert) gets none. And back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sla_support import at, migrate_to, migrated_back_to

from markets.models import Market
from sla.models import Target

BEFORE = [("sla", "0014_deadline_indexes_carry_the_case")]
AFTER = [("sla", "0015_alerts_of_their_own")]
WARN, DUE, ESCALATE = at(2026, 3, 6, 11), at(2026, 3, 9, 17, 30), at(2026, 3, 11, 17, 30)


@pytest.fixture
def before(transactional_db: None) -> Iterator[Any]:
    """The models as they were before the migration; every migration applied again after."""
    with migrated_back_to(BEFORE) as apps:
        yield apps


def test_each_running_clock_gets_its_levels_to_come(before: Any, nanning_market: Market) -> None:
    deadline_model = before.get_model("sla", "Deadline")
    # Its own policy: a transactional test may run after another's flush took the seeded ones.
    policy = before.get_model("sla", "Policy").objects.create(
        kind="alerts_migration", target=Target.COMPLETION, amount=5, unit="working_days"
    )
    common = {
        "subject_type": "cases.case",
        "market_id": nanning_market.pk,
        "kind": policy.kind,
        "target": Target.COMPLETION,
        "policy_id": policy.pk,
        "started_at": WARN - timedelta(days=4),
        "due_at": DUE,
        "warn_at": WARN,
        "escalate_at": ESCALATE,
    }
    to_warn = deadline_model.objects.create(
        subject_id=1, next_level="warning", next_alert_at=WARN, **common
    )
    to_breach = deadline_model.objects.create(
        subject_id=2, next_level="breach", next_alert_at=DUE, **common
    )
    to_escalate = deadline_model.objects.create(
        subject_id=3, next_level="escalation", next_alert_at=ESCALATE, **common
    )
    paused = deadline_model.objects.create(
        subject_id=4, next_level="warning", next_alert_at=None, paused_at=WARN, **common
    )

    after = migrate_to(AFTER)
    alerts = after.get_model("sla", "Alert").objects

    def levels(deadline: Any) -> list[tuple[str, Any]]:
        rows = alerts.filter(deadline_id=deadline.pk).order_by("at")
        return list(rows.values_list("level", "at"))

    assert levels(to_warn) == [("warning", WARN), ("breach", DUE), ("escalation", ESCALATE)]
    assert levels(to_breach) == [("breach", DUE), ("escalation", ESCALATE)]
    assert levels(to_escalate) == [("escalation", ESCALATE)]
    assert levels(paused) == []
    one = alerts.get(deadline_id=to_warn.pk, level="warning")
    assert (one.market_id, one.subject_type, one.target) == (
        nanning_market.pk,
        "cases.case",
        Target.COMPLETION,
    )

    back = migrate_to(BEFORE).get_model("sla", "Deadline").objects
    assert list(back.order_by("subject_id").values_list("next_level", "next_alert_at")) == [
        ("warning", WARN),
        ("breach", DUE),
        ("escalation", ESCALATE),
        ("", None),
    ]
