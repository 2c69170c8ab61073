"""The restore drill of docs/deploy/backup.md, run for real (PostgreSQL only).

Data made through the services (a case with an applicant's ID number and mobile, its audit
events, an anchoring) is dumped with ``scripts/backup`` (``pg_dump -Fc``), restored with
``pg_restore`` into a brand-new PostgreSQL cluster on loopback, and checked there by
``manage.py`` in a fresh interpreter on the production settings, exactly as an operator would:
with the keys and the anchor directory kept beside the backup, ``verify_audit`` and
``check_keys`` pass and the personal data reads back; with other keys, both refuse and name the
key set that is wrong. The cluster is stopped and deleted at the end, whatever happens.
"""

from __future__ import annotations

import base64
import io
import itertools
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ID_NUMBERS, REPO_ROOT, applicant_make, case_make
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from audit.models import AuditEvent

pytestmark = [
    pytest.mark.xdist_group("restore-drill"),  # its module's fixtures made once (scripts/test-all)
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_dump and pg_restore: PostgreSQL only"
    ),
    pytest.mark.django_db(transaction=True),
]

PG_OS_USER = "postgres"
ROLE = "lgsc"
ROLE_PASSWORD = secrets.token_urlsafe(16)
MOBILE = "13800138000"
TIMEOUT = 60
COUNT_TRIGGERS = (  # those of audit migration 0002
    "SELECT count(*) FROM pg_trigger "
    "WHERE tgname IN ('audit_event_append_only', 'audit_event_no_truncate')"
)


def pg_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin with initdb, as scripts/test-services
    chooses it (so pg_dump is never older than the server it dumps)."""
    found = [
        path
        for path in Path("/usr/lib/postgresql").glob("*/bin")
        if path.parent.name.isdigit() and (path / "initdb").exists()
    ]
    return max(found, key=lambda path: int(path.parent.name), default=None)


def is_root() -> bool:
    return os.geteuid() == 0


def as_pg(*command: str | Path) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its server tools as ``postgres``."""
    args = [str(part) for part in command]
    return ["runuser", "-u", PG_OS_USER, "--", *args] if is_root() else args


def run(
    command: list[str], *, cwd: str | Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- fixed PostgreSQL tools and our own manage.py
        command, capture_output=True, text=True, timeout=TIMEOUT, check=False, cwd=cwd, env=env
    )


