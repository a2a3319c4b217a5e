"""What the tests of the approval long-poll and the event stream share: a prepared task's open
approval, waiters run on an event loop of their own, and the web process run for real."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import transaction
from django.test import AsyncClient

from applications.services import run_create, task_transition
from approvals.models import ApprovalRequest
from approvals.services import approval_create
from tests import web
from tests.brokers import PrivateRedis
from tests.web import free_port


def open_approval(user: Any, name: str = "acme") -> ApprovalRequest:
    """A task of the user's, prepared, and its approval request, open (committed when the test
    runs with transactional_db). In one transaction: the prepare message that ingestion
    publishes on commit finds the task prepared already, and a worker still running from the
    engine's tests drops it."""
    with transaction.atomic():
        result = run_create(user=user, job_urls=[f"https://jobs.lever.co/{name}/1234-abcd"])
        task = result.tasks[0]
        task_transition(task=task, transition="claim", actor="test")
        task_transition(task=task, transition="prepared", actor="test")
        approval = approval_create(task=task).approval
    return approval


class Waiter(threading.Thread):
    """GET /api/approvals/{id}/wait/ through Django's AsyncClient, on an event loop of this
    thread's own; `answer` and `answered_at` once it returns."""

    def __init__(self, token: str, approval_id: int, timeout: float) -> None:
        super().__init__(daemon=True)
        self.path = f"/api/approvals/{approval_id}/wait/?timeout={timeout}"
        self.token = token
        self.answer: Any = None
        self.answered_at: float | None = None

    def run(self) -> None:
        async def wait() -> Any:
            # Headers given to the request: those given to AsyncClient() do not reach an
            # ASGI request's headers.
            return await AsyncClient().get(
                self.path, headers={"Authorization": f"Token {self.token}"}
            )

        self.answer = asyncio.run(wait())
        self.answered_at = time.monotonic()

    def result(self, timeout: float = 60.0) -> Any:
        self.join(timeout)
        assert not self.is_alive(), "the waiter did not answer"
        return self.answer


def wait_until(condition: Any, timeout: float = 10.0, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message or "the condition never held"
        time.sleep(0.01)


class WebProcess:
    """The Procfile's web process (uvicorn), on the test database and the given Redis."""

    def __init__(self, log: Path, redis_url: str) -> None:
        self.port = free_port()
        self.log = log
        self.redis_url = redis_url
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {"TEST_REDIS_URL": self.redis_url, "WAKEUP_FALLBACK_SECONDS": "0.2"}
        self.process = web.launch(self.log, self.port, env)

    def stop(self) -> None:
        if self.process is not None:
            web.stop(self.process)

    def logged(self) -> str:
        return self.log.read_text()

    def get_json(self, path: str, token: str, timeout: float = 60.0) -> tuple[int, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path, headers={"Authorization": f"Token {token}"})
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()


@contextlib.contextmanager
def web_process(log: Path, redis_url: str) -> Iterator[WebProcess]:
    web = WebProcess(log, redis_url)
    web.start()
    try:
        yield web
    finally:
        web.stop()


class HttpWaiter(threading.Thread):
    """GET /api/approvals/{id}/wait/ through the real web process, in a thread."""

    def __init__(self, web: WebProcess, token: str, approval_id: int, timeout: float) -> None:
        super().__init__(daemon=True)
        self.web, self.token = web, token
        self.path = f"/api/approvals/{approval_id}/wait/?timeout={timeout}"
        self.answer: tuple[int, Any] | None = None
        self.answered_at: float | None = None

    def run(self) -> None:
        self.answer = self.web.get_json(self.path, self.token)
        self.answered_at = time.monotonic()

    def result(self, timeout: float = 60.0) -> tuple[int, Any]:
        self.join(timeout)
        assert not self.is_alive(), "the waiter did not answer"
        assert self.answer is not None
        return self.answer


@pytest.fixture
def private_redis(tmp_path, settings):
    """A Redis server of the test's own, where the test's decisions publish their events (import
    it into the test module to use it)."""
    server = PrivateRedis(tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    yield server
    server.stop()


def subscribers(server: PrivateRedis) -> int:
    """Pattern subscriptions the server holds (a web process's one subscriber)."""
    return redis.Redis.from_url(server.url).pubsub_numpat()
