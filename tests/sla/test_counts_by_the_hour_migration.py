"""Migration ``sla.0017_deadline_counts_by_the_hour``: an installation's clock counters are
counted again by the hour the clocks are due and warn; going back, the rows of a day's hours
are merged into one, as the key before had it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from conftest import SHANGHAI
from django.utils import timezone
from sla_support import migrate_to, migrated_back_to

from markets.models import Market
from sla.models import DeadlineCount, Target

BEFORE = [("sla", "0016_reminder_lease_never_empty")]
AFTER = [("sla", "0017_deadline_counts_by_the_hour")]


@pytest.fixture
def before(transactional_db: None) -> Iterator[Any]:
    """The models as they were before the migration; every migration applied again after."""
    with migrated_back_to(BEFORE) as apps:
        yield apps


def market_rows(model: Any, market: Market) -> dict[tuple[Any, ...], int]:
    """The market's own rows of running clocks (all officers, all kinds), by their key."""
    rows = model.objects.filter(market_id=market.pk, status="open", officer=-1, kind="")
    names = [f.name for f in model._meta.concrete_fields if "day" in f.name or "hour" in f.name]
    return {tuple(row[name] for name in names): row["n"] for row in rows.values(*names, "n")}


def test_the_counters_are_counted_by_the_hour_and_merged_by_the_day_going_back(
    before: Any, nanning_market: Market
) -> None:
    # Its own policy: a transactional test may run after another's flush took the seeded ones.
    policy = before.get_model("sla", "Policy").objects.create(
        kind="hours_migration", target=Target.COMPLETION, amount=5, unit="working_days"
    )
    day = timezone.localdate() + timedelta(days=3)
    for hour in (10, 15):
        due = datetime.combine(day, time(hour, 30), tzinfo=SHANGHAI)
        before.get_model("sla", "Deadline").objects.create(
            subject_type="cases.case",
            subject_id=hour,
            market_id=nanning_market.pk,
            kind=policy.kind,
            target=Target.COMPLETION,
            policy_id=policy.pk,
            started_at=due - timedelta(days=5),
            due_at=due,
            warn_at=due - timedelta(days=1),
            escalate_at=due + timedelta(days=2),
        )
    old = before.get_model("sla", "DeadlineCount")
    warned = day - timedelta(days=1)
    # As the services counted them before: by the day alone.
    for officer, kind in ((0, ""), (-1, "hours_migration"), (-1, "")):
        old.objects.create(
            market_id=nanning_market.pk,
            subject_type="cases.case",
            status="open",
            day=day,
            warn_day=warned,
            officer=officer,
            kind=kind,
            n=2,
        )
    assert market_rows(old, nanning_market) == {(day, warned): 2}

    migrate_to(AFTER)

    assert market_rows(DeadlineCount, nanning_market) == {
        (day, 10, warned, 10): 1,
        (day, 15, warned, 15): 1,
    }

    back = migrate_to(BEFORE)

    assert market_rows(back.get_model("sla", "DeadlineCount"), nanning_market) == {(day, warned): 2}
