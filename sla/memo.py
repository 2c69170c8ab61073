"""Per-process memory of what every intake reads and changes almost never: the working-day
calendar's overrides and the policies in force (the clock's), and each user's rights
(``cases.permissions``, table ``rights``).

Each intake used to read the calendar overrides four times and the policies once (issue 14:
``deadline_start`` was 40 % of an intake). Now each process keeps what it read, tagged with a
*version* kept in the shared cache (Django's cache: the file cache of the embedded installation,
Redis in production). A change of a calendar day, a calendar year or a policy gives its table a
new version, at once and again when its transaction commits, so every process reads afresh on its
next use:

- at once, so the process that made the change sees it inside its own transaction;
- on commit, so a process that read the old rows between the first bump and the commit (and
  kept them under the new version) does not keep them.

A version missing from the cache (cleared, evicted, a fresh cache) is replaced by a new one, so
the memory is read afresh then too. And nothing is kept longer than ``MAX_AGE`` whatever the
versions say: a change that bypassed the model signals (raw SQL, ``QuerySet.update``) shows
within that time.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

MAX_AGE = 60.0  # seconds
# Beyond this many things kept, those older than MAX_AGE (of no use any more) are let go, so
# that keys that are never asked again (yesterday's rights) do not pile up.
MAX_KEPT = 10_000
CALENDAR = "calendar"
POLICIES = "policies"

_lock = threading.Lock()
_kept: dict[tuple[str, Hashable], tuple[str, float, object]] = {}


def _key(table: str) -> str:
    return f"sla:memo:{table}:version"


def version(table: str) -> str:
    """The current version of ``table``'s rows in the shared cache (a new one when none)."""
    current = cache.get(_key(table))
    if current is None:
        cache.add(_key(table), uuid.uuid4().hex, timeout=None)
        current = cache.get(_key(table)) or ""
    return str(current)


def remembered(table: str, key: Hashable, read: Callable[[], T]) -> T:
    """``read()``'s value for ``key``, from this process's memory while ``table``'s version is
    the one it was read under and it is younger than MAX_AGE."""
    tag = version(table)
    now = time.monotonic()
    with _lock:
        kept = _kept.get((table, key))
    if kept is not None and kept[0] == tag and now - kept[1] < MAX_AGE:
        return kept[2]  # type: ignore[return-value]
    value = read()
    with _lock:
        _kept[(table, key)] = (tag, now, value)
        if len(_kept) > MAX_KEPT:
            for old in [k for k, (_tag, at, _value) in _kept.items() if now - at >= MAX_AGE]:
                del _kept[old]
    return value


def _bump(table: str) -> None:
    cache.set(_key(table), uuid.uuid4().hex, timeout=None)


def changed(table: str) -> None:
    """``table``'s rows changed: a new version now and another when the transaction commits."""
    _bump(table)
    transaction.on_commit(lambda: _bump(table))


def renewed_by(table: str, *models: type[Model]) -> None:
    """``table`` is renewed (``changed``) whenever a row of one of ``models`` is saved or
    deleted through the ORM. Called once per table by an app's ``ready``."""

    def renew(**kwargs: Any) -> None:
        changed(table)

    for model in models:
        uid = f"sla.memo.{table}.{model._meta.label}"
        post_save.connect(renew, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(renew, sender=model, weak=False, dispatch_uid=f"{uid}.delete")


def forget() -> None:
    """Empty this process's memory (tests that change rows behind the signals' back)."""
    with _lock:
        _kept.clear()
