"""The read replica: where each read goes, how far behind the replica is, read-your-writes.

``DATABASE_REPLICA_URL`` names a PostgreSQL hot standby streaming from the primary
(docs/deploy/replica.md); it becomes ``DATABASES["replica"]``. Without it there is no replica
and this router changes nothing.

- Writes always go to the primary; migrations run only there.
- Reads go to the primary unless the work was marked ``readreplica.reading_from_replica()``
  (the statistics pages, the staff's search, the event log's search, exports, the big
  screen's figures). Marked reads go to the replica, except
  * inside ``transaction.atomic`` on the primary (the transaction may have written),
  * for a session that wrote within ``LGSC_REPLICA_STICKY_SECONDS`` (read-your-writes: the
    ``ReplicaStickinessMiddleware`` below marks it with a signed cookie),
  * for the sessions table (sign-outs take effect at once),
  * when the replica cannot be reached or lags more than ``LGSC_REPLICA_MAX_LAG_SECONDS``
    behind the primary; that is checked at most once per ``LGSC_REPLICA_CHECK_SECONDS`` per
    process, so a replica that is down costs one failed connection per interval.
- ``replica_lag_seconds()`` measures the lag (for the metrics and for the check above).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signing import BadSignature
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

from readreplica import (
    WriteNote,
    noting_writes,
    reading_from_primary,
    replica_read_noted,
    replica_wanted,
    write_noted,
)

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Apps whose rows are read from the primary even in marked work.
PRIMARY_ONLY_APPS = frozenset({"sessions"})
STICKY_COOKIE = "lgsc_wrote"
STICKY_SALT = "config.db.sticky"


def replica_configured() -> bool:
    """True when ``DATABASES["replica"]`` exists and is another database than the primary's
    (a test mirror of ``default``, which Django points at the primary's test database, is none)."""
    if REPLICA not in connections.settings:
        return False
    replica = connections[REPLICA].settings_dict
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    return any(replica.get(key) != primary.get(key) for key in ("HOST", "PORT", "NAME"))


# --- Lag -----------------------------------------------------------------------------------

# Where the primary has written its WAL to (with synchronous_commit off, the last commits may
# not be written yet: the replica cannot have them either).
_PRIMARY_LSN = "SELECT pg_current_wal_lsn()"
# On the replica: 0 when it has replayed up to the primary's LSN; else the age of the last
# transaction it replayed. After an idle while that age is the idle time although the new write
# is replayed milliseconds later: ``replica_lag_seconds`` looks again for a moment before
# taking the age for the lag.
_REPLICA_LAG = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_replay_lsn() >= %s::pg_lsn THEN 0.0
            ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()),
                          'Infinity')::float8
       END
