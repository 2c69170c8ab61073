"""Helpers of the provincial platform tests: the simulator on a free port, a published
posting, a client pointed at the simulator. Plain functions and fixtures imported by the test
modules (no conftest: see tests/cases/case_support.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "postings"))

from posting_support import CREDIT_CODE, posting_data, qingxiu_make

from accounts.models import User
from cases.intake import ApplicantGiven
from markets.models import Market
from provincial.adapter import HttpPlatformClient
from provincial.models import OutboundMessage
from provincial.simulator import PlatformSimulator
from workflows.postings.models import Posting
from workflows.postings.services import posting_take_in

__all__ = ["CREDIT_CODE", "posting_data", "qingxiu_make"]

EMPLOYER = ApplicantGiven(
    name="南宁市邕江餐饮有限公司", credit_code=CREDIT_CODE, mobile="13907710001"
)


@pytest.fixture
def simulator(settings: Any) -> Iterator[PlatformSimulator]:
    """The platform, on a free port, and the settings pointing at it."""
    running = PlatformSimulator().start()
    settings.PROVINCIAL_URL = running.url
    settings.PROVINCIAL_TIMEOUT_SECONDS = 2.0
    try:
        yield running
    finally:
        running.stop()


def client_for(simulator: PlatformSimulator, *, timeout: float = 2.0) -> HttpPlatformClient:
    return HttpPlatformClient(base_url=simulator.url, timeout=timeout)


def posting_publish_new(actor: User, market: Market, **overrides: Any) -> Posting:
    return posting_take_in(
        actor=actor,
        market=market,
        employer=EMPLOYER,
        data=posting_data(**overrides),
        publish=True,
    )


def outbox(record_id: int | None = None) -> list[tuple[str, int, int, str]]:
    rows = OutboundMessage.objects.order_by("record_type", "record_id", "sequence")
    if record_id is not None:
        rows = rows.filter(record_id=record_id)
    return [(m.record_type, m.record_id, m.sequence, m.change) for m in rows]


def received_order(simulator: PlatformSimulator) -> dict[tuple[str, int], list[int]]:
    """Per record, the sequence numbers the platform accepted, in the order it accepted them."""
    seen: dict[tuple[str, int], list[int]] = {}
    for message in simulator.received():
        key = (str(message["record_type"]), int(message["record_id"]))
        seen.setdefault(key, []).append(int(message["sequence"]))
    return seen
