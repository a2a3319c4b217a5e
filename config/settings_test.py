"""Settings for the test suite: the real services, with a fixed secret and a fast password hash."""

import os
from urllib.parse import urlsplit

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The tests' broker and Redis keys live in their own Redis database, which they flush.
REDIS_URL = os.environ.get("TEST_REDIS_URL") or urlsplit(REDIS_URL)._replace(path="/15").geturl()  # noqa: F405
CELERY_BROKER_URL = REDIS_URL

# Celery workers started by the tests work on the test database.
if os.environ.get("APPLYLINE_TEST_WORKER"):
    DATABASES["default"]["NAME"] = "test_" + DATABASES["default"]["NAME"]  # noqa: F405

# E-mail stays in memory (pytest-django's mail.outbox in the tests' own process; the workers'
# is dropped), unless a test's worker is given another backend.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
