"""The read replica's rules (config/db.py, readreplica), on both databases, with a replica named
but never reached: who reads where, writes and migrations on the primary, the health checked at
most once per interval, a session that wrote marked to read from the primary. The real streaming
replica: tests/config/test_read_replica_streaming.py."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import pytest
from django.db import connections
from django.test import Client, RequestFactory

from accounts.models import User
from config import db as replica_db
from config.db import REPLICA, ReplicaRouter, ReplicaStickinessMiddleware
from markets.models import Market
from readreplica import reading_from_primary, reading_from_replica

Clients = Callable[[User], Client]
_labels = count(1)

# --- The router's rules, with a replica named but not reached (both databases) ---------------


@contextlib.contextmanager
def replica_alias(config: dict[str, Any] | None) -> Iterator[None]:
    """The ``replica`` alias as ``config`` says (None: none) within the block, whatever the
    environment configured (``DATABASE_REPLICA_URL`` makes a test mirror); put back after."""
    made_here: Any = connections._connections  # type: ignore[attr-defined]  # this thread's
    saved = connections.settings.pop(REPLICA, None)
    saved_connection = getattr(made_here, REPLICA, None)
    if saved_connection is not None:
        delattr(made_here, REPLICA)
    if config is not None:
        connections.settings[REPLICA] = config
    replica_db.replica_health_forget()
    try:
        yield
    finally:
        connections.settings.pop(REPLICA, None)
        made = getattr(made_here, REPLICA, None)
        if made is not None:
            made.close()
            delattr(made_here, REPLICA)
        if saved is not None:
            connections.settings[REPLICA] = saved
        if saved_connection is not None:
            connections[REPLICA] = saved_connection
        replica_db.replica_health_forget()


@pytest.fixture
def replica_named() -> Iterator[None]:
    """A ``replica`` alias that is never connected to (the rules below need no server)."""
    with replica_alias({**connections["default"].settings_dict, "NAME": "nowhere"}):
        yield


def test_without_a_replica_the_router_has_no_opinion() -> None:
    router = ReplicaRouter()
    with replica_alias(None), reading_from_replica():
        assert router.db_for_read(Market) is None
        assert router.db_for_write(Market) is None
        assert replica_db.replica_lag_seconds() is None


def test_a_test_mirror_of_the_primary_is_no_replica(replica_named: None) -> None:
    assert replica_db.replica_configured()
    # As Django's test runner points a mirror (TEST = {"MIRROR": "default"}) at the primary.
    connections[REPLICA].settings_dict = connections["default"].settings_dict
    assert not replica_db.replica_configured()


def test_writes_and_migrations_go_to_the_primary_and_unmarked_reads_too(
    replica_named: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replica_db, "replica_usable", lambda: True)
    router = ReplicaRouter()
    assert router.db_for_read(Market) == "default"
    with reading_from_replica():
        assert router.db_for_read(Market) == REPLICA
        assert router.db_for_write(Market) == "default"
        # The sessions table: always the primary (a sign-out counts at once).
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) == "default"
        with reading_from_primary():
            assert router.db_for_read(Market) == "default"
    assert router.allow_migrate(REPLICA, "markets") is False
    assert router.allow_migrate("default", "markets") is None


def test_the_replicas_health_is_checked_at_most_once_per_interval(
    replica_named: None, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.LGSC_REPLICA_CHECK_SECONDS = 2.0
    settings.LGSC_REPLICA_MAX_LAG_SECONDS = 5.0
    lags = iter([0.5, 60.0])
    measured: list[float] = []

    def lag() -> float:
        measured.append(next(lags))
        return measured[-1]

    monkeypatch.setattr(replica_db, "replica_lag_seconds", lag)
    assert replica_db.replica_usable(now=100.0)
    assert replica_db.replica_usable(now=101.9)  # cached: not measured again
    assert measured == [0.5]
    assert not replica_db.replica_usable(now=102.0)  # measured: 60 s behind
    assert measured == [0.5, 60.0]


def test_a_request_that_writes_marks_its_session_to_read_from_the_primary(
    replica_named: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LGSC_REPLICA_STICKY_SECONDS = 7
    monkeypatch.setattr(replica_db, "replica_usable", lambda: True)
    factory = RequestFactory()
    seen: list[bool] = []

    def view(request: Any) -> Any:
        from django.http import HttpResponse

        router = ReplicaRouter()
        seen.append(router.db_for_read(Market) == REPLICA)
        if request.GET.get("write"):
            router.db_for_write(Market)  # as the ORM asks before writing
            seen.append(router.db_for_read(Market) == REPLICA)
        return HttpResponse()

    middleware = ReplicaStickinessMiddleware(reading_from_replica()(view))
    quiet = middleware(factory.get("/"))
    assert "lgsc_wrote" not in quiet.cookies
    wrote = middleware(factory.get("/", {"write": "1"}))
    posted = middleware(factory.post("/"))
    for response in (wrote, posted):
        assert response.cookies["lgsc_wrote"]["max-age"] == 7
        assert response.cookies["lgsc_wrote"]["httponly"]
    request = factory.get("/")
    request.COOKIES["lgsc_wrote"] = wrote.cookies["lgsc_wrote"].value
    middleware(request)
    forged = factory.get("/")
    forged.COOKIES["lgsc_wrote"] = "1"
    middleware(forged)
    # Marked reads: replica; replica until the request wrote, then the primary; replica (a
    # POST: its next requests are marked); the primary (marked); replica (a forged mark).
    assert seen == [True, True, False, True, False, True]


def test_production_names_the_replica_from_the_environment() -> None:
    from test_production_settings import manage

    shown = (
        "from django.conf import settings; r = settings.DATABASES['replica']; "
        "print(r['HOST'], r['PORT'], r['NAME'], r['OPTIONS']['connect_timeout'], "
        "r['CONN_HEALTH_CHECKS'], settings.DATABASE_ROUTERS)"
    )
    url = "postgres://lgsc:secret@db-replica:5433/lgsc"
    result = manage("shell", "-c", shown, changes={"DATABASE_REPLICA_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "db-replica", "5433", "lgsc", "2", "True", "['config.db.ReplicaRouter']",
    ]  # fmt: skip
    without = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(list(settings.DATABASES))",
        changes={"DATABASE_REPLICA_URL": None},
    )
    assert without.stdout.splitlines()[-1] == "['default']"
