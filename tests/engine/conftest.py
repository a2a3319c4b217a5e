"""Real Celery workers for the engine's integration tests.

Three worker processes, as in production: `main` consumes approvals and default (two slots),
`reserve` consumes approvals only (the warm reserve), `maintenance` runs fan-out publishing and
sweeps. They use the test database and the tests' own Redis database, which is flushed before
every test. A test that kills workers gets a worker of its own (`fresh_worker`).
"""

from __future__ import annotations

import os

import pytest
import redis
from django.conf import settings

from workers.processes import WorkerPool, clear_broker_keys, engine_layout, wait_until

__all__ = ["wait_until"]

MAIN_SLOTS = 2
WORKER_ENV = {
    "APPLYLINE_TEST_WORKER": "1",
    "DJANGO_SETTINGS_MODULE": "config.settings_test",
    "PREEMPT_GRACE_SECONDS": "2",
    "SIMULATED_STEP_SECONDS": "0.05",
    "TASK_MAX_ATTEMPTS": "3",
    # A submit's heartbeat while it clicks, often enough for tests that sweep with a stale
    # threshold of a few seconds.
    "HEARTBEAT_SECONDS": "0.5",
    "LOG_LEVEL": "WARNING",
    # Notification retries in a fraction of a second, and an endpoint's timeout of one.
    "NOTIFY_MAX_ATTEMPTS": "3",
    "NOTIFY_BACKOFF_SECONDS": "0.3",
    "NOTIFY_HTTP_TIMEOUT_SECONDS": "1",
    # One site that takes one application per minute (tests/engine/test_pacing.py).
    "SITE_LIMITS": '{"paced.example": {"applications": "1/minute"}}',
    # E-mail printed by the worker, as in the demo (the worker's log file is its output).
    "EMAIL_BACKEND": "config.mail.ConsoleEmailBackend",
}


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def clear_broker() -> None:
    clear_broker_keys(redis_client())


# Started once for the engine's tests and stopped after the last of them: a worker left
# running would take the messages that later tests' rows publish (a notification, a prepare)
# and write while those tests' databases are flushed.
@pytest.fixture(scope="package")
def workers(django_db_setup, django_db_blocker, tmp_path_factory):
    clear_broker()
    pool = WorkerPool(
        tmp_path_factory.mktemp("workers"),
        layout=engine_layout(MAIN_SLOTS),
        env={**WORKER_ENV, "REDIS_URL": settings.REDIS_URL},
    )
    pool.start(loglevel=os.environ.get("TEST_WORKER_LOGLEVEL", "WARNING"))
    yield pool
    pool.stop()


@pytest.fixture
def engine(workers, transactional_db):
    """A clean broker, the real workers, committed data; waits for the workers to go idle
    afterwards, so that one test's work never runs into the next."""
    clear_broker()
    yield workers
    clear_broker()
    wait_until(workers.idle, timeout=60, message="the workers did not go idle")


FRESH_WORKER = "fresh"


@pytest.fixture
def fresh_worker(engine, tmp_path):
    """A worker started for this test alone, consuming approvals and default with one slot, for
    tests that kill workers: the session's workers have been the target of revokes, after which
    billiard takes any death of that pool process for the revoke and acknowledges its message
    instead of redelivering it; and a killed worker must not take the session's down with it.

    It shares the session workers' broker, so they stop consuming (WorkerPool.paused) while it
    runs and take nothing of the test's work; they consume again afterwards. A Redis database
    of its own would instead have to be followed by this process' Celery app, the wake-ups and
    the simulated site's keys. Its process group is its own, so that `kill` can take the worker
    and its pool process down in one signal."""
    with engine.paused():
        pool = WorkerPool(
            tmp_path,
            layout={FRESH_WORKER: ["-Q", "approvals,default", "-c", "1"]},
            env={**WORKER_ENV, "REDIS_URL": settings.REDIS_URL},
            own_process_groups=True,
        )
        pool.start(loglevel=os.environ.get("TEST_WORKER_LOGLEVEL", "WARNING"))
        try:
            yield pool
        finally:
            pool.stop()
