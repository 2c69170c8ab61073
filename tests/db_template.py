"""A migrated template of the test database, made once and cloned by every test process.

Migrating from nothing takes a minute or more (some 150 migrations); ``make test`` runs the
suite in several processes (pytest-xdist) and on two databases, and the benchmarks' smoke runs
start from a migrated database too. So the first process to need one migrates its own test
database as Django always does, then copies it into a template; every other process (and
every later run, while the migrations and the pinned packages stay the same) makes its test
database as a copy of the template and only checks it with ``migrate`` (nothing to apply).

The template is named by a digest of every migration file, ``pyproject.toml`` (the pinned
packages, whose migrations count too) and the database's kind, so a changed migration makes a
new one; older templates are removed when a new one is made. A file lock keeps two processes
from making it at once (the second waits, then clones).

- SQLite: a file beside the test databases (``config/settings/test.py``), copied with SQLite's
  backup API.
- PostgreSQL: a database ``lgsc_template_<digest>`` on the test server; a copy is
  ``CREATE DATABASE … TEMPLATE``, which needs no one connected to the template (no one is).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import django
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

REPO_ROOT = Path(__file__).resolve().parent.parent
_SKIPPED = {"var", "node_modules", "__pycache__"}  # and every hidden folder (.venv, .git)


def _digest(vendor: str) -> str:
    """Of every migration file, the pinned packages and the kind of database."""
    sha = hashlib.sha256(f"{vendor} django {django.__version__}\n".encode())
    sha.update((REPO_ROOT / "pyproject.toml").read_bytes())
    for path in _migration_files():
        sha.update(str(path.relative_to(REPO_ROOT)).encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def _migration_files() -> list[Path]:
    """Every migration of the project's apps, however deep (``workflows/<app>/migrations``)."""
    found: list[Path] = []
    for folder, directories, files in os.walk(REPO_ROOT):
        directories[:] = [d for d in directories if d not in _SKIPPED and not d.startswith(".")]
        if Path(folder).name == "migrations":
            found.extend(Path(folder) / name for name in files if name.endswith(".py"))
    return sorted(found)


def template_name(connection: BaseDatabaseWrapper) -> str:
    """The template of ``connection``'s kind: a file path (SQLite) or a database name."""
    digest = _digest(connection.vendor)
    if connection.vendor == "sqlite":
        return str(_folder() / f"template.{digest}.sqlite3")
    return f"lgsc_template_{digest}"


def sqlite_template() -> Path | None:
    """The SQLite template of the current migrations when one was made (by this run's SQLite
    half, or an earlier run): for a test that starts the embedded system on a fresh folder."""
    path = _folder() / f"template.{_digest('sqlite')}.sqlite3"
    return path if path.exists() else None


def _folder() -> Path:
    """Where the test databases' files are (config/settings/test.py): the SQLite template
    and the locks go there too."""
    folder = Path(tempfile.gettempdir()) / "lgsc-test"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def _locked(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """One process at a time makes or checks the template (of this kind of database)."""
    lock = _folder() / f"template.{connection.vendor}.lock"
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def template_exists(connection: BaseDatabaseWrapper, name: str) -> bool:
    if connection.vendor == "sqlite":
        return Path(name).exists()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def sqlite_copy(source: Path, target: Path) -> None:
    """``target`` a copy of the SQLite database ``source`` (replacing it), through SQLite's
    backup API (consistent even if someone reads ``source`` meanwhile)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    partial = Path(f"{target}.partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(partial) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
    partial.replace(target)


def _copy(connection: BaseDatabaseWrapper, source: str, target: str) -> None:
    """Make ``target`` a copy of ``source`` (replacing it); no one may be connected to either."""
    if connection.vendor == "sqlite":
        sqlite_copy(Path(source), Path(target))
        return
    quoted = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted(target)}")
        cursor.execute(f"CREATE DATABASE {quoted(target)} TEMPLATE {quoted(source)}")


def _remove_others(connection: BaseDatabaseWrapper, keep: str) -> None:
    """Templates of older migrations, no longer of use."""
    if connection.vendor == "sqlite":
        for path in _folder().glob("template.*.sqlite3"):
            if str(path) != keep:
                path.unlink(missing_ok=True)
        return
    quoted = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'lgsc\\_template\\_%%'"
            " AND datname <> %s",
            [keep],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted(name)}")


def _checkpointed(connection: BaseDatabaseWrapper) -> None:
    """Everything of a SQLite database in WAL mode into its main file; then no connection."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


@contextmanager
def database_from_template(alias: str = "default") -> Iterator[bool]:
    """Around Django's ``setup_databases``: when a template exists, the test database of
    ``alias`` is made a copy of it first and this yields True (set up with ``keepdb``: the
    check finds nothing to migrate); else it yields False (migrate as usual), and the
    migrated test database becomes the template."""
    connection = connections[alias]
    name = template_name(connection)
    with ExitStack() as held:
        held.enter_context(_locked(connection))
        if template_exists(connection, name):
            _copy(connection, name, connection.creation._get_test_db_name())  # type: ignore[attr-defined]
            held.close()  # copied: the others need not wait for this process's set-up
            yield True
            return
        yield False  # the lock held while this process migrates: the others wait, then copy
        test_name = connection.settings_dict["NAME"]  # the test database's, after the set-up
        _checkpointed(connection)
        _remove_others(connection, keep=name)
        _copy(connection, test_name, name)


def migrated_template(alias: str = "default") -> str:
    """The template's name, for a benchmark to start from (the test set-up made it)."""
    connection = connections[alias]
    name = template_name(connection)
    with _locked(connection):
        if not template_exists(connection, name):
            msg = f"no migrated template {name}: the test database set-up makes it"
            raise LookupError(msg)
    return name
