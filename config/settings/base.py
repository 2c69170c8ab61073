"""Settings shared by every way of running the back office.

The three concrete modules (``embedded``, ``production``, ``test``) import this one and set the
database, broker and secrets. Nothing here reads a secret.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

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
    "portal",
    "noticeboard",
    "backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChineseFirstLocaleMiddleware",
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
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
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

# Sessions: idle timeout and absolute lifetime (enforced by accounts.middleware).
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
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Due-soon and overdue deadlines (限时办结): each reminder once, caught up after an outage.
    "sla-sweep": {"task": "sla.tasks.sla_sweep_task", "schedule": 60.0},
    # Recompute the audit log's hash chains every night; alerts the audit administrators.
    "audit-verify-chains": {
        "task": "audit.tasks.verify_audit_chains",
        "schedule": crontab(hour=2, minute=30),  # CELERY_TIMEZONE: Asia/Shanghai
    },
    # Deliver outbox messages that are due and whose task was lost (crashed worker, broker outage).
    "notifications-outbox-sweep": {
        "task": "notifications.tasks.outbox_sweep_task",
        "schedule": timedelta(minutes=1),
    },
    # Expire published job postings past their last working day (idempotent).
    "postings-expire-due": {
        "task": "workflows.postings.tasks.posting_expire_due_task",
        "schedule": crontab(hour=0, minute=5),
    },
}

# --- Security headers (the deploy settings tighten these) ---------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The demo loader refuses to run unless a settings module allows it (never in production).
LGSC_ALLOW_DEMO_DATA = False

# --- Case attachments (stored under MEDIA_ROOT, sent only through cases' permission checks) ----
CASE_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
CASE_ATTACHMENT_MAX_COUNT = 20

# --- Request size (issue 13): the web server in front has its own limits (README, Production) --
# A body declaring more than this is refused with 413 before it is read
# (config.middleware.RequestBodyLimitMiddleware); the file-upload addresses allow one attachment.
REQUEST_BODY_MAX_BYTES = 2 * 1024 * 1024
REQUEST_BODY_UPLOAD_MAX_BYTES = CASE_ATTACHMENT_MAX_BYTES + 1024 * 1024
REQUEST_BODY_UPLOAD_URL_NAMES = ["backoffice:case_attachment_upload"]
# Form fields (files excepted) of one request, in memory; number of fields and of files.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 5
# An uploaded file larger than this goes to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Headers of one part of a multipart body (a file's name is in them): Django's own bound is
# 1 KiB, which refuses long Chinese file names with a bare 400 (config.uploads).
MULTIPART_PART_HEADER_MAX_BYTES = 64 * 1024
