"""The kiosk lookup's brake holds under simultaneous guesses (issue 13, item 15): however many
wrong guesses arrive at once, from one terminal or against one reference, at most
``FAILURE_LIMIT`` are checked; the others are told how many minutes to wait."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connections
from django.test import Client, override_settings
from portal_support import html

from config.cache import LockingFileBasedCache
from markets.models import Market
from portal import selectors, throttle

GUESSES = 40
TERMINAL = "10.0.9.9"


def lookup(market: Market, reference: str, digits: str, ip: str = TERMINAL) -> Any:
    client = Client()
    client.cookies.load({"django_language": "en"})
    return client.post(
        f"/portal/{market.pk}/kiosk/status/",
        {"reference": reference, "mobile_last_four": digits},
        REMOTE_ADDR=ip,
    )


@pytest.fixture(params=["locmem", "file", "redis"])
def shared_cache(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The test settings' local-memory cache, the embedded default's file cache, or Redis
    (production; when REDIS_URL names one, as `make test` does)."""
    if request.param == "locmem":
        yield request.param
        return
    if request.param == "file":
        config = {"BACKEND": "config.cache.LockingFileBasedCache", "LOCATION": tmp_path}
    else:
        if not os.environ.get("REDIS_URL"):
            pytest.skip("REDIS_URL is not set")
        config = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Its own keys, which expire with the window: never clear() a Redis that may be
            # the Celery broker of the test run too.
            "KEY_PREFIX": f"test-status-lookup-{uuid.uuid4().hex}",
        }
    with override_settings(CACHES={"default": config}):
        yield request.param


def race(market: Market, requests: list[dict[str, str]], monkeypatch: Any) -> list[Any]:
    """Send every request at once, each from its own thread, and hold every lookup that gets
    past the brake until every request has been either refused or let through: the widest
    overlap there can be between counting and checking."""
    lock = threading.Lock()
    decided = {"let_through": 0, "refused": 0}
    everyone_decided = threading.Event()
    start = threading.Barrier(len(requests))
    real_lookup = selectors.case_status_lookup

    def note(outcome: str) -> None:
        with lock:
            decided[outcome] += 1
            if sum(decided.values()) == len(requests):
                everyone_decided.set()

    def held_lookup(**kwargs: Any) -> Any:
        note("let_through")
        everyone_decided.wait(timeout=60)  # a safety net, not a timing: set by the last one
        return real_lookup(**kwargs)

    monkeypatch.setattr(selectors, "case_status_lookup", held_lookup)
    responses: list[Any] = [None] * len(requests)

    def guess(index: int) -> None:
        start.wait(timeout=60)
        try:
            response = lookup(market, **requests[index])
            if response.status_code == 429:
                note("refused")
            responses[index] = response
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.django_db(transaction=True)
def test_forty_simultaneous_wrong_guesses_from_one_terminal_get_at_most_five_answers(
    nanning_market: Market, shared_cache: str, monkeypatch: Any
) -> None:
    requests = [
        {"reference": f"450102-2026-{700000 + n:06d}", "digits": "1111"} for n in range(GUESSES)
    ]

    responses = race(nanning_market, requests, monkeypatch)

    answered = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code == 429]
    assert len(answered) == throttle.FAILURE_LIMIT
    assert len(refused) == GUESSES - throttle.FAILURE_LIMIT
    assert all("No case matches this reference number" in html(r) for r in answered)
    assert all("Too many attempts at this terminal" in html(r) for r in refused)
    assert all(0 < int(r["Retry-After"]) <= 15 * 60 for r in refused)


@pytest.mark.django_db(transaction=True)
def test_forty_simultaneous_wrong_guesses_at_one_reference_get_at_most_five_answers(
    nanning_market: Market, shared_cache: str, monkeypatch: Any
) -> None:
    requests = [
        {"reference": "450102-2026-000123", "digits": f"{n:04d}", "ip": f"10.1.0.{n}"}
        for n in range(GUESSES)
    ]

    responses = race(nanning_market, requests, monkeypatch)

    assert sum(r.status_code == 200 for r in responses) == throttle.FAILURE_LIMIT
    assert sum(r.status_code == 429 for r in responses) == GUESSES - throttle.FAILURE_LIMIT


@pytest.mark.django_db
def test_a_locked_terminal_is_told_how_many_minutes_to_wait(
    frozen_time: time_machine.Traveller, nanning_market: Market
) -> None:
    for n in range(throttle.FAILURE_LIMIT):
        lookup(nanning_market, f"450102-2026-{800000 + n}", "1111")
    frozen_time.shift(timedelta(minutes=11, seconds=30))

    refused = lookup(nanning_market, "450102-2026-800009", "1111")

    assert refused.status_code == 429
    assert refused["Retry-After"] == str(3 * 60 + 30)
    assert "Please try again in 4 minutes, or ask at the counter." in html(refused)
    assert refused.context["retry_minutes"] == 4


def test_the_file_cache_counts_atomically_and_keeps_the_expiry(tmp_path: Path) -> None:
    with time_machine.travel(0, tick=False) as traveller:
        file_cache = LockingFileBasedCache(str(tmp_path), {})
        assert file_cache.add("n", 0, timeout=900)
        assert not file_cache.add("n", 5, timeout=900)

        threads = [
            threading.Thread(target=lambda: [file_cache.incr("n") for _ in range(25)])
            for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert file_cache.get("n") == 200

        traveller.shift(timedelta(minutes=14))
        assert file_cache.decr("n") == 199  # still the window that began 14 minutes ago
        traveller.shift(timedelta(minutes=1, seconds=1))
        assert file_cache.get("n") is None
        with pytest.raises(ValueError, match="not found"):
            file_cache.incr("n")
