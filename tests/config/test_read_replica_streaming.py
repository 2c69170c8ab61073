"""The read replica (config/db.py, readreplica) against a real streaming replica: marked reads
(the event log's search, the statistics, the search box, the big screen, the export task) go to
it, writes to the primary; a session that wrote reads its write at once; the primary answers
when the replica is down or lags too far; the lag, measured.

The replica is ``pg_basebackup -R`` of the test cluster (as the replication role that
scripts/test-services makes, ``LGSC_TEST_REPLICATION_URL``), started on a free loopback port and
streaming Django's test database as the tests write it (committed: transactional tests). Routing
is proved by pausing replay (``pg_wal_replay_pause()``): a row written then is on the primary and
not yet on the replica. PostgreSQL only: the SQLite run skips these tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import ID_NUMBERS, case_make
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from test_read_replica import replica_alias

from accounts.models import User
from audit.models import AuditEvent
from config import db as replica_db
from config.db import REPLICA
from markets.models import Market
from readreplica import reading_from_replica

# Its module's fixtures made once: the whole file in one test process (scripts/test-all).
pytestmark = pytest.mark.xdist_group("replica-streaming")

Clients = Callable[[User], Client]
_labels = count(1)

# --- A real streaming replica (PostgreSQL) ----------------------------------------------------

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="streams a PostgreSQL hot standby of the test cluster: PostgreSQL only",
)


def _pg_bin() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class StreamingReplica:
    """A hot standby of the test cluster in a temporary directory, driven with pg_ctl as the
    ``postgres`` OS user when the tests run as root (PostgreSQL refuses root)."""

    def __init__(self, pg_bin: Path, replication_url: str) -> None:
        self.pg_bin = pg_bin
        self.root = Path(tempfile.mkdtemp(prefix="lgsc-replica-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.socket.mkdir()
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.socket, "postgres", "postgres")
        self._run(
            "pg_basebackup",
            "-d",
            replication_url,
            "-D",
            str(self.data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# --- the read replica of tests/config/test_read_replica.py ---\n"
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.socket}'\nhot_standby = on\n"
            )
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.pg_bin / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60, cwd="/")  # noqa: S603

    def start(self) -> None:
        log = str(self.root / "replica.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", "30", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")

    def superuser(self) -> psycopg.Connection[Any]:
        """The replica's ``postgres`` over its own socket (initdb's trust for local sockets)."""
        return psycopg.connect(
            host=str(self.socket), port=self.port, user="postgres", dbname="postgres",
            autocommit=True,
        )  # fmt: skip

    def replay_pause(self) -> None:
        with self.superuser() as su:
            su.execute("SELECT pg_wal_replay_pause()")
            deadline = time.monotonic() + 10
            while su.execute("SELECT pg_get_wal_replay_pause_state()").fetchone() != ("paused",):
                assert time.monotonic() < deadline, "replay did not pause"
                time.sleep(0.05)

    def replay_resume(self) -> None:
        with self.superuser() as su:
            su.execute("SELECT pg_wal_replay_resume()")

    def caught_up(self, timeout: float = 15.0) -> None:
        """Wait until the replica has replayed all the primary has written so far."""
        _wal_flushed()
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            (lsn,) = cursor.fetchone()
        deadline = time.monotonic() + timeout
        with self.superuser() as su:
            while True:
                row = su.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
                if row.fetchone() == (True,):
                    return
                assert time.monotonic() < deadline, "the replica did not catch up"
                time.sleep(0.05)

    def shows(self, label: str, timeout: float = 15.0) -> None:
        """Wait until the event labelled ``label`` can be read on the replica itself (through
        the ``replica`` alias, as the pages read it); on a time-out, say where replay stands."""
        deadline = time.monotonic() + timeout
        while not AuditEvent.objects.using(REPLICA).filter(actor_label=label).exists():
            if time.monotonic() > deadline:
                with self.superuser() as su:
                    state = su.execute(
                        "SELECT pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn(),"
                        " pg_get_wal_replay_pause_state()"
                    ).fetchone()
                on_primary = AuditEvent.objects.using("default").filter(actor_label=label)
                pytest.fail(
                    f"{label} not on the replica after {timeout} s (received, replayed, pause:"
                    f" {state}; on the primary: {on_primary.count()})"
                )
            time.sleep(0.05)

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _wal_flushed() -> None:
    """The test cluster commits asynchronously: a commit that forces a flush writes out all the
    WAL before it, then the primary's write position counts every commit so far. Only a
    transaction that wrote WAL flushes at its commit (one that just took a transaction id
    does not): a temporary table's catalog rows are WAL."""
    with transaction.atomic(), connections["default"].cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = on")
        cursor.execute("CREATE TEMPORARY TABLE lgsc_wal_flushed () ON COMMIT DROP")


