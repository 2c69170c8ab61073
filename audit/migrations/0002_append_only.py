"""Make the event table append-only in the database itself.

PostgreSQL
    * A row trigger (BEFORE UPDATE OR DELETE … FOR EACH ROW) raises on every UPDATE and DELETE.
    * A statement trigger (BEFORE TRUNCATE) raises too, EXCEPT in a database whose name starts
      with ``test_``. Django's test runner must empty every table between transactional tests
      and does so with TRUNCATE, in the ``test_<name>`` database it creates; a production
      database is never named ``test_*``. (Do not name one so.)
    * Privileges: UPDATE, DELETE and TRUNCATE are revoked from PUBLIC and from the role running
      this migration (the table's owner), TRUNCATE only outside ``test_*`` databases for the
      reason above. The owner keeps UPDATE on the ``id`` column alone: PostgreSQL's foreign-key
      checks lock referencing rows FOR KEY SHARE, which needs UPDATE privilege on some column,
      and without it deleting *any* user or market (even one no event names) would fail with
      "permission denied for table audit_auditevent". The row trigger still refuses that UPDATE.
      These are guard rails against mistakes and against roles other than the owner: the owner
      can grant itself the privileges back and disable its triggers. The hash chain is what
      detects that (tests/audit tamper exactly so).

SQLite
    BEFORE UPDATE and BEFORE DELETE triggers that RAISE(ABORT). SQLite has no TRUNCATE. Django's
    test flush deletes rows instead, so the test suite lifts these triggers around a flush of
    a *test* database only (``tests/db_support.py``).
    Mind: Django alters a SQLite table by rebuilding it, which drops its triggers. A later
    migration that alters this table on SQLite must run ``sqlite_forward`` again
    (tests/audit checks that the triggers exist after all migrations).

Other databases: nothing (the hash chain still detects changes).

The chain-head table stays updatable: writers advance it on every event.
"""

from django.db import migrations

PG_CHANGE_FUNCTION = "audit_event_refuse_change"
PG_TRUNCATE_FUNCTION = "audit_event_refuse_truncate"
PG_CHANGE_TRIGGER = "audit_event_append_only"
PG_TRUNCATE_TRIGGER = "audit_event_no_truncate"
SQLITE_UPDATE_TRIGGER = "audit_event_no_update"
SQLITE_DELETE_TRIGGER = "audit_event_no_delete"


def postgresql_forward(table):
    """SQL statements for PostgreSQL; ``table`` is quoted already."""
    return [
        f"""
        CREATE OR REPLACE FUNCTION {PG_CHANGE_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit event log is append-only: % refused on %', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END;
        $$
        """,
        f"""
        CREATE OR REPLACE FUNCTION {PG_TRUNCATE_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            -- Django's test runner empties tables with TRUNCATE in the test_* database it made.
            IF current_database() LIKE 'test\\_%' THEN
                RETURN NULL;
            END IF;
            RAISE EXCEPTION 'the audit event log is append-only: TRUNCATE refused on %', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END;
        $$
        """,
        f"""
        CREATE TRIGGER {PG_CHANGE_TRIGGER} BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {PG_CHANGE_FUNCTION}()
        """,
        f"""
        CREATE TRIGGER {PG_TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION {PG_TRUNCATE_FUNCTION}()
        """,
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC",
        f"REVOKE UPDATE, DELETE ON {table} FROM CURRENT_USER",
        f"GRANT UPDATE (id) ON {table} TO CURRENT_USER",
        f"""
        DO $$
        BEGIN
            IF current_database() NOT LIKE 'test\\_%' THEN
                EXECUTE 'REVOKE TRUNCATE ON {table} FROM CURRENT_USER';
            END IF;
        END;
        $$
        """,
    ]


def postgresql_backward(table):
    return [
        f"DROP TRIGGER IF EXISTS {PG_TRUNCATE_TRIGGER} ON {table}",
        f"DROP TRIGGER IF EXISTS {PG_CHANGE_TRIGGER} ON {table}",
        f"DROP FUNCTION IF EXISTS {PG_TRUNCATE_FUNCTION}()",
        f"DROP FUNCTION IF EXISTS {PG_CHANGE_FUNCTION}()",
        f"REVOKE UPDATE (id) ON {table} FROM CURRENT_USER",
        f"GRANT UPDATE, DELETE, TRUNCATE ON {table} TO CURRENT_USER",
    ]


def sqlite_forward(table):
    return [
        f"""
        CREATE TRIGGER IF NOT EXISTS {SQLITE_UPDATE_TRIGGER} BEFORE UPDATE ON {table}
        FOR EACH ROW BEGIN
            SELECT RAISE(ABORT, 'the audit event log is append-only: UPDATE refused');
        END
        """,
        f"""
        CREATE TRIGGER IF NOT EXISTS {SQLITE_DELETE_TRIGGER} BEFORE DELETE ON {table}
        FOR EACH ROW BEGIN
            SELECT RAISE(ABORT, 'the audit event log is append-only: DELETE refused');
        END
        """,
    ]


def sqlite_backward(table):
    return [
        f"DROP TRIGGER IF EXISTS {SQLITE_UPDATE_TRIGGER}",
        f"DROP TRIGGER IF EXISTS {SQLITE_DELETE_TRIGGER}",
    ]


STATEMENTS = {
    ("postgresql", True): postgresql_forward,
    ("postgresql", False): postgresql_backward,
    ("sqlite", True): sqlite_forward,
    ("sqlite", False): sqlite_backward,
}


def _run(apps, schema_editor, *, forward):
    statements = STATEMENTS.get((schema_editor.connection.vendor, forward))
    if statements is None:
        return
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEvent")._meta.db_table)
    for sql in statements(table):
        # params=None: the SQL is sent as is (its LIKE patterns contain "%").
        schema_editor.execute(sql, params=None)


def forwards(apps, schema_editor):
    _run(apps, schema_editor, forward=True)


def backwards(apps, schema_editor):
    _run(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
