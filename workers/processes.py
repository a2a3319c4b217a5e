"""Local Celery worker processes, laid out as in production — `main` consumes approvals and
default, `reserve` consumes approvals only (the warm reserve), `maintenance` runs fan-out
publishing and sweeps — for the integration tests and the benchmarks, which need real workers
they can start, inspect, kill and stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from celery import Celery

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T], *, timeout: float = 30.0, interval: float = 0.05, message: str = ""
) -> T:
    """Poll `predicate` until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s: {message}")
        time.sleep(interval)


def clear_broker_keys(client: Any) -> None:
    """Empty the queues and Applyline's keys in a Redis database. Not FLUSHDB: kombu keeps its
    exchange bindings (`_kombu.binding.*`) in Redis too, and without them every publish would
    go nowhere."""
    for pattern in ("default*", "approvals*", "maintenance*", "unacked*", "applyline:*"):
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)


def engine_layout(main_slots: int = 2, reserve_slots: int | None = None) -> dict[str, list[str]]:
    """The production layout (config.dispatch.WORKER_QUEUES): `main` with `main_slots`, the
    reserve with RESERVE_SLOTS, maintenance with one."""
    from django.conf import settings

    from config.dispatch import WORKER_QUEUES

    reserve = settings.RESERVE_SLOTS if reserve_slots is None else reserve_slots
    slots = {"worker": main_slots, "reserve": reserve, "maintenance": 1}
    names = {"worker": "main", "reserve": "reserve", "maintenance": "maintenance"}
    return {
        names[process]: ["-Q", ",".join(queues), "-c", str(slots[process])]
        for process, queues in WORKER_QUEUES.items()
    }


class WorkerPool:
    """Worker processes named `<name>@<host>`, each logging to `<log_dir>/worker-<name>.log`."""

    def __init__(
        self,
        log_dir: Path,
        *,
        layout: dict[str, list[str]] | None = None,
        env: dict[str, str] | None = None,
        app: Celery | None = None,
        app_module: str = "config",
    ) -> None:
        """`app` and `app_module` name the same Celery app: the object, to inspect the
        workers, and the module the workers load (`celery -A`)."""
        if app is None:
            from config.celery import app
        self.log_dir = log_dir
        self.layout = layout if layout is not None else engine_layout()
        self.env = env or {}
        self.app = app
        self.app_module = app_module
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, *, loglevel: str = "WARNING", timeout: float = 60) -> None:
        env = {**os.environ, **self.env}
        for name, arguments in self.layout.items():
            log = open(self.log_dir / f"worker-{name}.log", "w")  # noqa: SIM115
            command = [sys.executable, "-m", "celery", "-A", self.app_module, "worker"]
            command += ["-n", f"{name}@%h", "--loglevel", loglevel, *arguments]
            command += ["--without-mingle", "--without-gossip"]
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until(
            lambda: len(self.control.ping(timeout=0.5) or []) >= len(self.layout),
            timeout=timeout,
            message="the Celery workers did not answer a ping",
        )

    @property
    def control(self) -> Any:
        return self.app.control

    def node(self, name: str) -> str:
        return f"{name}@{socket.gethostname()}"

    def pool_pids(self, name: str) -> list[int]:
        node = self.node(name)
        replies = self.control.inspect(destination=[node], timeout=2).stats() or {}
        return list(replies.get(node, {}).get("pool", {}).get("processes", []))

    def active(self) -> dict[str, list[dict]]:
        return self.control.inspect(timeout=1).active() or {}

    def active_on(self, name: str) -> list[dict]:
        node = self.node(name)
        replies = self.control.inspect(destination=[node], timeout=1, limit=1).active() or {}
        return replies.get(node, [])

    def idle(self) -> bool:
        active = self.active()
        return len(active) >= len(self.layout) and not any(active.values())

    def stop(self) -> None:
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
