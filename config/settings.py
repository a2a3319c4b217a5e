"""Applyline settings: every knob comes from the environment, with a default that works on a
developer's machine against a local PostgreSQL and Redis."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import dispatch
from core.site_limits import SiteLimitsInvalid, parse_site_limits
from jobs.canonical import MAX_URL_LENGTH

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return default if value in (None, "") else float(value)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# A secret never has a production default: outside DEBUG a missing key stops the start-up.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-used-only-with-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
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
    "drf_spectacular",
    "django_fsm",
    "jobs",
    "applications",
    "approvals",
    "workers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the admin's static files from the ASGI process (from the apps when DEBUG,
    # from STATIC_ROOT after collectstatic otherwise), without taking an async view off the event
    # loop (config/middleware.py).
    "config.middleware.AsyncWhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/applyline"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        # A kept connection is checked before reuse, so one broken by a database restart is
        # replaced rather than failing the next request or task.
        conn_health_checks=True,
    )
}
# A server that stops answering (rather than refusing) fails a connection attempt within this
# long instead of holding a request or task for minutes.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
)
if env_bool("DATABASE_PREPARED_STATEMENTS", True):
    # Parameters bound on the server, and a statement run five times on a connection prepared
    # there: the engine runs the same few statements for every posting, and PostgreSQL then
    # parses and plans each once per connection instead of every time. Off behind a pooler in
    # transaction mode that cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
# Celery pool processes keep their database connection across tasks for this long (seconds):
# opening one per task costs the worker, and PostgreSQL a backend, for every task.
WORKER_DATABASE_CONN_MAX_AGE = env_int("WORKER_DATABASE_CONN_MAX_AGE", 300)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")

# Celery -------------------------------------------------------------------------------
# Queues and broker priorities are named in config/dispatch.py, the one place that maps
# Applyline's priorities onto the broker's.
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = env_str("TIME_ZONE", "UTC")
# Results live in PostgreSQL (the task rows); nothing reads Celery's result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = dispatch.QUEUE_DEFAULT
CELERY_TASK_ROUTES = dispatch.TASK_ROUTES
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis emulates priorities with one list per step; 0 is the highest step.
    "priority_steps": [0, 3, 6, 9],
    "sep": ":",
    # Consume queues in the order given (approvals before default), not round-robin.
    "queue_order_strategy": "priority",
    # Unacked messages come back after this long: keep it above the longest task.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3 * 3600),
    # A broker that stops answering without closing the connection (frozen, failed over, cut
    # by a firewall) fails a publish after this long instead of hanging the request or task
    # that publishes; kombu's default is to wait forever. Above the consumers' 1 s BRPOP.
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
}
# A publish that fails is given up at once, not retried (Celery's default retries three times,
# and each retry against a frozen broker waits out the socket timeout twice): what is committed
# is published again by the reconciliation sweep (config/dispatch.py), so a request never waits
# on a broker that is down. A connection the broker closed (a restart) is replaced before use
# by redis-py's pool, without a retry.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
# Redis gives a message sent without a priority its highest step: normal work says its own.
CELERY_TASK_DEFAULT_PRIORITY = dispatch.BROKER_PRIORITY_NORMAL
# One message at a time per slot: a busy worker never hoards normal work while approved work
# waits in the broker.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup would close the database connection after every task; let Django's
# CONN_MAX_AGE and health checks decide instead (config/celery.py).
CELERY_DB_REUSE_MAX = 1_000_000
# Ack after the task ran, so that a message whose worker dies is delivered again ...
CELERY_TASK_ACKS_LATE = True
# ... including when the process was killed (attempts are capped on the task row).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A worker that loses the broker stops its late-ack tasks instead of running them twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Revoked ids are kept across worker restarts in this file, when one is given.
CELERY_WORKER_STATE_DB = os.environ.get("CELERY_WORKER_STATE_DB") or None
# Task events (a Redis publish per task received, started and finished) are for Flower, which
# switches them on in the workers it watches; sending them with nobody listening only costs.
CELERY_WORKER_SEND_TASK_EVENTS = env_bool("CELERY_TASK_EVENTS", False)
CELERY_BEAT_SCHEDULE = dispatch.beat_schedule(
    stale_seconds=env_int("STALE_SWEEP_SECONDS", 300),
    approvals_seconds=env_int("APPROVAL_SWEEP_SECONDS", 30),
    reconcile_seconds=env_int("RECONCILE_SWEEP_SECONDS", 60),
    pacing_seconds=env_int("PACING_SWEEP_SECONDS", 10),
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

REST_FRAMEWORK = {
    # Token first: an unauthenticated request then gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "VIEW_NAME_FUNCTION": "config.views.api_view_name",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Applyline API",
    "DESCRIPTION": "Runs, tasks, applications and approvals of Applyline.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from our own static files (drf-spectacular-sidecar), not from a CDN,
    # so that /api/docs/ works without internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request bodies are documented as JSON. The form parsers stay for the browsable API's
    # forms, but a form cannot tell an empty list from an absent field, nor a number from a
    # string, so a schema of one would promise what the server cannot check.
    "PARSER_WHITELIST": ["config.parsers.JSONParser"],
    # Choice sets that share a field name (status, kind) across components, named.
    "ENUM_NAME_OVERRIDES": {
        "NotificationStatusEnum": "approvals.models.NotificationStatus",
        "NotificationKindEnum": "approvals.models.NotificationKind",
        "EndpointKindEnum": "approvals.models.EndpointKind",
        "WebhookKindEnum": [("webhook", "webhook")],
        "SlackKindEnum": [("slack", "slack")],
        "AppriseKindEnum": [("apprise", "apprise")],
    },
}
# The sidecar's static files are found (and collected) as an app's.
INSTALLED_APPS += ["drf_spectacular_sidecar"]

# Applyline's own knobs (each has a line in the README's configuration table).
MAX_URLS_PER_REQUEST = env_int("MAX_URLS_PER_REQUEST", 10_000)
# Request bodies may be as large as MAX_URLS_PER_REQUEST links of the longest length a link may
# have (jobs.canonical.MAX_URL_LENGTH), each with its JSON quotes, comma and indentation, plus
# room for the rest of the body; a larger one answers 413. A form may carry as many links.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_URLS_PER_REQUEST * (MAX_URL_LENGTH + 16) + 64 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = MAX_URLS_PER_REQUEST + 100
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 5)
STALE_TASK_SECONDS = env_int("STALE_TASK_SECONDS", 600)
# A submit's heartbeat while its click runs, and the hard time limit of a submit: both well
# under the stale threshold, so that the stale sweep never takes a live submit for a dead one.
HEARTBEAT_SECONDS = env_float("HEARTBEAT_SECONDS", max(1.0, STALE_TASK_SECONDS / 10))
SUBMIT_TIME_LIMIT_SECONDS = env_int("SUBMIT_TIME_LIMIT_SECONDS", STALE_TASK_SECONDS // 2)
if not HEARTBEAT_SECONDS < SUBMIT_TIME_LIMIT_SECONDS < STALE_TASK_SECONDS:
    raise ImproperlyConfigured(
        "HEARTBEAT_SECONDS < SUBMIT_TIME_LIMIT_SECONDS < STALE_TASK_SECONDS must hold."
    )
# A task QUEUED in the database this long without its message in the broker is re-published.
RECONCILE_AFTER_SECONDS = env_int("RECONCILE_AFTER_SECONDS", 120)
# Browser sessions one user may have running at once.
MAX_SESSIONS_PER_USER = env_int("MAX_SESSIONS_PER_USER", 1)
# A step that ends within this long of the task's last checkpoint write is written with the next
# one (the next step boundary past it, PENDING_APPROVAL, a pause): a step of milliseconds costs
# less to redo after a crash than to write on its own. A browser's steps take seconds, so each
# is written, and a pause request looked for, at its own boundary.
CHECKPOINT_MIN_INTERVAL_SECONDS = env_float("CHECKPOINT_MIN_INTERVAL_SECONDS", 0.02)
# Worker slots that consume only the approvals queue (the warm reserve).
RESERVE_SLOTS = env_int("RESERVE_SLOTS", 1)
# How long a paused task has to reach its next step boundary before it is revoked.
PREEMPT_GRACE_SECONDS = env_float("PREEMPT_GRACE_SECONDS", 5.0)
APPROVAL_TTL_SECONDS = env_int("APPROVAL_TTL_SECONDS", 20 * 60)
# The Fernet key that seals approval-link tokens at rest (so that a reminder can carry the same
# link); derived from SECRET_KEY when empty. Rotating either kills the links already sent.
APPROVAL_LINK_KEY = env_str("APPROVAL_LINK_KEY", "")
# The address in every link sent (e-mail, webhooks, Slack, push): scheme, host and port.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The longest GET /api/approvals/{id}/wait/ may wait for a decision (its `timeout` at most).
APPROVAL_WAIT_MAX_SECONDS = env_int("APPROVAL_WAIT_MAX_SECONDS", 30)
# While the web process's Redis subscription is down, waiters read their rows this often.
WAKEUP_FALLBACK_SECONDS = env_float("WAKEUP_FALLBACK_SECONDS", 1.0)
# GET /api/events/ writes a comment line this often when nothing happens, so that proxies and
# browsers keep the stream open and a dead client is found.
EVENTS_HEARTBEAT_SECONDS = env_float("EVENTS_HEARTBEAT_SECONDS", 15.0)
# Notifications (approvals.services.notifying): attempts per recipient before a message is
# failed, the wait before the first retry (doubled at each one), how long a webhook, Slack or
# Apprise endpoint may take to connect and to answer, and after how long past its due time a
# pending message is taken for lost and published again by the approvals sweep.
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)
NOTIFY_BACKOFF_SECONDS = env_float("NOTIFY_BACKOFF_SECONDS", 30.0)
NOTIFY_HTTP_TIMEOUT_SECONDS = env_float("NOTIFY_HTTP_TIMEOUT_SECONDS", 5.0)
NOTIFY_LOST_AFTER_SECONDS = env_int("NOTIFY_LOST_AFTER_SECONDS", 300)
# The soft time limit of one attempt, whatever the channel does with its own timeouts (an
# endpoint that answers a byte at a time outlasts a read timeout); the hard one is 5 s later.
NOTIFY_TIME_LIMIT_SECONDS = env_int(
    "NOTIFY_TIME_LIMIT_SECONDS", int(4 * NOTIFY_HTTP_TIMEOUT_SECONDS) + 10
)

# E-mail: Django's backend; under DEBUG the console, where `make demo` shows each link sent.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "config.mail.ConsoleEmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Applyline <applyline@localhost>")
# The driver that fills and submits applications (workers/drivers.py).
APPLICATION_DRIVER = env_str("APPLICATION_DRIVER", "workers.drivers.SimulatedDriver")
SIMULATED_STEPS = env_list("SIMULATED_STEPS", "open,login,fill,answer,review")
SIMULATED_STEP_SECONDS = env_float("SIMULATED_STEP_SECONDS", 0.5)
# Pacing per job site (applications.services.pacing): requests per second and applications per
# period, by host, over core.site_limits' defaults; checked here, so that a limit that cannot
# work stops the start-up.
try:
    SITE_LIMITS = parse_site_limits(env_str("SITE_LIMITS", ""))
except (ValueError, SiteLimitsInvalid) as error:
    raise ImproperlyConfigured(f"SITE_LIMITS: {error}") from error
# A posting whose company and title are those of one applied to this many days ago or fewer,
# under another link, is held for a person as a repost (applications.services.reposts).
REPOST_WINDOW_DAYS = env_int("REPOST_WINDOW_DAYS", 30)
# The Chromium that Playwright starts (the browser driver's and the browser tests'; Debian's
# package by default).
CHROMIUM_PATH = env_str("CHROMIUM_PATH", "/usr/bin/chromium")
# The browser driver (workers.browser). The Fernet key that seals a task's browser storage state
# (the job site's cookies) in its checkpoint; derived from SECRET_KEY when empty. Rotating either
# makes saved sessions unreadable: those tasks start their page over.
BROWSER_STATE_KEY = env_str("BROWSER_STATE_KEY", "")
# A random pause before each page action, "min,max" seconds, as a person would take.
BROWSER_ACTION_PAUSE_SECONDS = tuple(
    float(part) for part in env_str("BROWSER_ACTION_PAUSE_SECONDS", "0.2,0.8").split(",", 1)
)
# Tasks a worker's pool process runs before it is replaced (and its Chromium with it): a
# browser that grows for hours is started afresh now and then.
BROWSER_TASKS_PER_CHILD = env_int("BROWSER_TASKS_PER_CHILD", 100)
# (Only with the browser driver: the simulated one holds nothing that grows.)
CELERY_WORKER_MAX_TASKS_PER_CHILD = (
    BROWSER_TASKS_PER_CHILD if APPLICATION_DRIVER == "workers.browser.BrowserDriver" else None
)
# The longest one navigation, and one other page action, may take.
BROWSER_NAVIGATION_TIMEOUT_SECONDS = env_float("BROWSER_NAVIGATION_TIMEOUT_SECONDS", 30.0)
BROWSER_ACTION_TIMEOUT_SECONDS = env_float("BROWSER_ACTION_TIMEOUT_SECONDS", 10.0)
# How long an interrupted step waits for the browser's thread to stop at its next page action
# before the step gives the context up regardless.
BROWSER_STOP_WAIT_SECONDS = env_float("BROWSER_STOP_WAIT_SECONDS", 1.0)
# The demo board (python -m demo_board): its postings under /greenhouse/, /lever/, /ashby/ use
# the adapters of the real sites.
DEMO_BOARD_URL = env_str("DEMO_BOARD_URL", "http://127.0.0.1:8100").rstrip("/")

# Logging -------------------------------------------------------------------------------
# One handler for every process (web, worker, beat): the project's line format with each
# record's `extra` fields as key=value, and no approval or API token in any line
# (config/logging.py). Every handler added here takes the redact_tokens filter.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "config.logging.RedactTokens"}},
    "formatters": {"fields": {"()": "config.logging.FieldsFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "fields",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's default handlers (a console one under DEBUG, the development server's, mail
        # to ADMINS) would write request paths, tokens included, past the filter: its records
        # go to the handler above instead.
        "django": {"level": "INFO"},
        # Celery gives its task logger a handler of its own unless it has one.
        "celery.task": {"handlers": ["console"], "propagate": False},
    },
}
# The Celery worker and beat keep the handler above (Django's setup, run by Celery's Django
# fixup, configures it first) instead of replacing the root logger's handlers with Celery's.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
