"""Health of the parts the system cannot work without: the database, the cache, the task
broker and the default file storage (docs/deploy/monitoring.md).

Each check answers True or False and never raises; each is bounded by a short timeout: the
broker's here, the cache's by its socket timeouts (config/settings/production.py), the
database's and the object storage's by their connection settings.
"""

from __future__ import annotations

import uuid

from celery import current_app
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection

BROKER_TIMEOUT_SECONDS = 2
# A name no file has: asking whether it exists is one cheap request (a HEAD on S3).
_STORAGE_PROBE = ".lgsc-ready-probe"


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_ok(timeout: int = BROKER_TIMEOUT_SECONDS) -> bool:
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception:
        return False


def cache_ok() -> bool:
    """A value written and read back (a per-process cache answers too: it is there)."""
    key = f"lgsc:ready:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        answered = cache.get(key) == "1"
        cache.delete(key)
        return answered
    except Exception:
        return False


def storage_ok() -> bool:
    try:
        default_storage.exists(_STORAGE_PROBE)
        return True
    except Exception:
        return False
