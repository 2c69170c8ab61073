"""SQLite as Django's backend has it, keeping the planner's statistics (``sqlite_stat1``).

SQLite never runs ANALYZE by itself, and without statistics its planner guesses: at a million
cases it sorted every audit event for the inspector's search instead of reading the right index
(issue 14). Two things keep them:

* ``PRAGMA optimize`` as each connection closes (SQLite's advice for applications): it
  analyzes the tables that connection's queries used whose statistics are missing or stale
  (the table grew many-fold) and otherwise does nothing (0.1 ms). Such an ANALYZE is bounded
  by ``analysis_limit`` (rows read per index), so it costs milliseconds however large the table
  (17 ms for 320 000 audit events and 3 000 cases; bench/README.md, "SQLite's statistics").
  Connections live ``CONN_MAX_AGE`` (60 s in the embedded settings): this runs about once a
  minute per process. It waits at most ``OPTIMIZE_BUSY_MS`` for another writer, and gives up
  otherwise (the next close tries again); a connection closed inside a transaction is left
  alone (its work is being rolled back).
* A full ``ANALYZE`` every night (``database_analyze``, the Celery beat task
  ``config.celery.database_analyze_task`` in the embedded settings): the bounded one samples
  the first rows of each index, so for a column with few values (the market of an event) its
  estimates are poor; the nightly one reads everything (0.8 s for those 320 000 events).
"""

from __future__ import annotations

import sqlite3

from django.db import connection as default_connection
from django.db.backends.sqlite3 import base

ANALYSIS_LIMIT = 1000
OPTIMIZE_BUSY_MS = 50


class DatabaseWrapper(base.DatabaseWrapper):
    def close(self) -> None:
        self.validate_thread_sharing()
        connection = self.connection
        # Django keeps an in-memory database open (closing would lose it): nothing to do.
        in_memory = self.is_in_memory_db()
        if connection is not None and not connection.in_transaction and not in_memory:
            database_optimize(connection)
        super().close()


def database_optimize(connection: sqlite3.Connection) -> None:
    """``PRAGMA optimize`` on ``connection`` (about to close), any ANALYZE it runs bounded by
    ``ANALYSIS_LIMIT``, waiting at most ``OPTIMIZE_BUSY_MS`` for the write lock; a locked or
    read-only database is left for the next time."""
    try:
        connection.execute(f"PRAGMA busy_timeout={OPTIMIZE_BUSY_MS}")
        connection.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        connection.execute("PRAGMA optimize")
    except sqlite3.Error:
        pass


def database_analyze() -> bool:
    """A full ANALYZE of the default database when it is SQLite (PostgreSQL's autovacuum keeps
    its own statistics); whether it ran."""
    if default_connection.vendor != "sqlite":
        return False
    with default_connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=0")
        cursor.execute("ANALYZE")
    return True
