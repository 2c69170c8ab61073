"""Production and scale-out: PostgreSQL, Redis (or RabbitMQ), any number of web and worker
processes and exactly one Celery beat. Every secret and address comes from the environment;
a missing one stops start-up with ImproperlyConfigured rather than falling back to a default.

State that several processes must agree on (the kiosk's lookup throttle, sign-in lock-outs,
the big screen's cached figures) lives in a shared cache: a per-process cache (``locmem``,
``dummy``) is refused unless ``LGSC_SINGLE_HOST=true`` says this is one host with one process
that may keep it to itself.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SILENCED_SYSTEM_CHECKS, env, replica_database

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
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = replica_database(env.str("DATABASE_REPLICA_URL"))
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
# One host, one process: the only deployment allowed to keep shared state to itself.
LGSC_SINGLE_HOST = env.bool("LGSC_SINGLE_HOST", default=False)
CACHES = {"default": env.cache_url("CACHE_URL")}
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
if CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES and not LGSC_SINGLE_HOST:
    raise ImproperlyConfigured(
        f"CACHE_URL: {CACHES['default']['BACKEND']} keeps its state in one process, so throttles "
        "and lock-outs would count per process. Point CACHE_URL at Redis "
        "(rediscache://host:6379/1), or set LGSC_SINGLE_HOST=true on a single-process host."
    )

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# HTTPS only. Behind a TLS-terminating proxy set LGSC_BEHIND_PROXY=true.
if env.bool("LGSC_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading is the domain owner's opt-in (it binds every subdomain and is slow to undo), so
# its absence is no deployment fault: `check --deploy --fail-level WARNING` must pass without it.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
