"""Issue 11, item 4, end to end: changes of a posting committed in this process are delivered
to the simulated platform by a real Celery worker on a real Redis, in order, once each; while
the platform is down the worker's attempts fail and wait, and the next run after it is back
delivers everything.

Needs the Redis of ``make test`` (REDIS_URL), like tests/sla/test_celery_worker.py.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT
from django.utils import timezone
from provincial_support import posting_publish_new, qingxiu_make, received_order, simulator

from accounts.models import User
from markets.models import Market
from provincial.models import OutboundMessage
from provincial.simulator import PlatformSimulator
from provincial.tasks import outbound_deliver_task
from workflows.postings.services import posting_extend, posting_fill

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sla"))

from worker_support import Worker, needs_redis, workers

pytestmark = [needs_redis, pytest.mark.django_db(transaction=True)]
__all__ = ["simulator"]

DELIVERY_TIMEOUT = 30.0


@pytest.fixture
def worker_start(tmp_path: Path, simulator: PlatformSimulator) -> Iterator[Callable[[], Worker]]:
    env = {"PROVINCIAL_URL": simulator.url, "PROVINCIAL_BACKOFF_SECONDS": "1"}
    with workers(tmp_path, env=env, python_path=[REPO_ROOT]) as start:
        yield start


def _wait_for(done: Callable[[], bool], worker: Worker, what: str) -> None:
    give_up = time.monotonic() + DELIVERY_TIMEOUT
    while time.monotonic() < give_up:
        if done():
            return
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.output()}")
        time.sleep(0.2)
    pytest.fail(f"no {what} within {DELIVERY_TIMEOUT}s:\n{worker.output()}")


def _all_delivered() -> bool:
    statuses = set(OutboundMessage.objects.values_list("status", flat=True))
    return statuses == {OutboundMessage.Status.DELIVERED}


def test_a_worker_delivers_the_changes_in_order_and_catches_up_after_an_outage(
    worker_start: Callable[[], Worker],
    simulator: PlatformSimulator,
    officer: User,
    nanning_market: Market,
    settings: Any,
) -> None:
    qingxiu_make()
    worker = worker_start()
    today = timezone.localdate()  # real time: the worker's clock is the machine's
    posting = posting_publish_new(  # its commit queues the task
        officer,
        nanning_market,
        start_date=(today + timedelta(days=1)).isoformat(),
        end_date=(today + timedelta(days=20)).isoformat(),
    )
    _wait_for(lambda: len(simulator.received()) == 1, worker, "first delivery")

    simulator.set_faults(down=True)
    posting_extend(actor=officer, posting=posting, end_date=today + timedelta(days=40))
    posting_fill(actor=officer, posting=posting)
    _wait_for(
        lambda: OutboundMessage.objects.filter(attempts__gt=0, status="pending").exists(),
        worker,
        "a failed attempt while the platform is down",
    )
    assert len(simulator.received()) == 1

    simulator.heal()
    time.sleep(1.1)  # the backoff (1 s here) runs out; the beat's next run is this one:
    outbound_deliver_task.delay()
    _wait_for(_all_delivered, worker, "delivery after the outage")

    assert received_order(simulator) == {("posting", posting.pk): [1, 2, 3]}
    assert [m["change"] for m in simulator.received()] == ["published", "extended", "filled"]
    assert simulator.state.duplicates == 0
