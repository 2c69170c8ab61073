"""Settings shared by every way of running the back office.

The three concrete modules (``embedded``, ``production``, ``test``) import this one and set the
database, broker and secrets. Nothing here reads a secret.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

from config.logconfig import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# Where the embedded default keeps its database, broker queue, uploads and beat schedule.
VAR_DIR = Path(env.str("LGSC_VAR_DIR", default=str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "config.apps.OTPAdminConfig",  # replaces django.contrib.admin: admin.site requires a 2nd factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "simple_history",
    "accounts",
    "markets",
    "audit",
    "notifications",
    "sla",
    "cases",
    "workflows.postings",
    "workflows.seekers",
    "workflows.guidance",
    "workflows.training",
    "workflows.startup",
    "workflows.complaints",
    "workflows.welfare",
    "workflows.campaigns",
    "workflows.ratings",
    "workflows.inspections",
    "stats",
    "portal",
    "noticeboard",
    "exports",
    "search",
    "provincial",
    "online",
    "backoffice",
    # The REST API (/api/v1/) and what it stands on.
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "api",
]

# Reverse proxies whose X-Forwarded-For names the client (production reads LGSC_TRUSTED_PROXIES).
LGSC_TRUSTED_PROXIES: list[str] = []
MIDDLEWARE = [
    # The client's address behind the proxies of LGSC_TRUSTED_PROXIES, before anyone reads it.
    "config.middleware.TrustedProxyMiddleware",
    # First: every log line of the request carries its id (config/requestid.py), and the
    # latency of the whole request is measured (config/metrics.py).
    "config.requestid.RequestIdMiddleware",
    "config.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # With a read replica: a session that wrote reads from the primary for a while (config.db).
    "config.db.ReplicaStickinessMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChineseFirstLocaleMiddleware",
    # Under /api/ only: every error as problem details, the API's body limit, ETags.
    "api.middleware.ApiMiddleware",
    "config.middleware.RequestBodyLimitMiddleware",  # before anything reads the body
    "config.middleware.QueryStringMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "accounts.middleware.PasswordExpiryMiddleware",
    # Inspectors read case work and change nothing (403 on every POST of its pages).
    "backoffice.common.readonly.InspectorsReadOnlyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last: a view that finds Redis or the object storage down answers 503, not 500.
    "config.unavailable.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Django's form renderer, which draws the common widgets (inputs, selects) without a template
# per <option>: the same HTML, a fraction of the time (config/forms.py).
FORM_RENDERER = "config.forms.FastWidgetRenderer"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, sign-in and the second factor ---------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "markets.backends.RoleBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
# 等保 level 3 asks for periodic password change; see README, "Security".
PASSWORD_MAX_AGE = timedelta(days=env.int("LGSC_PASSWORD_MAX_AGE_DAYS", default=90))

# Sessions: kept in the database and read through the cache (Redis in production, the file
# cache of the embedded installation), so a page reads no session row; a session the cache has
# lost is read from the database again. Idle timeout and absolute lifetime: accounts.middleware.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=10)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIFETIME.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

OTP_TOTP_ISSUER = "零工市场"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Nobody reads another person's second-factor secret (key, QR code, backup codes) in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
BACKUP_CODE_COUNT = 10

# django-axes: lock an account after repeated failures; every attempt is logged.
AXES_FAILURE_LIMIT = env.int("LGSC_SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Lock the account, not the address: a market's counters usually share one NAT address, and
# locking it would shut a whole office out after one clumsy morning. Spraying passwords across
# accounts from one address still meets every account's own lock-out and its second factor.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
# Masked in the recorded POST data (the password always is): a backup code stays valid until used.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
AXES_VERBOSE = False

# --- Language and time --------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"  # display zone; the database stores UTC
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT: Path | None = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"  # outside the web root; files are served through permission checks

# --- Celery -------------------------------------------------------------------------------------
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands a task a killed worker held back only after the visibility timeout (kombu's
# default, an hour); it is kept, since a shorter one would hand out again the retries that wait
# in a worker for their countdown. The sweeps recover faster: a reminder or message whose task
# was lost is queued again when its lease runs out (sla.services.QUEUE_LEASE,
# notifications.services.OUTBOX_QUEUE_LEASE: 60 s), so within two minutes of a restart.
# A sweep that waited in the broker longer than its interval expires unrun (the next one does
# its work): a worker back after an outage does not run an hour of sweeps one after the other.
SWEEP_EXPIRES = 55.0  # seconds
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Due-soon and overdue deadlines (限时办结): each reminder once, caught up after an outage.
    "sla-sweep": {
        "task": "sla.tasks.sla_sweep_task",
        "schedule": 60.0,
        "options": {"expires": SWEEP_EXPIRES},
    },
    # Anchor every audit chain's head outside the database (AUDIT_ANCHOR_DIR) and mail the
    # heads to the audit administrators: at least daily, before the nightly check below.
    "audit-anchor-chains": {
        "task": "audit.tasks.anchor_audit_chains",
        "schedule": crontab(hour=2, minute=15),  # CELERY_TIMEZONE: Asia/Shanghai
    },
    # Recompute the audit log's hash chains every night; alerts the audit administrators.
    "audit-verify-chains": {
        "task": "audit.tasks.verify_audit_chains",
        "schedule": crontab(hour=2, minute=30),  # CELERY_TIMEZONE: Asia/Shanghai
    },
    # Deliver outbox messages that are due and whose task was lost (crashed worker, broker outage).
    "notifications-outbox-sweep": {
        "task": "notifications.tasks.outbox_sweep_task",
        "schedule": timedelta(minutes=1),
        "options": {"expires": SWEEP_EXPIRES},
    },
    # Remove stored attachment files that no row references, after a grace period (logged).
    "cases-attachment-orphans": {
        "task": "cases.tasks.attachment_orphans_remove_task",
        "schedule": crontab(minute=17),  # hourly
    },
    # The same for inspection photos.
    "inspections-photo-orphans": {
        "task": "workflows.inspections.tasks.inspection_photo_orphans_remove_task",
        "schedule": crontab(minute=19),  # hourly
    },
    # Forget the one-time tokens of forms sent more than a week ago.
    "cases-form-submissions-prune": {
        "task": "cases.tasks.form_submission_prune_task",
        "schedule": crontab(hour=3, minute=40),
    },
    # Anonymise the persons whose last case ended more than LGSC_RETENTION_YEARS ago.
    "cases-retention-anonymise": {
        "task": "cases.tasks.applicants_anonymise_due_task",
        "schedule": crontab(hour=4, minute=10),
    },
    # Remove the files of list exports older than EXPORT_FILE_DAYS days (their jobs stay).
    "exports-files-purge": {
        "task": "exports.tasks.export_files_purge_task",
        "schedule": crontab(hour=3, minute=50),
    },
    # Forget the API's Idempotency-Keys past API_IDEMPOTENCY_KEY_HOURS.
    "api-idempotency-prune": {
        "task": "api.tasks.idempotency_prune_task",
        "schedule": crontab(minute=41),  # hourly
    },
    # Freeze last month's statistics (art. 15) on the first working day of a month; on any
    # other day, and a second time the same day, it does nothing.
    "stats-publish-due": {
        "task": "stats.tasks.stats_publish_due_task",
        "schedule": crontab(hour=1, minute=20),
    },
    # The provisional figures of this month and last (until published), which the statistics
    # page reads instead of counting every record while its reader waits.
    "stats-drafts-refresh": {
        "task": "stats.tasks.stats_drafts_refresh_task",
        "schedule": crontab(minute=35),  # hourly
        "options": {"expires": 30 * 60},
    },
    # Expire published job postings past their last working day (idempotent).
    "postings-expire-due": {
        "task": "workflows.postings.tasks.posting_expire_due_task",
        "schedule": crontab(hour=0, minute=5),
    },
    # The provincial platform (docs/provincial-sync.md): deliver the outbox (retries, and the
    # messages of a worker that died once their lease ran out) and pull the platform's feed.
    "provincial-outbound-deliver": {
        "task": "provincial.tasks.outbound_deliver_task",
        "schedule": 30.0,
        "options": {"expires": 25.0},
    },
    "provincial-inbound-pull": {
        "task": "provincial.tasks.inbound_pull_task",
        "schedule": timedelta(minutes=5),
        "options": {"expires": SWEEP_EXPIRES},
    },
}

# The SLA sweep: connections that sweep at once when more than a batch of reminders is due
# (PostgreSQL only; 1: the caller's alone). See sla.services.sla_sweep.
SLA_SWEEP_WORKERS = env.int("SLA_SWEEP_WORKERS", default=2)

# --- The provincial platform link (docs/provincial-sync.md) -------------------------------------
# Its address (empty: no platform, nothing is sent or pulled; the outbox still fills), the
# client class that speaks to it, its bearer token, and who we are to it.
PROVINCIAL_URL = env.str("PROVINCIAL_URL", default="")
PROVINCIAL_CLIENT = env.str("PROVINCIAL_CLIENT", default="provincial.adapter.HttpPlatformClient")
PROVINCIAL_TOKEN = env.str("PROVINCIAL_TOKEN", default="")
PROVINCIAL_SENDER_ID = env.str("PROVINCIAL_SENDER_ID", default="lgsc")
PROVINCIAL_TIMEOUT_SECONDS = env.float("PROVINCIAL_TIMEOUT_SECONDS", default=10.0)
# Delivery: messages per request; failed attempts before a dead letter; the first backoff
# (doubling up to an hour); how long a worker holds the messages it is sending.
PROVINCIAL_BATCH_SIZE = env.int("PROVINCIAL_BATCH_SIZE", default=200)
PROVINCIAL_MAX_ATTEMPTS = env.int("PROVINCIAL_MAX_ATTEMPTS", default=8)
PROVINCIAL_BACKOFF_SECONDS = env.int("PROVINCIAL_BACKOFF_SECONDS", default=30)
PROVINCIAL_LEASE_SECONDS = env.int("PROVINCIAL_LEASE_SECONDS", default=120)
# Import: items per page of the platform's feed, and the account imports run as (an officer
# of each market it imports into).
PROVINCIAL_PULL_LIMIT = env.int("PROVINCIAL_PULL_LIMIT", default=200)
PROVINCIAL_IMPORT_USERNAME = env.str("PROVINCIAL_IMPORT_USERNAME", default="provincial-sync")
# ``make run`` starts the simulator and points PROVINCIAL_URL at it when this is 1.
PROVINCIAL_SIMULATOR = env.bool("PROVINCIAL_SIMULATOR", default=False)
# The anchoring is overdue (verify_audit and the nightly check report it, and alert the audit
# administrators once a day) when a chain has rows after its newest anchor and that anchor is
# older than this: the daily anchoring has stopped (beat down, the task failing unnoticed).
AUDIT_ANCHOR_MAX_AGE_HOURS = env.int("AUDIT_ANCHOR_MAX_AGE_HOURS", default=36)

# --- Security headers (the deploy settings tighten these) ---------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): our own files only, no inline script, no inline style,
# no plugins, never framed, forms post back to us. Every page's script lives under static/js/
# (tests/config/test_csp.py refuses an inline <script> or on…= handler in any template).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Readable lines with the request id; one JSON object per line with LGSC_JSON_LOGS=true (the
# production default; config/logconfig.py, docs/deploy/monitoring.md).
LOGGING = logging_config(json=env.bool("LGSC_JSON_LOGS", default=False))
# /metrics (config/metrics.py): a bearer token; empty: only loopback requests that no proxy
# forwarded may read it.
LGSC_METRICS_TOKEN = env.str("LGSC_METRICS_TOKEN", default="")

# --- The read replica (config/db.py, docs/deploy/replica.md) ------------------------------------
# DATABASES["replica"] comes from DATABASE_REPLICA_URL (production, test); without it the router
# has no opinion and every query goes to the primary. Marked reads (readreplica) go to the
# replica while it is reachable and at most LGSC_REPLICA_MAX_LAG_SECONDS behind (checked once
# per LGSC_REPLICA_CHECK_SECONDS per process); a session that wrote reads from the primary for
# LGSC_REPLICA_STICKY_SECONDS (keep it above the lag the replica is allowed).
DATABASE_ROUTERS = ["config.db.ReplicaRouter"]


def replica_database(url: str, *, connect_timeout: int = 2) -> dict[str, Any]:
    """``DATABASES["replica"]`` from its URL, with a short connect timeout: an unreachable
    replica must not hold a page up for long before the primary answers it."""
    database: dict[str, Any] = env.db_url_config(url)
    database.setdefault("OPTIONS", {}).setdefault("connect_timeout", connect_timeout)
    return database


LGSC_REPLICA_MAX_LAG_SECONDS = env.float("LGSC_REPLICA_MAX_LAG_SECONDS", default=5.0)
LGSC_REPLICA_STICKY_SECONDS = env.float("LGSC_REPLICA_STICKY_SECONDS", default=10.0)
LGSC_REPLICA_CHECK_SECONDS = env.float("LGSC_REPLICA_CHECK_SECONDS", default=2.0)

# The demo loader refuses to run unless a settings module allows it (never in production).
LGSC_ALLOW_DEMO_DATA = False

# --- List exports (XLSX, CSV): lists up to EXPORT_INLINE_MAX_ROWS rows are built in the request,
# longer ones by a Celery worker; files are kept EXPORT_FILE_DAYS days under MEDIA_ROOT/exports/.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=2000)
EXPORT_FILE_DAYS = env.int("EXPORT_FILE_DAYS", default=7)

# --- Case attachments (stored under MEDIA_ROOT, sent only through cases' permission checks) ----
CASE_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
CASE_ATTACHMENT_MAX_COUNT = 20
# A stored file that no attachment row references is removed once it is this old (an upload
# still in its transaction is never that old).
CASE_ATTACHMENT_ORPHAN_GRACE = timedelta(
    hours=env.int("LGSC_ATTACHMENT_ORPHAN_GRACE_HOURS", default=24)
)

# --- The acceptance receipt (受理回执) ------------------------------------------------------------
# The address at which the public reaches the portal (``https://gig.example.gov.cn``), used in
# the QR code printed on a receipt, which an applicant scans with a phone. Empty: the address
# of the back-office request that prints it (right when staff and public share one host).
LGSC_PUBLIC_BASE_URL = env.str("LGSC_PUBLIC_BASE_URL", default="").rstrip("/")

# --- Satisfaction ratings (好差评) ---------------------------------------------------------------
# The rating link of the completion text message stays valid this many days (and rates once);
# it starts with LGSC_PUBLIC_BASE_URL, so set that for the links to open on a phone.
LGSC_RATING_LINK_DAYS = env.int("LGSC_RATING_LINK_DAYS", default=30)

# --- Retention of personal data (个人信息保护法 art. 19; see the README) -------------------------
# A person is anonymised this many years after the last of their cases ended.
LGSC_RETENTION_YEARS = env.int("LGSC_RETENTION_YEARS", default=3)

# Monthly statistics (standard art. 15, stats/, docs/statistics.md). A cell is ranked only
# with at least STATS_RANKING_MIN_COUNT openings and seekers; the rankings list the first
# STATS_RANKING_SIZE ranks; a registration counts as a seeker for STATS_SEEKER_ACTIVE_DAYS
# days; a day's wage outside STATS_WAGE_DAILY_MIN..MAX yuan is left out (and counted).
STATS_RANKING_MIN_COUNT = env.int("STATS_RANKING_MIN_COUNT", default=10)
STATS_RANKING_SIZE = env.int("STATS_RANKING_SIZE", default=10)
STATS_SEEKER_ACTIVE_DAYS = env.int("STATS_SEEKER_ACTIVE_DAYS", default=90)
STATS_WAGE_DAILY_MIN = env.int("STATS_WAGE_DAILY_MIN", default=10)
STATS_WAGE_DAILY_MAX = env.int("STATS_WAGE_DAILY_MAX", default=5000)

# --- Request size (issue 13): the web server in front has its own limits (README, Production) --
# A body declaring more than this is refused with 413 before it is read
# (config.middleware.RequestBodyLimitMiddleware); the file-upload addresses allow one attachment.
REQUEST_BODY_MAX_BYTES = 2 * 1024 * 1024
REQUEST_BODY_UPLOAD_MAX_BYTES = CASE_ATTACHMENT_MAX_BYTES + 1024 * 1024
REQUEST_BODY_UPLOAD_URL_NAMES = [
    "backoffice:case_attachment_upload",
    # The applicant hands in the items of a single notice: online, and through the API.
    "portal:online:case",
    "api:own_case_materials",
]
# Form fields (files excepted) of one request, in memory; number of fields and of files.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 5
# An uploaded file larger than this goes to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Headers of one part of a multipart body (a file's name is in them): Django's own bound is
# 1 KiB, which refuses long Chinese file names with a bare 400 (config.uploads).
MULTIPART_PART_HEADER_MAX_BYTES = 64 * 1024

# --- The REST API (/api/v1/; api/, README "API") -------------------------------------------------
# Request bodies of the API: JSON only, at most this large (413 beyond), nested at most this deep.
API_BODY_MAX_BYTES = 1024 * 1024
API_JSON_MAX_DEPTH = 32
# An Idempotency-Key is remembered this long: a repeat within it answers the first response.
API_IDEMPOTENCY_KEY_HOURS = env.int("API_IDEMPOTENCY_KEY_HOURS", default=24)
API_PAGE_SIZE = 20
API_PAGE_SIZE_MAX = 100
# The feed of outbound changes (GET /api/v1/client/feed/) lists a message only once this many
# seconds have passed since it was written (a transaction still open cannot slip behind a cursor).
API_FEED_SETTLE_SECONDS = env.int("API_FEED_SETTLE_SECONDS", default=5)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Never a password (staff have a second factor the API cannot ask for).
        "api.authentication.ClientTokenAuthentication",
        "api.authentication.ApplicantSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AddressThrottle",
        "api.throttling.ClientThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "address": env.str("API_THROTTLE_ADDRESS", default="120/min"),
        "client": env.str("API_THROTTLE_CLIENT", default="600/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "零工市场 API",
    "DESCRIPTION": (
        "Public reads of published postings and the market directory; applicants' own records "
        "with an online session; other systems with OAuth 2.0 client credentials. Every error "
        "is an RFC 9457 problem (application/problem+json). Every POST takes an Idempotency-Key."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # vendored assets, no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {},
    "SECURITY": [],
}
# Named so that a migration's link to it (api.ApiClient) can say which model it is.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
# OAuth 2.0 for other systems: client credentials only; the scopes a client may be given.
OAUTH2_PROVIDER = {
    "SCOPES": {
        "postings:read": "Read the postings of the client's markets",
        "postings:write": "Create and keep current postings in the client's markets",
        "cases:read": "Read the cases of the client's markets (masked)",
        "sync": "The provincial platform's sync",
    },
    "DEFAULT_SCOPES": ["postings:read"],
    "SCOPES_BACKEND_CLASS": "api.oauth.ClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "api.oauth.ClientCredentialsValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("API_TOKEN_SECONDS", default=3600),
    # RFC 9700 (OAuth 2.0 Security BCP) in full: no implicit or password grant, tokens stored
    # hashed, tokens only in the Authorization header, https redirects (none are used).
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    **{
        f"COMPLIANT_BCP_RFC9700_{name}": True
        for name in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
}