"""


# How long a replica behind the primary's position is given to reach it before the age of its
# last replayed transaction counts as its lag (a streaming standby replays in milliseconds).
CATCH_UP_SECONDS = 0.25
_CATCH_UP_POLL_SECONDS = 0.01


def replica_lag_seconds() -> float | None:
    """How many seconds the replica is behind the primary: 0.0 when it has replayed all the
    primary has written; when it has not, the time it took to, if it does within
    ``CATCH_UP_SECONDS``, else the age of the last transaction it replayed. None when there is
    no replica, it cannot be reached or it is not a standby (promoted). Two small queries, one
    on each server, and a few more on the replica while it catches up; not cached."""
    if not replica_configured():
        return None
    replica = connections[REPLICA]
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(_PRIMARY_LSN)
            (primary_lsn,) = cursor.fetchone()
        started = time.monotonic()
        waited = False
        with replica.cursor() as cursor:
            while True:
                cursor.execute(_REPLICA_LAG, [primary_lsn])
                in_recovery, lag = cursor.fetchone()
                if not in_recovery or lag == 0 or time.monotonic() - started >= CATCH_UP_SECONDS:
                    break
                time.sleep(_CATCH_UP_POLL_SECONDS)
                waited = True
        if waited and lag == 0:
            lag = time.monotonic() - started  # caught up while looked at: at most this far behind
    except DatabaseError as error:
        logger.warning("read replica unavailable: %s", error)
        _close_quietly(REPLICA)
        return None
    if not in_recovery:
        logger.warning("read replica is not in recovery (promoted?): not used")
        return None
    return max(float(lag), 0.0)


def _close_quietly(alias: str) -> None:
    with contextlib.suppress(DatabaseError):
        connections[alias].close()


@dataclass
class _Health:
    checked_at: float = float("-inf")
    usable: bool = False
    lag: float | None = None


_health = _Health()
_health_lock = threading.Lock()


def replica_usable(*, now: float | None = None) -> bool:
    """Whether marked reads may go to the replica now: reachable and no more than
    ``LGSC_REPLICA_MAX_LAG_SECONDS`` behind. Checked at most every
    ``LGSC_REPLICA_CHECK_SECONDS`` per process."""
    now = time.monotonic() if now is None else now
    if now - _health.checked_at < settings.LGSC_REPLICA_CHECK_SECONDS:
        return _health.usable
    with _health_lock:
        if now - _health.checked_at >= settings.LGSC_REPLICA_CHECK_SECONDS:
            lag = replica_lag_seconds()
            usable = lag is not None and lag <= settings.LGSC_REPLICA_MAX_LAG_SECONDS
            if usable != _health.usable:
                logger.info("read replica %s (lag %s s)", "in use" if usable else "not used", lag)
            _health.lag, _health.usable, _health.checked_at = lag, usable, now
    return _health.usable


def _replica_well_now() -> bool:
    """The replica's check made now, whenever the last one was (after a failed read)."""
    replica_health_forget()
    return replica_usable()


def replica_health_forget() -> None:
    """The next marked read checks the replica again (tests; after a failover)."""
    with _health_lock:
        _health.checked_at = float("-inf")


# --- The router ----------------------------------------------------------------------------


class ReplicaRouter:
    """``DATABASE_ROUTERS``: see the module's docstring. Without a replica it has no opinion."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not replica_configured():
            return None
        if (
            replica_wanted()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and replica_usable()
        ):
            replica_read_noted()
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        if model._meta.app_label not in PRIMARY_ONLY_APPS:
            write_noted()
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: a row read from either relates to the other.
        both = {obj1._state.db, obj2._state.db}
        if REPLICA in both and both <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


# --- Read-your-writes ----------------------------------------------------------------------


class ReplicaStickinessMiddleware:
    """A session that wrote (a POST, PUT, PATCH or DELETE, or any write the router saw, but for
    the session's own row) reads everything from the primary for ``LGSC_REPLICA_STICKY_SECONDS``
    after: a signed, time-stamped cookie says when. No replica, nothing done.

    And a read that failed on the replica is answered from the primary: a GET (or HEAD) that
    read from the replica, wrote nothing and ended in a server error while the replica now
    fails its check (gone since the last one, which comes at most every
    ``LGSC_REPLICA_CHECK_SECONDS``) is run again with every read on the primary, and the
    replica is not read until a check finds it well again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        sticky = settings.LGSC_REPLICA_STICKY_SECONDS
        try:
            wrote_lately = request.get_signed_cookie(
                STICKY_COOKIE, default=None, salt=STICKY_SALT, max_age=sticky
            )
        except BadSignature:
            wrote_lately = None
        note = WriteNote()
        with reading_from_primary(wrote_lately is not None), noting_writes(note):
            response = self.get_response(request)
        if (
            response.status_code >= 500
            and note.read_replica
            and not note.wrote  # a GET that wrote something (an audit event) is not run twice
            and request.method in ("GET", "HEAD")
            and not _replica_well_now()
        ):
            logger.warning("read replica failed during %s: answered from the primary", request.path)
            with reading_from_primary(), noting_writes(note):
                response = self.get_response(request)
        if note.wrote or request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            response.set_signed_cookie(
                STICKY_COOKIE,
                "1",
                salt=STICKY_SALT,
                max_age=sticky,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
