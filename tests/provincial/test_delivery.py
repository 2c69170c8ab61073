"""Issue 11, item 4 (outbound delivery against the simulator, faults injected): nothing lost,
nothing doubled, order kept per record, recovery after the platform was down, dead letters
after N failures, a crashed worker's messages taken up after their lease."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from provincial_support import (
    client_for,
    posting_publish_new,
    qingxiu_make,
    received_order,
    simulator,
)

from accounts.models import User
from markets.models import Market
from provincial.adapter import InboundPage, PlatformClient
from provincial.models import OutboundMessage
from provincial.services import _claim, outbound_deliver, outbound_write
from provincial.simulator import PlatformSimulator
from workflows.postings.services import posting_extend, posting_fill

pytestmark = pytest.mark.django_db
__all__ = ["simulator"]

Status = OutboundMessage.Status


@pytest.fixture(autouse=True)
def _world(frozen_time: time_machine.Traveller, nanning_market: Market) -> Iterator[None]:
    qingxiu_make()
    yield


def _messages(records: int, per_record: int) -> None:
    """``per_record`` changes of each of ``records`` records, interleaved as they would be."""
    for sequence in range(per_record):
        for record in range(1, records + 1):
            outbound_write(
                record_type="posting", record_id=record, change=f"c{sequence}", payload={}
            )


def _statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in OutboundMessage.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def test_everything_is_delivered_once_and_in_order_per_record(
    simulator: PlatformSimulator,
) -> None:
    _messages(records=7, per_record=4)

    run = outbound_deliver(client=client_for(simulator), batch=5)

    assert run.delivered == 28 and run.failed == 0
    assert _statuses() == {Status.DELIVERED: 28}
    assert received_order(simulator) == {("posting", r): [1, 2, 3, 4] for r in range(1, 8)}
    assert simulator.state.duplicates == 0 and simulator.state.out_of_order == 0


def test_a_real_posting_change_reaches_the_platform(
    simulator: PlatformSimulator, officer: User, nanning_market: Market
) -> None:
    posting = posting_publish_new(officer, nanning_market)
    posting_extend(actor=officer, posting=posting, end_date="2026-04-10")
    posting_fill(actor=officer, posting=posting)

    outbound_deliver()

    assert [m["change"] for m in simulator.received()] == ["published", "extended", "filled"]
    assert simulator.received()[-1]["payload"]["status"] == "filled"


def test_after_the_platform_was_down_everything_arrives_in_order(
    simulator: PlatformSimulator, frozen_time: time_machine.Traveller, settings: Any
) -> None:
    settings.PROVINCIAL_MAX_ATTEMPTS = 20
    _messages(records=3, per_record=3)
    simulator.set_faults(down=True)

    for _ in range(4):  # the beat's runs while it is down: each fails, backing off
        run = outbound_deliver(client=client_for(simulator))
        assert run.unavailable and run.delivered == 0
        frozen_time.shift(timedelta(hours=1))

    assert _statuses() == {Status.PENDING: 9}
    assert set(
        OutboundMessage.objects.filter(attempts__gt=0).values_list("sequence", flat=True)
    ) == {1}
    simulator.heal()
    outbound_deliver(client=client_for(simulator))

    assert _statuses() == {Status.DELIVERED: 9}
    assert received_order(simulator) == {("posting", r): [1, 2, 3] for r in range(1, 4)}


def test_500s_and_timeouts_are_retried_with_backoff_and_nothing_is_doubled(
    simulator: PlatformSimulator, frozen_time: time_machine.Traveller, settings: Any
) -> None:
    settings.PROVINCIAL_BACKOFF_SECONDS = 30
    _messages(records=2, per_record=2)
    simulator.set_faults(fail_next=1)

    first = outbound_deliver(client=client_for(simulator))

    assert first.failed == 2 and first.delivered == 0
    waiting = OutboundMessage.objects.get(record_id=1, sequence=1)
    assert waiting.status == Status.PENDING and waiting.attempts == 1
    assert waiting.next_attempt_at == waiting.created_at + timedelta(seconds=30)
    assert "HTTP 500" in waiting.last_error
    # Not due yet: nothing is sent.
    assert outbound_deliver(client=client_for(simulator)).batches == 0

    frozen_time.shift(timedelta(seconds=31))
    simulator.set_faults(timeout_next=1, delay=1.5)
    second = outbound_deliver(client=client_for(simulator, timeout=0.5))
    assert second.failed == 2
    assert OutboundMessage.objects.get(record_id=1, sequence=1).next_attempt_at == (
        waiting.created_at + timedelta(seconds=31 + 60)
    )

    frozen_time.shift(timedelta(seconds=61))
    outbound_deliver(client=client_for(simulator))

    # The timed-out request may have reached the platform: the redelivery is a duplicate there,
    # accepted once.
    assert _statuses() == {Status.DELIVERED: 4}
    assert received_order(simulator) == {("posting", 1): [1, 2], ("posting", 2): [1, 2]}


def test_after_n_failures_a_message_is_a_dead_letter_holding_its_record_back(
    simulator: PlatformSimulator, frozen_time: time_machine.Traveller, settings: Any
) -> None:
    settings.PROVINCIAL_MAX_ATTEMPTS = 3
    _messages(records=2, per_record=2)
    simulator.set_faults(down=True)

    for _ in range(3):
        outbound_deliver(client=client_for(simulator))
        frozen_time.shift(timedelta(hours=2))

    dead = OutboundMessage.objects.filter(status=Status.DEAD)
    assert sorted(dead.values_list("record_id", "sequence")) == [(1, 1), (2, 1)]
    assert all("HTTP 503" in m.last_error for m in dead)
    simulator.heal()
    assert outbound_deliver(client=client_for(simulator)).delivered == 0  # held back
    assert _statuses() == {Status.DEAD: 2, Status.PENDING: 2}


def test_a_crashed_workers_messages_are_taken_up_after_the_lease(
    simulator: PlatformSimulator, frozen_time: time_machine.Traveller, settings: Any
) -> None:
    from django.utils import timezone

    settings.PROVINCIAL_LEASE_SECONDS = 120
    _messages(records=2, per_record=1)
    claimed = _claim(now=timezone.now(), batch=10)  # a worker took them, then died
    assert len(claimed) == 2

    assert outbound_deliver(client=client_for(simulator)).batches == 0  # still held
    frozen_time.shift(timedelta(seconds=121))
    run = outbound_deliver(client=client_for(simulator))

    assert run.delivered == 2
    assert _statuses() == {Status.DELIVERED: 2}


def test_no_platform_configured_sends_nothing(settings: Any) -> None:
    settings.PROVINCIAL_URL = ""
    _messages(records=1, per_record=1)

    assert outbound_deliver().batches == 0
    assert _statuses() == {Status.PENDING: 1}


class RefusingOne(PlatformClient):
    """A platform that refuses one message and takes the others."""

    def __init__(self, refused_key: str) -> None:
        self.refused_key = refused_key
        self.batches: list[list[str]] = []

    def deliver(self, messages: Sequence[Mapping[str, Any]]) -> dict[str, str]:
        keys = [str(m["idempotency_key"]) for m in messages]
        self.batches.append(keys)
        return {key: "bad payload" if key == self.refused_key else "" for key in keys}

    def pull(self, *, cursor: str, limit: int) -> InboundPage:
        return InboundPage(items=[], next_cursor=cursor)


def test_a_message_the_platform_refuses_fails_alone_and_holds_back_only_its_record() -> None:
    _messages(records=2, per_record=2)
    client = RefusingOne("lgsc:posting:1:1")

    run = outbound_deliver(client=client)

    assert (run.delivered, run.failed) == (2, 1)
    refused = OutboundMessage.objects.get(record_id=1, sequence=1)
    assert (refused.status, refused.attempts, refused.last_error) == (
        Status.PENDING,
        1,
        "bad payload",
    )
    assert OutboundMessage.objects.get(record_id=1, sequence=2).attempts == 0
    assert set(OutboundMessage.objects.filter(record_id=2).values_list("status", flat=True)) == {
        Status.DELIVERED
    }
    assert all("lgsc:posting:1:2" not in batch for batch in client.batches)
