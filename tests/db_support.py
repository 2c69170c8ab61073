"""Test plumbing for the database the suite runs on: lives with the tests, not in production.

The event log is append-only in the database itself (``audit/migrations/0002_append_only.py``).
pytest-django empties every table after each transactional test (``transactional_db``,
``live_server``) with Django's ``flush`` command. PostgreSQL does that with TRUNCATE, which the
log's trigger allows in a ``test_*`` database. SQLite has no TRUNCATE: Django deletes the rows,
and the log's BEFORE DELETE trigger refuses. ``flush_lifting_audit_triggers`` makes ``flush``,
on a SQLite *test* database only (in memory, as Django's test runner makes it, or a file named
``test_*``), drop the log's triggers, flush and re-create them, all in one transaction
(SQLite's DDL is transactional, so a failed flush leaves the triggers in place). On any other
database ``flush`` is left exactly as Django's, and the triggers refuse it as every DELETE.
After any flush of a test database the migrations' data seeds are put back
(``migration_seeds_run``), so that whichever test a process runs next finds them.
``tests/conftest.py`` applies it for the whole session.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.management.commands import flush
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from audit.models import AuditEvent

django_flush_handle = flush.Command.handle


def is_sqlite_test_database(connection: BaseDatabaseWrapper) -> bool:
    if connection.vendor != "sqlite":
        return False
    name = str(connection.settings_dict["NAME"])
    return connection.creation.is_in_memory_db(name) or Path(name).name.startswith("test_")  # type: ignore[attr-defined]


def _flush_handle(self: flush.Command, **options: Any) -> None:
    connection = connections[options["database"]]
    if is_sqlite_test_database(connection):
        _flush_lifting_triggers(self, connection, **options)
    else:
        django_flush_handle(self, **options)
    if not options.get("inhibit_post_migrate") and connection.alias == "default":
        # As Django's own post_migrate puts back the content types and permissions.
        migration_seeds_run()


def _flush_lifting_triggers(
    self: flush.Command, connection: BaseDatabaseWrapper, **options: Any
) -> None:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [AuditEvent._meta.db_table],
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
        django_flush_handle(self, **options)
        for _name, sql in triggers:
            cursor.execute(sql)


@contextmanager
def flush_lifting_audit_triggers() -> Iterator[None]:
    """Within the block, ``flush`` empties the event log of a SQLite test database too, and
    puts the migrations' data seeds back after emptying any test database."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush.Command, "handle", _flush_handle)
        yield


def migration_seeds_run() -> None:
    """Run again every data seed of the migrations (the ``RunPython`` operations whose function
    is named ``seed``: occupations, minimum wages, checklists, time-limit policies). A flush by
    an earlier transactional test removed their rows; each seed is idempotent (get_or_create),
    so running them on intact data changes nothing. ``serialized_rollback`` is no help here:
    it clashes with the content types that the flush's post_migrate signal recreated."""
    from django.db import connection

    seeds, models = _migration_seeds()
    with connection.schema_editor() as editor:
        for seed in seeds:
            seed(models, editor)


@functools.cache
def _migration_seeds() -> tuple[tuple[Callable[..., None], ...], Any]:
    """The migrations' ``seed`` functions in the order the migrations run, and the models as
    the last migration leaves them: every column added since a seed's migration (a policy's
    channel, say), which the seeds fill by their defaults, and, as in a migration, no history
    rows or other signal receivers of the live models."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = loader.graph
    plan = dict.fromkeys(node for leaf in graph.leaf_nodes() for node in graph.forwards_plan(leaf))
    seeds = tuple(
        operation.code
        for node in plan
        for operation in graph.nodes[node].operations
        if isinstance(operation, RunPython) and getattr(operation.code, "__name__", "") == "seed"
    )
    return seeds, loader.project_state().apps
