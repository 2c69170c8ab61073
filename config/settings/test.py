"""Settings for the test suite: SQLite by default, PostgreSQL when DATABASE_URL is set."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import env, replica_database

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
# Test-only keys (base64url of 32 bytes) for personal data at rest.
PERSONAL_DATA_KEYS = ["dGVzdC1vbmx5LXBlcnNvbmFsLWRhdGEta2V5LTAwMDE="]
PERSONAL_DATA_INDEX_KEY = "dGVzdC1vbmx5LXBlcnNvbmFsLWRhdGEtaW5kZXgtMDE="
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Test-only audit seal key; tests/conftest.py gives each test its own anchor directory.
AUDIT_MAC_KEYS = ["dGVzdC1vbmx5LWF1ZGl0LW1hYy1rZXktMDAwMDAwMDE="]

_tmp = Path(tempfile.gettempdir()) / "lgsc-test"
# pytest-xdist (scripts/test-all runs the suite in several processes): each worker process has
# a Redis database of its own (gw0 → 1, gw1 → 2 …), so that the Celery workers, beats and
# queues one test starts never meet another's. Written back to the environment, for the tests
# that read REDIS_URL and the processes they start.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _redis = urlsplit(os.environ["REDIS_URL"])
    _redis_db = int(_xdist_worker.removeprefix("gw")) + 1
    os.environ["REDIS_URL"] = urlunsplit(_redis._replace(path=f"/{_redis_db}"))
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{_tmp / 'test.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the real Celery worker of tests/sla/test_celery_worker.py opens the
    # test database too. One file per test run, so two runs at once do not share it.
    _tmp.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(_tmp / f"test_db.{os.getpid()}.sqlite3")}
    # As the embedded settings run it: the test process and real workers write the same file
    # at once, and without a write lock taken at BEGIN and a busy timeout a loaded machine
    # turns that into "database is locked" and retries that back off past a test's patience.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# A read replica when the environment names one. Django's test database is made on the primary
# only; the replica alias mirrors it there (a test mirror of ``default`` is no replica to the
# router, config.db.replica_configured). tests/config/test_read_replica.py streams a real one.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = replica_database(env.str("DATABASE_REPLICA_URL"))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One folder per test run and test process (the orphan sweep lists it); the workers a test
# starts inherit both names, and so write into the same folder as their test.
_test_run = os.environ.setdefault("LGSC_TEST_RUN", str(os.getpid()))
MEDIA_ROOT = _tmp / f"media.{_test_run}.{_xdist_worker or 'main'}"
AUDIT_ANCHOR_DIR = _tmp / f"audit-anchors.{os.getpid()}"
STATIC_ROOT = None  # nothing is collected in tests; static files come from the finders
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Fast hashing; the production hasher is exercised by its own test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CELERY_BROKER_URL = env.str("REDIS_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LGSC_ALLOW_DEMO_DATA = True
