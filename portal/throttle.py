"""The case-status lookup's brake on guessing (办件进度查询限流).

A reference number and four digits are a weak secret: 10 000 tries find any case. So at most
``FAILURE_LIMIT`` failed lookups are allowed within ``FAILURE_WINDOW``, counted twice: per
client address (one visitor trying many references) and per reference (many addresses trying
one reference). Past either limit the lookup answers "too many attempts" (HTTP 429) without
checking anything, not even digits that would match, until the window ends.

- The window is fixed: it starts with the first failure that the counter records and ends
  ``FAILURE_WINDOW`` later, when the cache forgets the counter (``cache.add`` with a timeout,
  then ``cache.incr``). A success does not reset a counter, so a visitor who knows one case
  cannot use it to wipe out their failures.
- The client address is REMOTE_ADDR, as everywhere else in the project (audit.events): behind a
  reverse proxy or NAT every visitor shares one, and so does everyone at one kiosk terminal.
- Counters live in Django's default cache: per process with the local-memory cache, shared by
  every process with Redis or the embedded file cache. A cache that is cleared forgets them.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.cache import cache

FAILURE_LIMIT = 5
FAILURE_WINDOW = timedelta(minutes=15)
_PREFIX = "portal:status-lookup:failures"


def _keys(*, client: str | None, reference: str) -> list[str]:
    # Hashed: a reference or an IPv6 address is not a safe cache key as it stands.
    def digest(value: str) -> str:
        return hashlib.sha256(value.encode()).hexdigest()[:32]

    return [
        f"{_PREFIX}:client:{digest(client or 'unknown')}",
        f"{_PREFIX}:reference:{digest(reference)}",
    ]


def lookup_blocked(*, client: str | None, reference: str) -> bool:
    """True when this client or this reference has used up its failed lookups."""
    counts = cache.get_many(_keys(client=client, reference=reference))
    return any(count >= FAILURE_LIMIT for count in counts.values())


def lookup_failure_record(*, client: str | None, reference: str) -> None:
    """Count one failed lookup against the client and against the reference."""
    timeout = int(FAILURE_WINDOW.total_seconds())
    for key in _keys(client=client, reference=reference):
        cache.add(key, 0, timeout=timeout)  # starts the window; a no-op inside one
        try:
            cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=timeout)
