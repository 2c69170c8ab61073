"""Migration ``sla.0016_reminder_lease_never_empty``: a reminder written before leases existed
(its lease empty) gets its creation time as its lease, so the sweep's search for lost
deliveries (``queued_until <= now``) still finds it at once; a lease already set is kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from sla_support import at, migrate_to, migrated_back_to

from markets.models import Market
from sla.models import Reminder, Target
from sla.services import reminders_lease_run_out

BEFORE = [("sla", "0015_alerts_of_their_own")]
CREATED = at(2026, 3, 6, 11)


@pytest.fixture
def before(transactional_db: None) -> Iterator[Any]:
    """The models as they were before the migration; every migration applied again after."""
    with migrated_back_to(BEFORE) as apps:
        yield apps


def test_an_empty_lease_becomes_the_reminders_creation_time(
    before: Any, nanning_market: Market
) -> None:
    # Its own policy: a transactional test may run after another's flush took the seeded ones.
    policy = before.get_model("sla", "Policy").objects.create(
        kind="lease_migration", target=Target.COMPLETION, amount=5, unit="working_days"
    )
    deadline = before.get_model("sla", "Deadline").objects.create(
        subject_type="cases.case",
        subject_id=1,
        market_id=nanning_market.pk,
        kind=policy.kind,
        target=Target.COMPLETION,
        policy_id=policy.pk,
        started_at=CREATED - timedelta(days=4),
        due_at=CREATED + timedelta(days=3),
        warn_at=CREATED,
        escalate_at=CREATED + timedelta(days=5),
    )
    reminders = before.get_model("sla", "Reminder").objects
    empty = reminders.create(deadline_id=deadline.pk, level="warning", created_at=CREATED)
    leased_until = timezone.now() + timedelta(minutes=1)
    leased = reminders.create(
        deadline_id=deadline.pk, level="breach", created_at=CREATED, queued_until=leased_until
    )

    migrate_to([("sla", "0016_reminder_lease_never_empty")])

    assert Reminder.objects.get(pk=empty.pk).queued_until == CREATED
    assert Reminder.objects.get(pk=leased.pk).queued_until == leased_until
    with transaction.atomic():  # the search locks what it finds
        assert list(reminders_lease_run_out(now=timezone.now(), batch=10)) == [empty.pk]
