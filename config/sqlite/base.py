"""SQLite as Django's backend has it, plus ``PRAGMA optimize`` when a connection closes.

SQLite never runs ANALYZE by itself, and without its statistics (``sqlite_stat1``) the planner
guesses: at a million cases it sorted every audit event for the inspector's search instead of
reading the right index (issue 14). SQLite's advice for applications is to run
``PRAGMA optimize`` as each connection closes: it analyzes the tables that connection's
queries used whose statistics are missing or stale (the table grew 25-fold), and does nothing
otherwise (a few microseconds). ``analysis_limit`` bounds an ANALYZE it runs to about that
many rows per index, so even a table of millions is analyzed in milliseconds (bench/README.md,
"SQLite's statistics"). Connections live ``CONN_MAX_AGE`` (60 s in the embedded settings), so
this runs about once a minute per process.

ANALYZE writes, so the check waits at most ``OPTIMIZE_BUSY_MS`` for another writer and gives
up otherwise (the next close tries again); a connection closed inside a transaction is left
alone (its work is being rolled back).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from django.db.backends.sqlite3 import base

ANALYSIS_LIMIT = 1000
OPTIMIZE_BUSY_MS = 50


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        connection: sqlite3.Connection = super().get_new_connection(conn_params)
        connection.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        return connection

    def close(self) -> None:
        self.validate_thread_sharing()
        connection = self.connection
        # Django keeps an in-memory database open (closing would lose it): nothing to do.
        in_memory = self.is_in_memory_db()
        if connection is not None and not connection.in_transaction and not in_memory:
            database_optimize(connection)
        super().close()


def database_optimize(connection: sqlite3.Connection) -> None:
    """``PRAGMA optimize`` on ``connection``, waiting at most ``OPTIMIZE_BUSY_MS`` for the
    write lock; a locked or read-only database is left for the next time."""
    try:
        connection.execute(f"PRAGMA busy_timeout={OPTIMIZE_BUSY_MS}")
        connection.execute("PRAGMA optimize")
    except sqlite3.Error:
        pass
