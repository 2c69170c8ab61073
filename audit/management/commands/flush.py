"""Django's ``flush``, able to empty the event log of a *test* SQLite database.

The test runner flushes every table after each transactional test (pytest-django's
``transactional_db``, ``live_server``). PostgreSQL does that with TRUNCATE, which the log's
trigger allows in a database named ``test_*``. SQLite has no TRUNCATE: Django deletes the
rows, and the log's BEFORE DELETE trigger refuses. So, on SQLite only, and only for a test
database (in memory, as Django's test runner makes it, or a file named ``test_*``), this drops
the log's triggers, flushes and re-creates them, all in one transaction (SQLite's DDL is
transactional, so a failed flush leaves the triggers in place). On any other database this is
exactly Django's flush, and the triggers refuse it as they refuse every DELETE.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from audit.models import AuditEvent


def _is_sqlite_test_database(connection: BaseDatabaseWrapper) -> bool:
    if connection.vendor != "sqlite":
        return False
    name = str(connection.settings_dict["NAME"])
    return connection.creation.is_in_memory_db(name) or Path(name).name.startswith("test_")  # type: ignore[attr-defined]


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if not _is_sqlite_test_database(connection):
            super().handle(**options)
            return
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [AuditEvent._meta.db_table],
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            super().handle(**options)
            for _name, sql in triggers:
                cursor.execute(sql)
