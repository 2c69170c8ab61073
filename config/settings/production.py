"""Production and scale-out: PostgreSQL, Redis (or RabbitMQ), any number of web and worker
processes and exactly one Celery beat. Every secret and address comes from the environment;
a missing one stops start-up with ImproperlyConfigured rather than falling back to a default.
"""

from .base import *  # noqa: F403
from .base import SILENCED_SYSTEM_CHECKS, env

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

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

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
