"""The web process for tests that need one: the Procfile's web line (uvicorn with the
project's log configuration) on a free port, against the test database and the tests' Redis,
logging to a file the test can read afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def web_command() -> str:
    """The web process's command line, from the Procfile."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.removeprefix("web:").strip()
    raise AssertionError("the Procfile has no web process")


def _wait_for_port(port: int, server: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the web process exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the web process did not listen")


def launch(log: Path, port: int, env: dict[str, str]) -> subprocess.Popen:
    """The Procfile's web line started on `port` with `env` (over the tests' environment: the
    test database), its output appended to `log`; returns once it listens."""
    environment = {
        **os.environ,
        "WEB_PORT": str(port),
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "APPLYLINE_TEST_WORKER": "1",  # the test database
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    with log.open("ab") as output:
        server = subprocess.Popen(
            ["sh", "-c", f"exec {web_command()}"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(port, server, timeout=60)
    except AssertionError:
        stop(server)
        raise
    return server


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def web_process(log: Path, *, env: dict[str, str] | None = None) -> Iterator[str]:
    """The web process running; yields its base URL (http://127.0.0.1:<port>). Its output goes
    to `log`, complete once the block is left."""
    port = free_port()
    redis = {"REDIS_URL": settings.REDIS_URL, "TEST_REDIS_URL": settings.REDIS_URL}
    server = launch(log, port, {**redis, **(env or {})})
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)
