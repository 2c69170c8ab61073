"""The embedded default: one machine, nothing to install.

SQLite in WAL mode and a file-based Celery broker under ``var/``. Meant for a county office's
single server and for trying the system out; see README.
"""

import base64
import secrets
from collections.abc import Callable

from celery.schedules import crontab

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("LGSC_DEBUG", default=False)


def _installation_secret(name: str, generate: Callable[[], str]) -> str:
    """A secret made once for this installation and kept under var/ (never committed)."""
    path = VAR_DIR / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(generate())
    return path.read_text().strip()


def _new_key() -> str:
    """A 32-byte key, base64url-encoded."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


SECRET_KEY = env.str("SECRET_KEY", default="") or _installation_secret(
    "secret_key", lambda: secrets.token_urlsafe(50)
)
# Personal data at rest (cases.crypto). Losing these files loses the data: back them up, apart
# from the database backups.
PERSONAL_DATA_KEYS = env.list("PERSONAL_DATA_KEYS", default=[]) or [
    _installation_secret("personal_data_key", _new_key)
]
PERSONAL_DATA_INDEX_KEY = env.str("PERSONAL_DATA_INDEX_KEY", default="") or _installation_secret(
    "personal_data_index_key", _new_key
)
# The audit trail's seal keys (audit.chain; the first seals, all verify) and the directory of
# its anchors (audit.anchors). On one machine the anchors can only be kept apart from the
# database, not out of its owner's reach: copy the anchor file elsewhere, or set these.
AUDIT_MAC_KEYS = env.list("AUDIT_MAC_KEYS", default=[]) or [
    _installation_secret("audit_mac_key", _new_key)
]
AUDIT_ANCHOR_DIR = env.path("AUDIT_ANCHOR_DIR", default=str(VAR_DIR / "audit-anchors"))
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

DATABASES = {
    "default": {
        # Django's SQLite backend, running PRAGMA optimize as a connection closes (ANALYZE
        # where statistics are missing or stale; see config/sqlite/base.py).
        "ENGINE": "config.sqlite",
        "NAME": VAR_DIR / "db.sqlite3",
        "OPTIONS": {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN,
            # so concurrent writers queue instead of failing with "database is locked".
            # The file is read through a memory map (pages shared by every connection and
            # process, no read() per page) and each connection keeps 32 MiB of pages.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-32768;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # A connection (and its page cache) lives across requests, as on PostgreSQL.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
}

CACHES = {
    "default": {
        # Django's file cache with atomic add/incr (the kiosk's lookup brake counts in it).
        "BACKEND": "config.cache.LockingFileBasedCache",
        "LOCATION": VAR_DIR / "cache",
    },
    # The sessions' copies (SESSION_ENGINE cached_db, config.settings.base) in a folder of their
    # own: a file cache over its MAX_ENTRIES deletes a third of its entries at random, and a
    # flood of new sessions must not delete the throttles' counters with them. A session the
    # cache let go is read from the database again.
    "sessions": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "sessions",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}
SESSION_CACHE_ALIAS = "sessions"

CELERY_BROKER_URL = "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(VAR_DIR / "broker" / "queue"),
    "data_folder_out": str(VAR_DIR / "broker" / "queue"),
    "processed_folder": str(VAR_DIR / "broker" / "processed"),
    "control_folder": str(VAR_DIR / "broker" / "control"),
    "store_processed": False,
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The file scheduler, refusing to start beside another beat on this file (config/beat.py).
CELERY_BEAT_SCHEDULER = "config.beat.SingleFileScheduler"
# The planner's statistics, read whole every night (config/sqlite/base.py; the closes of
# connections keep them roughly current in between).
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,  # noqa: F405
    "sqlite-analyze": {
        "task": "config.celery.database_analyze_task",
        "schedule": crontab(hour=3, minute=20),  # CELERY_TIMEZONE: Asia/Shanghai
    },
}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
LGSC_ALLOW_DEMO_DATA = True
