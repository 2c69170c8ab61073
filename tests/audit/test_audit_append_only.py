"""The database itself refuses to change or remove a row of the event log."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from audit_support import user_make
from db_support import django_flush_handle, is_sqlite_test_database
from django.core.management import CommandError, call_command, get_commands
from django.core.management.commands import flush
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper

from audit.models import AuditChainHead, AuditEvent
from audit.services import event_record

TABLE = AuditEvent._meta.db_table
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's triggers and privileges"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
append_only = importlib.import_module("audit.migrations.0002_append_only")


def refused(change: Callable[[], object]) -> DatabaseError:
    """Run ``change`` in a savepoint; return the database error it must raise."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        change()
    return caught.value


def raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_no_update_or_delete_gets_through_the_orm() -> None:
    event = event_record(action="test.original")

    refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(action="test.forged"))
    event.action = "test.forged"
    refused(lambda: event.save(update_fields=["action"]))
    refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    refused(event.delete)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "test.original"


@pytest.mark.django_db
def test_no_update_or_delete_gets_through_raw_sql() -> None:
    event = event_record(action="test.original")

    refused(lambda: raw(f"UPDATE {TABLE} SET action = 'test.forged' WHERE id = %s", [event.pk]))  # noqa: S608
    refused(lambda: raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk]))  # noqa: S608
    refused(lambda: raw(f"DELETE FROM {TABLE}"))  # noqa: S608

    assert AuditEvent.objects.filter(pk=event.pk, action="test.original").exists()


@pytest.mark.django_db
def test_the_chain_head_stays_updatable() -> None:
    event_record(action="test.one")

    AuditChainHead.objects.filter(chain="global").update(last_sequence=1)


@on_sqlite
@pytest.mark.django_db
def test_sqlite_triggers_abort_update_and_delete_with_a_clear_message() -> None:
    event = event_record(action="test.original")

    error = refused(lambda: raw(f"UPDATE {TABLE} SET success = 0 WHERE id = %s", [event.pk]))  # noqa: S608
    assert isinstance(error, IntegrityError)
    assert "append-only: UPDATE refused" in str(error)
    error = refused(lambda: raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk]))  # noqa: S608
    assert "append-only: DELETE refused" in str(error)


@on_sqlite
@pytest.mark.django_db
def test_sqlite_triggers_exist_after_all_migrations() -> None:
    # A later migration that rebuilds the table on SQLite would drop them silently.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {append_only.SQLITE_UPDATE_TRIGGER, append_only.SQLITE_DELETE_TRIGGER}


@on_postgresql
@pytest.mark.django_db
def test_postgresql_owner_has_no_update_delete_privilege_but_keeps_foreign_key_checks() -> None:
    event = event_record(action="test.original")

    error = refused(lambda: raw(f"UPDATE {TABLE} SET success = false WHERE id = %s", [event.pk]))  # noqa: S608
    assert "permission denied" in str(error)
    error = refused(lambda: raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk]))  # noqa: S608
    assert "permission denied" in str(error)

    # Deleting a user that no event names still works (FK checks need UPDATE on some column).
    user_make("temporary").delete()


@on_postgresql
@pytest.mark.django_db
def test_postgresql_trigger_refuses_even_when_the_owner_grants_itself_the_rights_back() -> None:
    event = event_record(action="test.original")
    raw(f"GRANT UPDATE, DELETE ON {TABLE} TO CURRENT_USER")  # rolled back with the test

    error = refused(lambda: raw(f"UPDATE {TABLE} SET success = false WHERE id = %s", [event.pk]))  # noqa: S608
    assert isinstance(error, IntegrityError)
    assert "append-only: UPDATE refused" in str(error)
    error = refused(lambda: raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk]))  # noqa: S608
    assert "append-only: DELETE refused" in str(error)


@on_postgresql
@pytest.mark.django_db
def test_postgresql_triggers_exist_for_update_delete_and_truncate() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgtype FROM pg_trigger "
            "WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [TABLE],
        )
        triggers = dict(cursor.fetchall())
    # tgtype bits: 1 row-level, 2 before, 8 delete, 16 update, 32 truncate.
    assert triggers[append_only.PG_CHANGE_TRIGGER] == 1 | 2 | 8 | 16
    assert triggers[append_only.PG_TRUNCATE_TRIGGER] == 2 | 32  # statement-level


@on_postgresql
@pytest.mark.django_db
def test_postgresql_truncate_is_refused_in_a_database_not_named_test() -> None:
    """The migration's own SQL, applied in a scratch database with an ordinary name."""
    settings = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    if not row or not row[0]:
        pytest.skip("the database role may not create a scratch database")
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }
    scratch = f"lgsc_audit_probe_{os.getpid()}"
    with psycopg.connect(dbname=settings["NAME"], autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
        try:
            with psycopg.connect(dbname=scratch, autocommit=True, **params) as probe:
                probe.execute('CREATE TABLE "audit_auditevent" (id bigint PRIMARY KEY)')
                for sql in append_only.postgresql_forward('"audit_auditevent"'):
                    probe.execute(sql)
                probe.execute('INSERT INTO "audit_auditevent" VALUES (1)')

                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    probe.execute('TRUNCATE "audit_auditevent"')
                probe.execute('GRANT TRUNCATE ON "audit_auditevent" TO CURRENT_USER')
                with pytest.raises(psycopg.errors.RestrictViolation, match="TRUNCATE refused"):
                    probe.execute('TRUNCATE "audit_auditevent"')
                assert probe.execute('SELECT count(*) FROM "audit_auditevent"').fetchone() == (1,)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')


@pytest.mark.django_db(transaction=True)
def test_the_test_runner_can_still_flush_a_test_database() -> None:
    event_record(action="test.before_flush")

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEvent.objects.exists()
    # …and the guards are back in place afterwards.
    event = event_record(action="test.after_flush")
    refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(action="test.forged"))


def test_flush_lifts_the_sqlite_triggers_only_for_a_test_database() -> None:
    def sqlite(name: str) -> SQLiteDatabaseWrapper:
        return SQLiteDatabaseWrapper({**connection.settings_dict, "NAME": name}, alias="probe")

    assert is_sqlite_test_database(sqlite("file:memorydb_default?mode=memory&cache=shared"))
    assert is_sqlite_test_database(sqlite("/srv/lgsc/var/test_lgsc.sqlite3"))
    assert not is_sqlite_test_database(sqlite("/srv/lgsc/var/db.sqlite3"))
    assert not is_sqlite_test_database(sqlite("/srv/lgsc/var/latest_test.sqlite3"))


def test_production_code_keeps_djangos_own_flush() -> None:
    """Lifting the triggers for a flush is test plumbing (tests/db_support.py): no installed
    app overrides ``flush``."""
    assert get_commands()["flush"] == "django.core"


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_without_the_test_plumbing_the_triggers_refuse_a_sqlite_flush() -> None:
    event = event_record(action="test.before_flush")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush.Command, "handle", django_flush_handle)
        with pytest.raises(CommandError) as caught:
            call_command("flush", interactive=False, verbosity=0)

    assert "append-only" in str(caught.value.__cause__)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
