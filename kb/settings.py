"""Settings for Streamline KB, configured by environment variables.

Every variable is optional: the defaults run the whole site on one machine
with no server (SQLite under ``var/``, a local search index, a filesystem
Celery broker). Production must set ``SECRET_KEY``, ``DEBUG=0`` and
``ALLOWED_HOSTS``, and ``KB_WEBHOOK_SECRET``: with ``DEBUG=0`` the site
refuses to start on the development secrets (``kb.core.deployment``).
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

from kb.core import deployment
from kb.core.sentry import sentry_init

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KB_VAR_DIR", BASE_DIR / "var"))
# Prometheus metrics of this machine's processes (kb.core.metrics): chosen
# here, before anything imports prometheus_client, which reads it once.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(VAR_DIR / "metrics"))
Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = deployment.production_secret(
    os.environ, "SECRET_KEY", development_value="dev-only-insecure-key-change-me-in-production",
    debug=DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "health_check",
    "csp",
    "kb.core",
    "kb.problems",
    "kb.articles",
    "kb.search",
    "kb.diagnose",
    "kb.tickets",
    "kb.monitoring",
    "kb.wizard",
    "kb.mail",
    "kb.learning",
    "kb.setup",
]

MIDDLEWARE = [
    # First: it times everything below it.
    "kb.core.metrics.RequestMetricsMiddleware",
    # Work left for after the response (the API's search log): not timed above.
    "kb.core.after_response.AfterResponseMiddleware",
    "kb.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body: API clients get JSON 413 and 404.
    "kb.core.api_errors.ApiJsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kb.core.middleware.ViewerTimezoneMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kb.urls"
WSGI_APPLICATION = "kb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kb.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several processes (web, worker) share the file: write-ahead logging lets
    # readers go on during a write, IMMEDIATE transactions wait for the write
    # lock up front instead of failing midway, and a timeout waits for locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kb",
    }
}
if os.environ.get("KB_CACHE_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["KB_CACHE_URL"],
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins lock one account from one address (KB_LOGIN_FAILURE_LIMIT),
# one account from anywhere (more: someone else cannot lock a customer out
# with a few guesses), and one address for every account (far more: one
# office behind NAT shares it). kb.core.lockout counts them.
AXES_FAILURE_LIMIT = int(os.environ.get("KB_LOGIN_FAILURE_LIMIT", "5"))
KB_LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("KB_LOGIN_ACCOUNT_FAILURE_LIMIT", "20"))
KB_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("KB_LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = 0.25  # hours; the lockout page says "15 minutes"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "kb.core.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "kb.core.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "kb.core.addresses.axes_client_address"
# Proxies whose X-Forwarded-For (and, with KB_TLS, X-Forwarded-Proto) is
# believed: addresses or CIDR networks, comma-separated; none by default.
KB_TRUSTED_PROXIES = deployment.trusted_proxies(os.environ)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# Five pasted attachments of 2 MB each, plus the JSON around them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not DEBUG:
    # WhiteNoise serves collected files compressed (gzip, brotli when
    # installed) under names that carry their hash, cached for a year.
    STORAGES["staticfiles"] = {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

EMAIL_BACKEND = os.environ.get("KB_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("KB_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# The SMTP server, with KB_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = os.environ.get("KB_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KB_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KB_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KB_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("KB_EMAIL_USE_TLS", "0") == "1"  # STARTTLS, port 587
EMAIL_USE_SSL = os.environ.get("KB_EMAIL_USE_SSL", "0") == "1"  # implicit TLS, port 465
EMAIL_TIMEOUT = int(os.environ.get("KB_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "support@streamline-kb.example.com")
# The site's name in pages and e-mails (never the host name a request came to).
KB_SITE_NAME = os.environ.get("KB_SITE_NAME", "Streamline KB")
# Where links in e-mails point (e-mails are sent by the worker, outside a request).
KB_SITE_URL = os.environ.get("KB_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery ----------------------------------------------------------------------
# The embedded broker (kb.core.broker): kombu's filesystem transport with
# messages written whole before a worker can see them.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = os.environ.get("KB_BROKER_URL", "kbfs://")
if CELERY_BROKER_URL.startswith(("kbfs://", "filesystem://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
else:
    # A task a killed worker had taken (acks_late: not yet acknowledged) goes
    # back to its queue after this many seconds for another worker. Keep it
    # above the longest task: one still running past it would run twice
    # (harmless, tasks are idempotent, but wasted).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ.get("KB_BROKER_VISIBILITY_TIMEOUT", "3600")),
        # Workers look for such tasks every 10 s (kombu's default looks every
        # tenth time, 100 s, which would hold a dead worker's P1 page longer).
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("KB_TASKS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Queues named for their work, so a deployment gives each the workers it
# needs: index (the Whoosh index has one writer: one worker process, -Q index
# --concurrency 1), notifications (e-mails, webhooks and pages: never behind a
# backlog of other work), learning, monitoring (the minute evaluation), and
# celery for the rest (SLA clocks, holiday calendars). A worker started
# without -Q consumes them all, as `make run` does.
KB_QUEUES = ("celery", "index", "notifications", "learning", "monitoring")
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in KB_QUEUES]
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "kb.search.tasks.*": {"queue": "index"},
    "kb.tickets.tasks.deliver_notification_task": {"queue": "notifications"},
    "kb.learning.tasks.notify_content_flag_task": {"queue": "notifications"},
    "kb.articles.tasks.notify_*": {"queue": "notifications"},
    "kb.mail.tasks.*": {"queue": "notifications"},
    "kb.learning.tasks.*": {"queue": "learning"},
    "kb.monitoring.tasks.*": {"queue": "monitoring"},
}
# One beat per machine holds this lock (kb.core.beat).
KB_BEAT_LOCK = Path(os.environ.get("KB_BEAT_LOCK", VAR_DIR / "celerybeat.lock"))
CELERY_BEAT_SCHEDULE = {
    "check-sla-clocks": {"task": "kb.tickets.tasks.sla_check_task", "schedule": 60},
    "optimize-search-index": {
        "task": "kb.search.tasks.optimize_index_task",
        "schedule": 24 * 60 * 60,
    },
    "content-health": {"task": "kb.learning.tasks.content_health_task",
                       "schedule": 24 * 60 * 60},
    "search-gaps": {"task": "kb.learning.tasks.search_gaps_task", "schedule": 60 * 60},
    "holiday-calendars": {"task": "kb.tickets.tasks.holiday_calendars_check_task",
                          "schedule": 24 * 60 * 60},
    "mailbox-poll": {"task": "kb.mail.tasks.mailbox_poll_task",
                     "schedule": int(os.environ.get("KB_IMAP_POLL_SECONDS", "60"))},
    # At the start of every minute, so each burst falls in the minute it is
    # labelled with and no minute is skipped (a missing minute breaks a run).
    "monitoring-probe": {"task": "kb.monitoring.tasks.probe_lines_task",
                         "schedule": crontab(minute="*")},
    "monitoring-evaluate": {"task": "kb.monitoring.tasks.evaluate_lines_task",
                            "schedule": 60},
    "monitoring-rollups": {"task": "kb.monitoring.tasks.rollups_compute_task",
                           "schedule": 5 * 60},
    "monitoring-retention": {"task": "kb.monitoring.tasks.retention_task",
                             "schedule": 60 * 60},
    # Incident updates e-mailed to the status page's subscribers.
    "monitoring-status-notices": {"task": "kb.monitoring.tasks.status_notices_send_task",
                                  "schedule": 60},
    "monitoring-maintenance-notices": {
        "task": "kb.monitoring.tasks.maintenance_notices_task", "schedule": 60},
}

# REST API --------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous API client gets 401 with a WWW-Authenticate
    # header telling it how to authenticate, rather than a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # limit 1-100 (default 50) and offset 0-1,000,000; outside them, 400.
    "DEFAULT_PAGINATION_CLASS": "kb.core.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    # The API reads JSON only (another body is 415): form fields cannot carry
    # its nested input, which DRF would silently drop. JSON nested deeper
    # than 32 levels is refused (kb.core.parsers).
    "DEFAULT_PARSER_CLASSES": ["kb.core.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "kb.core.schema.QualifiedNameAutoSchema",
    "EXCEPTION_HANDLER": "kb.core.exceptions.api_exception_handler",
    # Per client (the signed-in user, else the address) and, softer, per
    # address for everyone behind it (kb.core.throttles).
    "DEFAULT_THROTTLE_RATES": {
        "feedback": os.environ.get("KB_FEEDBACK_RATE", "10/hour"),
        "feedback_address": os.environ.get("KB_FEEDBACK_ADDRESS_RATE", "50/hour"),
        "search": os.environ.get("KB_SEARCH_RATE", "120/minute"),
        "search_address": os.environ.get("KB_SEARCH_ADDRESS_RATE", "600/minute"),
        "diagnose": os.environ.get("KB_DIAGNOSE_RATE", "60/minute"),
        "diagnose_address": os.environ.get("KB_DIAGNOSE_ADDRESS_RATE", "300/minute"),
        "wizard": os.environ.get("KB_WIZARD_RATE", "60/minute"),
        "wizard_address": os.environ.get("KB_WIZARD_ADDRESS_RATE", "300/minute"),
        "ticket": os.environ.get("KB_TICKET_RATE", "30/hour"),
        "ticket_address": os.environ.get("KB_TICKET_ADDRESS_RATE", "150/hour"),
        # Per token only: these need one (anonymous callers get 401 first).
        "monitoring_samples": os.environ.get("KB_MONITORING_SAMPLES_RATE", "120/minute"),
        "monitoring_lines": os.environ.get("KB_MONITORING_LINES_RATE", "60/hour"),
        # Each status page subscription sends an e-mail to the address typed.
        "status_subscribe": os.environ.get("KB_STATUS_SUBSCRIBE_RATE", "10/hour"),
        "status_subscribe_address": os.environ.get("KB_STATUS_SUBSCRIBE_ADDRESS_RATE",
                                                   "50/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Streamline KB API",
    "DESCRIPTION": "Standardized fixes for live-streaming problems, search and diagnostics.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # One name for each choice set that several fields carry.
    "ENUM_NAME_OVERRIDES": {
        "RegionEnum": "kb.core.choices.Region.values",
        "ProtocolEnum": "kb.core.choices.Protocol.values",
        "PriorityEnum": "kb.core.choices.Priority.values",
        "LineProtocolEnum": "kb.monitoring.models.LineProtocol.values",
        "LineStateEnum": "kb.monitoring.apis.LINE_STATES",
        "StatusStateEnum": "kb.monitoring.apis.STATUS_STATES",
        "IncidentStateEnum": "kb.monitoring.apis.INCIDENT_STATES",
        "IncidentPriorityEnum": "kb.monitoring.apis.INCIDENT_PRIORITIES",
    },
}

# Streamline KB ---------------------------------------------------------------
KB_INDEX_DIR = Path(os.environ.get("KB_INDEX_DIR", VAR_DIR / "index"))
# Where search keeps its index (kb.search.backends): "whoosh", a folder beside
# the site, or "postgres", tables in the site's PostgreSQL database.
KB_SEARCH_BACKEND = os.environ.get("KB_SEARCH_BACKEND", "whoosh").strip().lower()
if KB_SEARCH_BACKEND not in ("whoosh", "postgres"):
    raise ImproperlyConfigured(
        f"KB_SEARCH_BACKEND={KB_SEARCH_BACKEND!r}: use whoosh or postgres")
if KB_SEARCH_BACKEND == "postgres" and not DATABASES["default"]["ENGINE"].endswith(
        "postgresql"):
    raise ImproperlyConfigured(
        "KB_SEARCH_BACKEND=postgres keeps the index in PostgreSQL: set DATABASE_URL to a "
        "postgres:// database, or use KB_SEARCH_BACKEND=whoosh")
KB_STALE_AFTER_DAYS = 180
# Signs the P1 webhook payloads (HMAC-SHA256); production must set its own.
KB_WEBHOOK_SECRET = deployment.production_secret(
    os.environ, "KB_WEBHOOK_SECRET", development_value="dev-only-webhook-secret", debug=DEBUG)
# The number customers call when a stream is down, shown on every P1. The
# default is an example (555-01xx numbers are fictional) and the page says so;
# production sets the real one.
KB_EMERGENCY_PHONE = os.environ.get("KB_EMERGENCY_PHONE", "+1 555 0100")
# /metrics answers staff, and a scraper sending "Authorization: Bearer <token>".
KB_METRICS_TOKEN = os.environ.get("KB_METRICS_TOKEN", "")
# Errors to Sentry when SENTRY_DSN is set (the "sentry" extra installs the SDK).
KB_SENTRY = sentry_init(os.environ)
# E-mail intake (kb.mail). The relay's shared secret: while empty the relay
# endpoint refuses every request. Messages over KB_MAIL_MAX_BYTES are
# answered with the limit (keep it under DATA_UPLOAD_MAX_MEMORY_SIZE, which
# refuses larger bodies before any view reads them); a sender files at most
# KB_MAIL_TICKETS_PER_HOUR tickets an hour; a reply reopens a resolved or
# closed ticket within KB_MAIL_REOPEN_DAYS, later it files a new one.
KB_MAIL_RELAY_SECRET = os.environ.get("KB_MAIL_RELAY_SECRET", "")
KB_MAIL_MAX_BYTES = int(os.environ.get("KB_MAIL_MAX_BYTES", str(10 * 1024 * 1024)))
KB_MAIL_TICKETS_PER_HOUR = int(os.environ.get("KB_MAIL_TICKETS_PER_HOUR", "5"))
KB_MAIL_REOPEN_DAYS = int(os.environ.get("KB_MAIL_REOPEN_DAYS", "14"))
# The support mailbox read over IMAPS (kb.mail.imap) every KB_IMAP_POLL_SECONDS;
# no host, no polling. KB_IMAP_CA_FILE names a private CA to verify it with.
KB_IMAP_HOST = os.environ.get("KB_IMAP_HOST", "")
KB_IMAP_PORT = int(os.environ.get("KB_IMAP_PORT", "993"))
KB_IMAP_USER = os.environ.get("KB_IMAP_USER", "")
KB_IMAP_PASSWORD = os.environ.get("KB_IMAP_PASSWORD", "")
KB_IMAP_FOLDER = os.environ.get("KB_IMAP_FOLDER", "INBOX")
KB_IMAP_CA_FILE = os.environ.get("KB_IMAP_CA_FILE", "")
# Its region (a ticket from it goes there when the message names none), and
# more mailboxes as imaps:// URLs separated by spaces (kb.mail.imap).
KB_IMAP_REGION = os.environ.get("KB_IMAP_REGION", "")
KB_IMAP_MAILBOXES = os.environ.get("KB_IMAP_MAILBOXES", "")
KB_IMAP_POLL_SECONDS = int(os.environ.get("KB_IMAP_POLL_SECONDS", "60"))
KB_FIXTURES_DIR = BASE_DIR / "fixtures"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "kv": {"format": "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "kv"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KB_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "jieba": {"level": "WARNING"},
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("KB_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("KB_SECURE_COOKIES", True)

# Behind TLS (KB_TLS=1): plain HTTP is redirected and browsers are told to
# use HTTPS only (HSTS, a year, subdomains included, preload-ready). When a
# trusted proxy terminates TLS, its X-Forwarded-Proto says whether the
# request was secure (kb.core.middleware drops the header from anyone else).
if env_bool("KB_TLS", False):
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("KB_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KB_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("KB_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if KB_TRUSTED_PROXIES:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts, styles, images and fonts
# from this site only; no inline script, no inline style attribute, no
# framing, forms post here. The API docs (Swagger UI) widen it for their
# page only (kb/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
