"""The case-status lookup's brake on guessing (办件进度查询限流).

A reference number and four digits are a weak secret: 10 000 tries find any case. So at most
``FAILURE_LIMIT`` failed lookups are allowed within ``FAILURE_WINDOW``, counted twice: per
client address (one visitor trying many references) and per reference (many addresses trying
one reference). Past either limit the lookup answers "too many attempts, try again in N
minutes" (HTTP 429, ``Retry-After``) without checking anything, not even digits that would
match, until the window ends.

- Atomic: an attempt takes its place in the counters *before* anything is checked, by one
  atomic increment per counter (``cache.add`` starts the window, ``cache.incr`` counts). An
  attempt whose increment passes the limit is refused and gives its place back; a lookup that
  finds the case gives its place back too (a success does not count, and does not reset the
  counter either: a visitor who knows one case cannot use it to wipe out their failures). So
  however many guesses arrive at once, at most ``FAILURE_LIMIT`` of them are ever checked and
  fail within a window (checking first and counting afterwards let 9 to 15 of 40 simultaneous
  guesses through).
- The window is fixed: it starts with the first attempt the counter records and ends
  ``FAILURE_WINDOW`` later, when the cache forgets the counter; the window's end is kept beside
  it, so a refused visitor is told how long to wait.
- The client address is REMOTE_ADDR, as everywhere else in the project (audit.events): a kiosk
  terminal is one address, shared by everyone who stands at it, so the message says how long
  the terminal is locked and points to the counter.
- Counters live in Django's default cache, whose ``add`` and ``incr`` must be atomic: they are
  with the local-memory cache (per process), with Redis (every process), and with the embedded
  default's ``config.cache.LockingFileBasedCache`` (every process on the machine). A cache that
  is cleared forgets them.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache

FAILURE_LIMIT = 5
FAILURE_WINDOW = timedelta(minutes=15)
_PREFIX = "portal:status-lookup:attempts"


@dataclass(frozen=True)
class Attempt:
    """One lookup's place in the counters: ``allowed`` to be checked, or refused for
    ``retry_after`` (until the fullest counter's window ends)."""

    keys: tuple[str, ...]
    allowed: bool
    retry_after: timedelta = timedelta(0)

    @property
    def retry_minutes(self) -> int:
        """The wait in whole minutes, rounded up (at least 1)."""
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))


def _keys(*, client: str | None, reference: str) -> tuple[str, ...]:
    # Hashed: a reference or an IPv6 address is not a safe cache key as it stands.
    def digest(value: str) -> str:
        return hashlib.sha256(value.encode()).hexdigest()[:32]

    return (
        f"{_PREFIX}:client:{digest(client or 'unknown')}",
        f"{_PREFIX}:reference:{digest(reference)}",
    )


def _count_one(key: str, *, now: float) -> int:
    """Add one to the counter ``key`` atomically, starting its window if there is none."""
    timeout = int(FAILURE_WINDOW.total_seconds())
    for _attempt in range(3):
        if cache.add(key, 1, timeout=timeout):  # a new window, and this attempt is its first
            cache.set(f"{key}:ends", now + timeout, timeout=timeout)
            return 1
        try:
            return int(cache.incr(key))
        except ValueError:  # the window ended between add() and incr(): start a new one
            continue
    raise RuntimeError(f"the cache does not keep {key}")  # pragma: no cover


def lookup_attempt_begin(*, client: str | None, reference: str) -> Attempt:
    """Take this attempt's place in the client's and the reference's counters; refused (with
    its places given back) when either counter is past ``FAILURE_LIMIT``."""
    now = time.time()
    keys = _keys(client=client, reference=reference)
    counts = {key: _count_one(key, now=now) for key in keys}
    full = [key for key, count in counts.items() if count > FAILURE_LIMIT]
    if not full:
        return Attempt(keys=keys, allowed=True)
    lookup_attempt_give_back(Attempt(keys=keys, allowed=False))
    ends = cache.get_many([f"{key}:ends" for key in full]).values()
    window = FAILURE_WINDOW.total_seconds()
    wait = max((float(end) - now for end in ends), default=window)
    # Within the window (a racing attempt may have read the clock before the window began).
    return Attempt(
        keys=keys, allowed=False, retry_after=timedelta(seconds=min(max(wait, 1), window))
    )


def lookup_attempt_give_back(attempt: Attempt) -> None:
    """The attempt does not count (it was refused unchecked, or it found the case)."""
    for key in attempt.keys:
        with contextlib.suppress(ValueError):  # the window has ended: nothing to give back
            cache.decr(key)