def run_ok(
    command: list[str], *, cwd: str | Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = run(command, cwd=cwd, env=env)
    assert result.returncode == 0, f"{command[0]}: {result.stdout}{result.stderr}"
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    bin: Path
    root: Path
    port: int
    names: Iterator[int]

    def url(self, database: str) -> str:
        return f"postgres://{ROLE}:{ROLE_PASSWORD}@127.0.0.1:{self.port}/{database}"

    def psql_superuser(self, sql: str) -> None:
        run_ok(
            as_pg(
                *(self.bin / "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.root / "sock"),
                *("-p", str(self.port), "-U", "postgres", "-d", "postgres", "-c", sql),
            ),
            cwd="/",
        )


@pytest.fixture(scope="module")
def fresh_cluster() -> Iterator[Cluster]:
    """A new PostgreSQL cluster on 127.0.0.1 (port PGPORT_RESTORE_TEST, else any free one),
    with the application role only; stopped and deleted at the end, always."""
    binaries = pg_bin()
    if binaries is None:
        pytest.skip("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
    root = Path(tempfile.mkdtemp(prefix="lgsc-restore-drill-"))
    root.chmod(0o755)  # the postgres user must reach its data directory
    data, sock = root / "data", root / "sock"
    data.mkdir(mode=0o700)
    sock.mkdir()
    if is_root():
        for path in (root, data, sock):
            shutil.chown(path, PG_OS_USER)
    port = int(os.environ.get("PGPORT_RESTORE_TEST") or free_port())
    utf8 = "c.utf8" in run(["locale", "-a"]).stdout.lower().replace("-", "").split()
    try:
        run_ok(
            as_pg(binaries / "initdb", "-D", data, "-U", "postgres", "-E", "UTF8")
            + (["--locale=C.UTF-8"] if utf8 else ["--no-locale"])
            + ["--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"],
            cwd="/",
        )
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {port}\n"
                f"unix_socket_directories = '{sock}'\nfsync = off\n"
            )
        run_ok(
            as_pg(binaries / "pg_ctl", "-D", data, "-l", root / "postgres.log", "-w", "start"),
            cwd="/",
        )
        cluster = Cluster(binaries, root, port, itertools.count(1))
        cluster.psql_superuser(
            f"CREATE ROLE {ROLE} LOGIN PASSWORD '{ROLE_PASSWORD}' NOSUPERUSER NOCREATEDB"
        )
        yield cluster
    finally:
        if (data / "postmaster.pid").exists():
            run(as_pg(binaries / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"), cwd="/")
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Restored:
    url: str
    anchor_dir: Path


def source_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def restored(fresh_cluster: Cluster, officer: User) -> Restored:
    """Real data, backed up (the dump and, beside it, a copy of the anchor directory) and
    restored into a new database of the fresh cluster, as docs/deploy/backup.md says."""
    case_make(officer)
    case_make(officer, applicant=applicant_make(officer, name="覃小燕", id_number=ID_NUMBERS[1]))
    call_command("anchor_audit", stdout=io.StringIO())
    assert AuditEvent.objects.count() >= 3

    backups = fresh_cluster.root / f"backups-{next(fresh_cluster.names)}"
    env = {**os.environ, "DATABASE_URL": source_url(), "LGSC_BACKUP_KEEP_DAYS": "0"}
    env["PATH"] = f"{fresh_cluster.bin}:{env['PATH']}"
    backup = run_ok([str(REPO_ROOT / "scripts" / "backup"), str(backups)], env=env)
    dump = Path(backup.stdout.strip())
    anchor_dir = backups / "audit-anchors"
    shutil.copytree(settings.AUDIT_ANCHOR_DIR, anchor_dir)

    database = f"lgsc_restored_{backups.name.rsplit('-', 1)[1]}"
    fresh_cluster.psql_superuser(f"CREATE DATABASE {database} OWNER {ROLE} TEMPLATE template0")
    url = fresh_cluster.url(database)
    restore = [str(fresh_cluster.bin / "pg_restore"), "--no-owner", "--exit-on-error"]
    run_ok([*restore, "--dbname", url, str(dump)])
    return Restored(url, anchor_dir)


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def manage(restored: Restored, *args: str, **changes: str) -> subprocess.CompletedProcess[str]:
    """manage.py in a fresh interpreter on the production settings, against the restored
    database, with the keys kept with the backup (or ``changes`` to them)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LGSC_", "SECURE_", "CSRF_", "CACHE_", "EMAIL_", "REDIS_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "lgsc.example.org",
        "DATABASE_URL": restored.url,
        "CELERY_BROKER_URL": "memory://",
        "CACHE_URL": "locmemcache://",
        "LGSC_SINGLE_HOST": "true",
        "PERSONAL_DATA_KEYS": ",".join(settings.PERSONAL_DATA_KEYS),
        "PERSONAL_DATA_INDEX_KEY": settings.PERSONAL_DATA_INDEX_KEY,
        "AUDIT_MAC_KEYS": ",".join(settings.AUDIT_MAC_KEYS),
        "AUDIT_ANCHOR_DIR": str(restored.anchor_dir),
    }
    env |= changes
    return run([sys.executable, "manage.py", *args], cwd=REPO_ROOT, env=env)


READ_BACK = (
    "from cases.crypto import personal_data_index; from cases.models import Applicant; "
    "a = Applicant.objects.get(id_number_index=personal_data_index({number!r})); "
    "print(a.name, a.id_number, a.mobile)"
)


def test_a_restored_backup_verifies_and_reads_back_with_the_kept_keys(
    restored: Restored, fresh_cluster: Cluster
) -> None:
    verified = manage(restored, "verify_audit")
    keys = manage(restored, "check_keys")
    read = manage(restored, "shell", "-c", READ_BACK.format(number=ID_NUMBERS[1]))

    assert verified.returncode == 0, verified.stderr + verified.stdout
    assert "chains verified against" in verified.stdout  # the restored anchors were checked
    assert keys.returncode == 0, keys.stderr + keys.stdout
    assert "OK: the keys fit this database" in keys.stdout
    assert read.returncode == 0, read.stderr
    assert read.stdout.splitlines()[-1].split() == ["覃小燕", ID_NUMBERS[1], MOBILE]
    # The event log came back append-only: its privileges and triggers were restored too.
    psql = [str(fresh_cluster.bin / "psql"), "-X", "-q", "-tA", "-d", restored.url, "-c"]
    refused = run([*psql, "UPDATE audit_auditevent SET action = action"])
    triggers = run_ok([*psql, COUNT_TRIGGERS])
    assert refused.returncode != 0
    assert "permission denied for table audit_auditevent" in refused.stderr
    assert triggers.stdout.strip() == "2"


def test_a_restored_backup_with_other_keys_is_refused_naming_the_key_set(
    restored: Restored,
) -> None:
    # (A wrong PERSONAL_DATA_INDEX_KEY alone: tests/cases/test_check_keys.py, on both databases;
    # each manage.py here costs an interpreter start.)
    other_keys = {"PERSONAL_DATA_KEYS": new_key(), "AUDIT_MAC_KEYS": new_key()}
    keys = manage(restored, "check_keys", **other_keys)
    verified = manage(restored, "verify_audit", **other_keys)

    for result in (keys, verified):
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        assert "Restore the keys kept with the backup of this database" in result.stderr
    assert "PERSONAL_DATA_KEYS do not decrypt the personal data of this database" in keys.stderr
    assert "AUDIT_MAC_KEYS do not verify the seals of this database's audit trail" in keys.stderr
    assert keys.stderr.endswith(
        "the keys do not fit this database: PERSONAL_DATA_KEYS, AUDIT_MAC_KEYS\n"
    )
    assert "AUDIT_MAC_KEYS do not hold the keys this database's audit trail" in verified.stderr
