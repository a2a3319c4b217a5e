"""Real Celery workers for the engine's integration tests.

Three worker processes, as in production: `main` consumes approvals and default (two slots),
`reserve` consumes approvals only (the warm reserve), `maintenance` runs fan-out publishing and
sweeps. They use the test database and the tests' own Redis database, which is flushed before
every test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
MAIN_SLOTS = 2
WORKERS = {
    "main": ["-Q", "approvals,default", "-c", str(MAIN_SLOTS)],
    "reserve": ["-Q", "approvals", "-c", "1"],
    "maintenance": ["-Q", "maintenance", "-c", "1"],
}
WORKER_ENV = {
    "APPLYLINE_TEST_WORKER": "1",
    "DJANGO_SETTINGS_MODULE": "config.settings_test",
    "PREEMPT_GRACE_SECONDS": "2",
    "SIMULATED_STEP_SECONDS": "0.05",
    "TASK_MAX_ATTEMPTS": "3",
    "LOG_LEVEL": "WARNING",
}


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def clear_broker() -> None:
    """Empty the queues and Applyline's keys. Not FLUSHDB: kombu keeps its exchange bindings
    (`_kombu.binding.*`) in Redis too, and without them every publish would go nowhere."""
    client = redis_client()
    for pattern in ("default*", "approvals*", "maintenance*", "unacked*", "applyline:*"):
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)


def wait_until(predicate, *, timeout: float = 30.0, interval: float = 0.05, message: str = ""):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s: {message}")
        time.sleep(interval)


class Workers:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self) -> None:
        env = {**os.environ, **WORKER_ENV, "REDIS_URL": settings.REDIS_URL}
        for name, arguments in WORKERS.items():
            log = open(self.log_dir / f"worker-{name}.log", "w")  # noqa: SIM115
            loglevel = os.environ.get("TEST_WORKER_LOGLEVEL", "WARNING")
            command = [sys.executable, "-m", "celery", "-A", "config", "worker"]
            command += ["-n", f"{name}@%h", "--loglevel", loglevel, *arguments]
            command += ["--without-mingle", "--without-gossip"]
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until(
            lambda: len(app.control.ping(timeout=0.5) or []) >= len(WORKERS),
            timeout=60,
            message="the Celery workers did not answer a ping",
        )

    def pool_pids(self, name: str) -> list[int]:
        replies = app.control.inspect(destination=[self.node(name)], timeout=2).stats() or {}
        return list(replies.get(self.node(name), {}).get("pool", {}).get("processes", []))

    def node(self, name: str) -> str:
        import socket

        return f"{name}@{socket.gethostname()}"

    def active(self) -> dict[str, list[dict]]:
        return app.control.inspect(timeout=1).active() or {}

    def active_on(self, name: str) -> list[dict]:
        node = self.node(name)
        replies = app.control.inspect(destination=[node], timeout=1, limit=1).active() or {}
        return replies.get(node, [])

    def idle(self) -> bool:
        active = self.active()
        return len(active) >= len(WORKERS) and not any(active.values())

    def stop(self) -> None:
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def workers(django_db_setup, django_db_blocker, tmp_path_factory):
    clear_broker()
    pool = Workers(tmp_path_factory.mktemp("workers"))
    pool.start()
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
