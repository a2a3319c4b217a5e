"""The demo board's settings (`DJANGO_SETTINGS_MODULE=demo_board.settings`): a site of its own,
with its own SQLite database, uploads folder, secret key and session cookie, so that Applyline
sees it as it sees any other job site."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"


def env_str(name: str, default: str) -> str:
    return os.environ.get(name) or default


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEMO_BOARD_DEBUG", False)
# The board guards nothing of value: a fixed default keeps `python -m demo_board` a one-liner.
SECRET_KEY = env_str("DEMO_BOARD_SECRET_KEY", "demo-board-only-signs-its-own-session-cookies")
ALLOWED_HOSTS = env_list("DEMO_BOARD_ALLOWED_HOSTS", "127.0.0.1,localhost")

DEMO_BOARD_HOST = env_str("DEMO_BOARD_HOST", "127.0.0.1")
DEMO_BOARD_PORT = env_int("DEMO_BOARD_PORT", 8100)

DATABASE_PATH = Path(env_str("DEMO_BOARD_DATABASE", str(DATA_DIR / "demo_board.sqlite3")))
UPLOADS_DIR = Path(env_str("DEMO_BOARD_UPLOADS", str(DATA_DIR / "demo_board_uploads")))
DATABASE_PATH.parent.mkdir(parents=True, exist_ok=True)
UPLOADS_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.sessions",
    "demo_board",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CSRF: a POST whose session is gone is told so (401), not that its token is wrong.
    "demo_board.middleware.BoardSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "demo_board.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
ASGI_APPLICATION = "demo_board.asgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATABASE_PATH,
        # Requests run on uvicorn's threads; a writer waits for another instead of failing.
        "OPTIONS": {"timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions: the job site's session, which an application must be sent within. Its expiry is
# absolute, counted from the first visit (demo_board.middleware), as on sites that log a
# visitor out after a fixed time whatever they do.
DEMO_BOARD_SESSION_TTL = env_int("DEMO_BOARD_SESSION_TTL", 1200)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = DEMO_BOARD_SESSION_TTL
SESSION_COOKIE_NAME = "board_session"
SESSION_COOKIE_SAMESITE = "Lax"
# The CSRF token lives in the session, so that it dies with it.
CSRF_USE_SESSIONS = True
CSRF_FAILURE_VIEW = "demo_board.views.common.csrf_failure"

# Résumés are small; a larger upload is refused rather than stored.
MAX_UPLOAD_BYTES = env_int("DEMO_BOARD_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DEMO_BOARD_LOG_LEVEL", "INFO")},
    # uvicorn logs one line per request already; Django's own request log would repeat it.
    "loggers": {"django.request": {"level": "ERROR"}},
}