@pytest.fixture(scope="module")
def streaming_replica(django_db_setup: None, django_db_blocker: Any) -> Iterator[StreamingReplica]:
    replication_url = os.environ.get("LGSC_TEST_REPLICATION_URL", "")
    pg_bin = _pg_bin()
    if not replication_url or pg_bin is None:
        pytest.skip("needs LGSC_TEST_REPLICATION_URL (scripts/test-services) and pg_basebackup")
    with django_db_blocker.unblock():
        replica = StreamingReplica(pg_bin, replication_url)
    # The ``replica`` alias: the test database on the streaming replica. A test mirror of the
    # primary to Django's test cases (no flush of a read-only database after each test); the
    # router only asks whether it is another database than the primary's, and it is.
    primary = connections["default"].settings_dict
    alias = {
        **primary,
        "HOST": "127.0.0.1",
        "PORT": replica.port,
        "OPTIONS": {**primary.get("OPTIONS", {}), "connect_timeout": 2},
        "TEST": {"MIRROR": "default"},
    }
    try:
        with replica_alias(alias):
            yield replica
    finally:
        replica.remove()


@pytest.fixture
def replica(
    streaming_replica: StreamingReplica, transactional_db: None, settings: Any
) -> Iterator[StreamingReplica]:
    settings.LGSC_REPLICA_CHECK_SECONDS = 0  # each read checks: the tests change the replica
    settings.LGSC_REPLICA_MAX_LAG_SECONDS = 3600
    replica_db.replica_health_forget()
    streaming_replica.caught_up()
    try:
        yield streaming_replica
    finally:
        streaming_replica.replay_resume()
        replica_db.replica_health_forget()


def _event(market: Market) -> str:
    """A new event of ``market`` on the primary; its actor label, to find it by."""
    label = f"replica-proof-{next(_labels)}"
    AuditEvent.objects.create(
        occurred_at=timezone.now(),
        sequence=next(_labels),
        action="case.note_added",
        actor_label=label,
        target_type="cases.case",
        target_id="1",
        market=market,
        chain=label,
        prev_hash="0" * 64,
        hash="0" * 64,
    )
    return label


def _lag_settles_at_zero(timeout: float = 10.0) -> bool:
    """The lag reads 0.0 once the replica has replayed all (the primary may write a little WAL
    of its own meanwhile, so look again for a moment)."""
    deadline = time.monotonic() + timeout
    while replica_db.replica_lag_seconds() != 0.0:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _found(client: Client, label: str) -> int:
    """How many events the event log's search page finds by ``label``."""
    response = client.get("/audit/events/", {"actor": label})
    assert response.status_code == 200
    return len(list(response.context["events"]))


@needs_postgres
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_the_event_search_reads_from_the_replica_and_writes_go_to_the_primary(
    replica: StreamingReplica, verified_client: Clients, inspector: User, nanning_market: Market
) -> None:
    client = verified_client(inspector)
    replica.caught_up()
    replica.replay_pause()
    label = _event(nanning_market)  # on the primary; not replayed on the replica

    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert _found(client, label) == 0  # the page read the replica
    assert any("audit_auditevent" in q["sql"] for q in on_replica.captured_queries)
    assert AuditEvent.objects.filter(actor_label=label).count() == 1  # unmarked: the primary
    with reading_from_replica():
        assert not AuditEvent.objects.filter(actor_label=label).exists()
        # A write inside marked work goes to the primary all the same.
        Market.objects.filter(pk=nanning_market.pk).update(name="南宁市零工市场（新）")
    assert Market.objects.get(pk=nanning_market.pk).name == "南宁市零工市场（新）"

    replica.replay_resume()
    replica.caught_up()
    replica.shows(label)
    assert _found(client, label) == 1


@needs_postgres
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_the_statistics_page_and_the_big_screen_read_from_the_replica(
    replica: StreamingReplica, verified_client: Clients, inspector: User, nanning_market: Market
) -> None:
    client = verified_client(inspector)
    replica.caught_up()
    pages = ["/statistics/", f"/portal/{nanning_market.pk}/screen/figures/", "/search/?q=韦小宝"]
    for url in pages:
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            response = client.get(url)
        assert response.status_code == 200, url
        assert on_replica.captured_queries, url


@needs_postgres
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_the_export_task_reads_its_rows_from_the_replica(
    replica: StreamingReplica, officer: User, team_lead: User, nanning_market: Market
) -> None:
    from exports.models import ExportJob
    from exports.tasks import export_build_task

    case_make(officer)
    job = ExportJob.objects.create(
        requester=team_lead,
        list_name="cases",
        criteria={"market_id": nanning_market.pk},
        format="csv",
        language="zh-hans",
    )
    replica.caught_up()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert export_build_task.run(job.pk) == "done"  # as the worker runs it
    assert any("cases_case" in q["sql"] for q in on_replica.captured_queries)
    job.refresh_from_db()
    assert job.rows_done == 1


