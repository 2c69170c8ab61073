"""SQLite keeps its planner's statistics (issue 14): the embedded settings' backend
(``config.sqlite``) runs ``PRAGMA optimize`` as a connection closes, so a table its queries used
is analyzed (``sqlite_stat1``, a bounded sample) without anybody running ANALYZE; a nightly
task analyzes the whole database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as StockWrapper

from config.sqlite.base import ANALYSIS_LIMIT, DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics")


@pytest.fixture
def unblocked(django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield


def probe(wrapper_class: type[StockWrapper], path: Path) -> StockWrapper:
    settings = {**connection.settings_dict, "NAME": str(path), "OPTIONS": {}}
    return wrapper_class(settings, alias="probe")


def fill_and_query(wrapper: StockWrapper) -> None:
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE events (market INTEGER, at TEXT)")
        cursor.execute("CREATE INDEX events_market ON events (market)")
        cursor.executemany(
            "INSERT INTO events VALUES (%s, %s)",
            [(i % 7, f"2026-12-{i % 28 + 1:02d}") for i in range(3000)],
        )
        cursor.execute("SELECT count(*) FROM events WHERE market = %s", [3])


def statistics(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as plain:
        if not plain.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return []
        return plain.execute("SELECT tbl, idx FROM sqlite_stat1").fetchall()


def test_a_table_used_on_a_connection_is_analyzed_when_it_closes(
    tmp_path: Path, unblocked: None
) -> None:
    wrapper = probe(DatabaseWrapper, tmp_path / "db.sqlite3")
    fill_and_query(wrapper)
    assert statistics(tmp_path / "db.sqlite3") == []

    wrapper.close()

    assert statistics(tmp_path / "db.sqlite3") == [("events", "events_market")]


def test_djangos_own_backend_leaves_the_planner_without_statistics(
    tmp_path: Path, unblocked: None
) -> None:
    wrapper = probe(StockWrapper, tmp_path / "db.sqlite3")
    fill_and_query(wrapper)
    wrapper.close()

    assert statistics(tmp_path / "db.sqlite3") == []


def test_the_analyze_at_a_close_reads_a_bounded_number_of_rows(
    tmp_path: Path, unblocked: None
) -> None:
    wrapper = probe(DatabaseWrapper, tmp_path / "db.sqlite3")
    fill_and_query(wrapper)  # 3 000 rows: more than the limit
    wrapper.close()

    with sqlite3.connect(tmp_path / "db.sqlite3") as plain:
        [(stat,)] = plain.execute("SELECT stat FROM sqlite_stat1").fetchall()
    assert int(stat.split()[0]) != 3000  # an estimate from the first rows, not a count
    assert ANALYSIS_LIMIT < 3000


def test_a_connection_closed_in_a_transaction_is_not_optimized(
    tmp_path: Path, unblocked: None
) -> None:
    wrapper = probe(DatabaseWrapper, tmp_path / "db.sqlite3")
    fill_and_query(wrapper)
    wrapper.set_autocommit(False)
    with wrapper.cursor() as cursor:
        cursor.execute("INSERT INTO events VALUES (1, 'x')")
    assert wrapper.connection is not None and wrapper.connection.in_transaction

    wrapper.close()

    assert statistics(tmp_path / "db.sqlite3") == []


@pytest.mark.django_db
def test_the_nightly_task_analyzes_the_whole_database() -> None:
    from audit.models import AuditEvent
    from config.celery import database_analyze_task

    AuditEvent.objects.bulk_create(
        AuditEvent(action="case.opened", chain="nightly", sequence=n, prev_hash="0", hash="0")
        for n in range(1, 30)
    )

    assert database_analyze_task() is True

    with connection.cursor() as cursor:
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'audit_auditevent'")
        stats = dict(cursor.fetchall())
    assert stats["audit_event_time"].startswith("29 ")  # every row read, none sampled
