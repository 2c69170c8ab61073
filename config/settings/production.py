"""Production and scale-out: PostgreSQL, Redis (or RabbitMQ), any number of web and worker
processes and exactly one Celery beat scheduling (a Redis lock enforces it, docs/deploy/beat.md).
Every secret and address comes from the environment; a missing one stops start-up with
ImproperlyConfigured rather than falling back to a default.

State that several processes must agree on (the kiosk's lookup throttle, sign-in lock-outs,
the big screen's cached figures) lives in a shared cache: a per-process cache (``locmem``) is
refused unless ``LGSC_SINGLE_HOST=true`` says this is one host with one process that may keep
it to itself; the dummy cache, which keeps nothing, always.
"""

from django.core.exceptions import ImproperlyConfigured

from config.beat import redbeat_settings
from config.logconfig import logging_config
from config.proxies import networks_parse
from config.storage_settings import s3_storage_from_env

from .base import *  # noqa: F403
from .base import SILENCED_SYSTEM_CHECKS, STORAGES, VAR_DIR, env, replica_database

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
# Personal data at rest (cases.crypto): base64url 32-byte keys, the first one encrypts.
PERSONAL_DATA_KEYS = env.list("PERSONAL_DATA_KEYS")
PERSONAL_DATA_INDEX_KEY = env.str("PERSONAL_DATA_INDEX_KEY")
# The audit trail (audit.chain, audit.anchors): base64url 32-byte keys, the first one seals new
# rows, all verify; and an append-only directory, out of the database's reach, for the anchors.
AUDIT_MAC_KEYS = env.list("AUDIT_MAC_KEYS")
AUDIT_ANCHOR_DIR = env.path("AUDIT_ANCHOR_DIR")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {"default": env.db_url("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A PostgreSQL hot standby of the primary for the heavy read-only work (config/db.py).
_replica_url = env.str("DATABASE_REPLICA_URL", default="")
if _replica_url:
    DATABASES["replica"] = replica_database(_replica_url)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
# One host, one process: the only deployment allowed to keep shared state to itself.
LGSC_SINGLE_HOST = env.bool("LGSC_SINGLE_HOST", default=False)

# Celery beat (docs/deploy/beat.md): RedBeat keeps the schedule's state in Redis, and a beat
# schedules only while it holds a Redis lock that expires; any further beat waits for the lock
# and takes over when the first stops (at once) or dies (within the lock timeout). The schedule
# itself stays CELERY_BEAT_SCHEDULE. The lock lives in REDBEAT_REDIS_URL, by default the
# broker's Redis; a RabbitMQ broker must name one, unless this is a single host whose one beat
# may keep its schedule in a local file.
REDBEAT_REDIS_URL = env.str("REDBEAT_REDIS_URL", default="") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
if REDBEAT_REDIS_URL:
    # A beat looks at the schedule and renews its lock at least every 5 s, a waiting beat tries
    # the lock as often, and a dead holder's lock expires after REDBEAT_LOCK_TIMEOUT (30 s).
    vars().update(
        redbeat_settings(
            redis_url=REDBEAT_REDIS_URL,
            key_prefix=env.str("REDBEAT_KEY_PREFIX", default="redbeat:"),
            lock_timeout=env.int("REDBEAT_LOCK_TIMEOUT", default=30),
        )
    )
elif LGSC_SINGLE_HOST:
    # The embedded default's file scheduler, which refuses a second beat on the same file.
    CELERY_BEAT_SCHEDULER = "config.beat.SingleFileScheduler"
    CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
else:
    raise ImproperlyConfigured(
        f"REDBEAT_REDIS_URL: the broker ({CELERY_BROKER_URL.split(':', 1)[0]}://) is no Redis, "
        "and Celery beat needs one for its lock, which keeps a second beat from scheduling "
        "every periodic task again. Set REDBEAT_REDIS_URL=redis://host:6379/2, or set "
        "LGSC_SINGLE_HOST=true on a host that runs the one beat with its schedule in a file."
    )
CACHES = {"default": env.cache_url("CACHE_URL")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.dummy.DummyCache":
    raise ImproperlyConfigured(
        "CACHE_URL: the dummy cache keeps nothing, so the kiosk's throttle and the sign-in "
        "lock-outs would never count. Point CACHE_URL at Redis (rediscache://host:6379/1)."
    )
if (
    CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    and not LGSC_SINGLE_HOST
):
    raise ImproperlyConfigured(
        f"CACHE_URL: {CACHES['default']['BACKEND']} keeps its state in one process, so throttles "
        "and lock-outs would count per process. Point CACHE_URL at Redis "
        "(rediscache://host:6379/1), or set LGSC_SINGLE_HOST=true on a single-process host."
    )
# A Redis that stops answering (a host gone, a firewall dropping packets) must fail a request
# in seconds, as a clear 503 page (config/unavailable.py), not hang it for the kernel's minutes.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    _cache_timeout = env.float("LGSC_CACHE_TIMEOUT_SECONDS", default=2.0)
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", _cache_timeout)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", _cache_timeout)

# Operators' signals (docs/deploy/monitoring.md): one JSON object per log line unless
# LGSC_JSON_LOGS=false; /metrics wants this bearer token (unset: loopback only).
LOGGING = logging_config(json=env.bool("LGSC_JSON_LOGS", default=True))
LGSC_METRICS_TOKEN = env.str("LGSC_METRICS_TOKEN", default="")

# Stored files (attachments, inspection photos, exports): an S3-compatible bucket every host
# shares (docs/deploy/storage.md). A folder on one host's disk is refused unless this is the
# only host: an upload taken by one host could not be downloaded from another.
_bucket_storage = s3_storage_from_env(env)
if _bucket_storage is not None:
    STORAGES = {**STORAGES, "default": _bucket_storage}
elif not LGSC_SINGLE_HOST:
    raise ImproperlyConfigured(
        "LGSC_S3_BUCKET: stored files would be kept on this host's disk (MEDIA_ROOT), where "
        "the other hosts cannot read them. Set LGSC_S3_BUCKET (and LGSC_S3_ENDPOINT_URL, "
        "LGSC_S3_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY as the store needs; see "
        "docs/deploy/storage.md), or set LGSC_SINGLE_HOST=true on a single host."
    )

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# HTTPS only. Behind a TLS-terminating proxy set LGSC_BEHIND_PROXY=true.
if env.bool("LGSC_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
# The reverse proxies (addresses or networks) whose X-Forwarded-For names the client
# (config.middleware.TrustedProxyMiddleware): e.g. 127.0.0.1 for nginx on the same host.
LGSC_TRUSTED_PROXIES = env.list("LGSC_TRUSTED_PROXIES", default=[])
try:
    networks_parse(LGSC_TRUSTED_PROXIES)
except ValueError as _error:
    raise ImproperlyConfigured(
        f"LGSC_TRUSTED_PROXIES: {_error} (an address, or a network such as 10.0.0.0/8)."
    ) from None
# Probes and the Prometheus scraper talk to the application server itself, in plain HTTP on
# the internal network (docs/deploy/monitoring.md).
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading is the domain owner's opt-in (it binds every subdomain and is slow to undo), so
# its absence is no deployment fault: `check --deploy --fail-level WARNING` must pass without it.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
