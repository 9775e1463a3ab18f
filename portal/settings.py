"""Tsunagi settings, read from the environment (django-environ).

A bare checkout runs on embedded defaults: SQLite under ``var/`` and Celery's filesystem
broker, so ``make run`` needs no server. Production sets ``DATABASE_URL``,
``CELERY_BROKER_URL``, ``SECRET_KEY`` and the security flags documented in ``docs/deploy.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from celery.schedules import crontab as _crontab
from django.utils.translation import gettext_lazy as _
from kombu import Exchange as _KombuExchange
from kombu import Queue as _KombuQueue

from portal import logging as _portal_logging
from portal import queues as _queues

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("TSUNAGI_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

# Secrets may come from files (Docker/Podman secrets, systemd credentials): SECRET_KEY_FILE,
# DATABASE_URL_FILE, ... name a file whose content (stripped) is the value.
for _name in ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL", "METRICS_TOKEN"):
    _file = environ.Env().str(f"{_name}_FILE", default="")
    if _file and _name not in os.environ:
        os.environ[_name] = Path(_file).read_text().strip()

# --- Core ----------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-never-use-in-production-0123456789"
# Only good on a developer's machine: `check --deploy` fails on it and gunicorn refuses it.
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_ID = 1
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "portal.admin_site.ConsoleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "suppliers",
    "suppliers.erp",
    "suppliers.production",
    "suppliers.forecasts.apps.ForecastsConfig",
    "suppliers.quality.apps.QualityConfig",
    "suppliers.planning.apps.PlanningConfig",
    "suppliers.scorecards.apps.ScorecardsConfig",
    "edi",
    "portal",
    "portal.ops",
]

MIDDLEWARE = [
    "portal.ops.middleware.RequestContextMiddleware",  # fresh log context, latency histogram
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.SupplierContextMiddleware",
    "portal.middleware.MfaEnforcementMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    }
]

# --- Database, cache -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tsunagi.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Web, worker and beat share the file: wait for locks instead of failing, WAL for readers.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://tsunagi")}

# --- Auth: django-allauth, e-mail login, no open sign-up, TOTP MFA ----------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"  # addresses are vouched for by the invitation e-mail
ACCOUNT_ADAPTER = "portal.auth.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
# Lockout: after LOGIN_ATTEMPTS failures for one e-mail address, further attempts for it are
# refused for LOGIN_LOCKOUT_SECONDS (and 10 failures a minute from one IP address).
LOGIN_ATTEMPTS = env.int("LOGIN_ATTEMPTS", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"10/m/ip,{LOGIN_ATTEMPTS}/{LOGIN_LOCKOUT_SECONDS}s/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "portal.auth.MFAAdapter"
MFA_TOTP_ISSUER = "Tsunagi"
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- I18n ------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static, media, files --------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads (quality-notice attachments) live outside the web root and are served by views that
# check permission; there is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Quality-notice attachments (photos, PDFs) larger than this are refused.
QUALITY_ATTACHMENT_MAX_BYTES = env.int("QUALITY_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tsunagi <tsunagi@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security --------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],  # the admin sets inline style attributes
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # ERP systems and supplier users send `Authorization: Api-Key <key>`; a logged-in portal
    # user (or buyer) can also use the API from the browser with their session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "suppliers.erp.auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],  # the API speaks JSON only
    "EXCEPTION_HANDLER": "suppliers.erp.problems.problem_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["suppliers.erp.auth.ApiKeyRateThrottle"],
    # Per API key (per user for sessions); any DRF rate: "600/min", "20/second", "10000/day".
    "DEFAULT_THROTTLE_RATES": {"api_key": env.str("API_RATE_LIMIT", default="600/min")},
}
# ERP file hand-off in the ERP outbox: canonical JSON, SAP IDoc XML, or both (docs/erp-idoc.md).
ERP_OUTBOX_FORMAT = env.str("ERP_OUTBOX_FORMAT", default="json")
# IDoc XML files larger than this are refused before parsing.
IDOC_MAX_BYTES = env.int("IDOC_MAX_BYTES", default=50 * 1024 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "Tsunagi API",
    "DESCRIPTION": "Supplier collaboration and EDI hub: ERP integration API.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: no CDN, and it passes the CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",  # tags by resource: purchase-orders, feeds, parts...
    "ENUM_NAME_OVERRIDES": {
        "PurchaseOrderStatusEnum": "suppliers.models.orders.OrderStatus",
        "DespatchAdviceStatusEnum": "suppliers.models.shipping.AdviceStatus",
        "SupplierStatusEnum": "suppliers.models.supplier.SupplierStatus",
    },
}

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
_fs_broker_dir = VAR_DIR / "celery" / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_fs_broker_dir),
        "data_folder_out": str(_fs_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND",
    default=(
        f"file://{VAR_DIR / 'celery' / 'results'}"
        if CELERY_BROKER_URL.startswith("filesystem://")
        else CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "rpc://"
    ),
)
CELERY_TASK_ALWAYS_EAGER = False  # never eager: `make run` executes tasks in a real worker
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Queues by concern (portal/queues.py, docs/operations.md): edi_inbound, edi_outbound, as2_mdn,
# email, analytics, periodic, plus the default. A worker without -Q consumes them all.
CELERY_QUEUE_PREFIX = _queues.prefix_from(explicit=env.str("CELERY_QUEUE_PREFIX", default=None),
                                          default_queue=CELERY_TASK_DEFAULT_QUEUE)
CELERY_TASK_QUEUES = [
    _KombuQueue(name, _KombuExchange(name, type="direct"), routing_key=name)
    for name in [CELERY_TASK_DEFAULT_QUEUE] + [f"{CELERY_QUEUE_PREFIX}{c}" for c in _queues.CONCERNS]
]
CELERY_TASK_ROUTES = ("portal.queues.route_task",)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    # A poll that waited longer than its period is superseded by the next one: expire it.
    "edi-poll-folders": {"task": "edi.tasks.poll_everything", "schedule": env.float("EDI_POLL_SECONDS", default=5.0),
                         "options": {"expires": max(env.float("EDI_POLL_SECONDS", default=5.0) * 6, 30.0)}},
    "edi-resume-stalled": {"task": "edi.tasks.resume_stalled", "schedule": 60.0, "options": {"expires": 300}},
    # Daily; the task reminds each overdue 8D step at most once a day, so a rerun sends nothing.
    "quality-overdue-reminders": {"task": "suppliers.quality.tasks.remind_overdue",
                                  "schedule": _crontab(minute=0, hour=6), "options": {"expires": 12 * 3600}},
    # Planning (analytics queue): forecasts every Monday from last week's consumption, then a
    # replenishment run every morning. Both are safe to rerun.
    "planning-forecasts-weekly": {"task": "suppliers.planning.tasks.forecast_run",
                                  "schedule": _crontab(minute=0, hour=3, day_of_week="mon"),
                                  "options": {"expires": 12 * 3600}},
    "planning-replenishment-daily": {"task": "suppliers.planning.tasks.replenishment_run",
                                     "schedule": _crontab(minute=0, hour=5), "options": {"expires": 6 * 3600}},
    # Nightly on the analytics queue; a rerun recomputes the same numbers.
    "scorecards-nightly": {"task": "suppliers.scorecards.tasks.scorecards_nightly",
                           "schedule": _crontab(minute=30, hour=2), "options": {"expires": 12 * 3600}},
}

# --- EDI hub ---------------------------------------------------------------------------------
# A dropped file is picked up once it has not changed for this long (partners should still
# write to a temporary name and rename).
EDI_FILEDROP_SETTLE_SECONDS = env.float("EDI_FILEDROP_SETTLE_SECONDS", default=2.0)
# AS2 bodies are streamed to disk; anything larger is refused with HTTP 413.
AS2_MAX_BODY_BYTES = env.int("AS2_MAX_BODY_BYTES", default=512 * 1024 * 1024)

# --- Logging ---------------------------------------------------------------------------------
# LOG_FORMAT=json: one JSON object per line, with interchange_id, partner and document when known.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = _portal_logging.logging_config(fmt=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))
# Workers log through the same configuration (and so in the same format) as the web processes.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Operations: health, metrics, retention (docs/operations.md) -----------------------------
# /readyz fails when the EDI archive's file system has less free space than this.
READYZ_MIN_FREE_BYTES = env.int("READYZ_MIN_FREE_BYTES", default=1024**3)
READYZ_BROKER_TIMEOUT = env.float("READYZ_BROKER_TIMEOUT", default=2.0)
# /metrics: a bearer token, or client addresses (CIDR) allowed without one. Neither: 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
METRICS_CACHE_SECONDS = env.float("METRICS_CACHE_SECONDS", default=10.0)
# Raw interchanges and attachments are kept this long (default 7 years), then `manage.py purge`.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=7 * 365 + 2)
# Attachment models the purge covers: "app_label.Model": "date field" (absent apps are skipped).
RETENTION_ATTACHMENT_MODELS: dict[str, str] = {"quality.NoticeAttachment": "uploaded_at"}