@needs_postgres
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_the_session_that_wrote_reads_its_write_at_once(
    replica: StreamingReplica, verified_client: Clients, team_lead: User, nanning_market: Market
) -> None:
    writer, other = verified_client(team_lead), verified_client(team_lead)
    replica.caught_up()
    replica.replay_pause()
    # A search by ID number is an audit event (of the team lead's market): the writer's GET
    # wrote it, through the primary, and the router saw it; its session now reads from the
    # primary for a while.
    response = writer.get("/search/", {"q": ID_NUMBERS[0]}, follow=True)
    assert response.status_code == 200
    assert writer.cookies["lgsc_wrote"].value
    assert _found(writer, team_lead.username) == 1  # its own write, at once
    assert _found(other, team_lead.username) == 0  # another session: the (paused) replica

    # A POST marks the session too, whatever it wrote; an event written meanwhile by someone
    # else is then read from the primary as well.
    label = _event(nanning_market)
    assert _found(other, label) == 0
    assert other.post("/search/", {"q": "韦小宝"}).status_code == 302
    assert _found(other, label) == 1


@needs_postgres
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_replica_that_lags_too_far_is_not_read(
    replica: StreamingReplica,
    verified_client: Clients,
    inspector: User,
    nanning_market: Market,
    settings: Any,
) -> None:
    client = verified_client(inspector)
    replica.caught_up()
    assert _lag_settles_at_zero()
    replica.replay_pause()
    label = _event(nanning_market)
    time.sleep(1.2)
    lag = replica_db.replica_lag_seconds()
    assert lag is not None and lag >= 1.0
    assert _found(client, label) == 0  # 1 s behind is allowed (the limit is an hour here)
    settings.LGSC_REPLICA_MAX_LAG_SECONDS = 1.0
    assert _found(client, label) == 1  # beyond the limit: the primary answers


@needs_postgres
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_replica_that_is_down_is_not_read(
    replica: StreamingReplica, verified_client: Clients, inspector: User, nanning_market: Market
) -> None:
    client = verified_client(inspector)
    label = _event(nanning_market)
    replica.caught_up()
    replica.stop()
    try:
        assert replica_db.replica_lag_seconds() is None
        started = time.monotonic()
        assert _found(client, label) == 1  # the page still answers, from the primary
        assert time.monotonic() - started < 10
    finally:
        replica.start()
    replica.caught_up()
    assert _lag_settles_at_zero()


@needs_postgres
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_replica_that_goes_down_between_two_checks_fails_no_page(
    replica: StreamingReplica,
    verified_client: Clients,
    inspector: User,
    nanning_market: Market,
    settings: Any,
) -> None:
    """The check comes at most every LGSC_REPLICA_CHECK_SECONDS: a page that reads the replica
    after it went down and before the next check is answered again from the primary."""
    settings.LGSC_REPLICA_CHECK_SECONDS = 3600
    client = verified_client(inspector)
    client.raise_request_exception = False  # as a server: the error is logged, not raised
    label = _event(nanning_market)
    replica.caught_up()
    replica.shows(label)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert _found(client, label) == 1  # checked well: read from the replica
    assert on_replica.captured_queries
    replica.stop()
    try:
        assert _found(client, label) == 1  # the replica's read failed: the primary answered
        assert not replica_db.replica_usable()  # and the replica is left alone until checked
    finally:
        replica.start()
    replica.caught_up()
    replica_db.replica_health_forget()
    assert replica_db.replica_usable()


@needs_postgres
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_write_after_an_idle_while_lags_by_the_time_the_replica_takes_to_replay_it(
    replica: StreamingReplica, nanning_market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind the primary, the replica's lag is the age of the last transaction it replayed:
    after an idle while, the idle time, although the new write is replayed a moment later. The
    lag is the time it took to catch up when it does within CATCH_UP_SECONDS. (The window is
    widened here: the whole suite writes to the test cluster meanwhile, and replaying all it
    wrote during the pause took more than the 0.25 s of production under make test.)"""
    production_window = replica_db.CATCH_UP_SECONDS
    monkeypatch.setattr(replica_db, "CATCH_UP_SECONDS", 5.0)
    replica.caught_up()
    assert _lag_settles_at_zero()
    replica.replay_pause()
    time.sleep(3.0)  # nothing replayed for 3 s: to the replica, an idle primary
    _event(nanning_market)
    _wal_flushed()
    looks: list[str] = []

    def resume_after_the_first_look(execute: Any, sql: str, *args: Any) -> Any:
        result = execute(sql, *args)
        looks.append(sql)
        if len(looks) == 1:
            replica.replay_resume()  # the first look saw the replica behind: replay was paused
        return result

    with connections[REPLICA].execute_wrapper(resume_after_the_first_look):
        lag = replica_db.replica_lag_seconds()
    assert len(looks) >= 2  # it looked again
    assert lag is not None and 0.0 < lag < 3.0  # the time it took to catch up, not the idle 3 s

    replica.replay_pause()
    _event(nanning_market)
    _wal_flushed()
    monkeypatch.setattr(replica_db, "CATCH_UP_SECONDS", production_window)
    time.sleep(1.2)
    lag = replica_db.replica_lag_seconds()  # still paused: it does not catch up
    assert lag is not None and lag >= 1.2
