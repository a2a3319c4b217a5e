"""Local Celery worker processes, laid out as in production — `main` consumes approvals and
default, `reserve` consumes approvals only (the warm reserve), `maintenance` runs fan-out
publishing and sweeps — for the integration tests and the benchmarks, which need real workers
they can start, inspect, kill and stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    """Worker processes named `<name>@<host>`, each logging to `<log_dir>/worker-<name>.log`.
    Pings, inspections and idleness ask this pool's workers only, so that two pools may run on
    one broker."""

    def __init__(
        self,
        log_dir: Path,
        *,
        layout: dict[str, list[str]] | None = None,
        env: dict[str, str] | None = None,
        app: Celery | None = None,
        app_module: str = "config",
        own_process_groups: bool = False,
    ) -> None:
        """`app` and `app_module` name the same Celery app: the object, to inspect the
        workers, and the module the workers load (`celery -A`). `own_process_groups`: each
        worker starts a process group of its own, with its pool processes, so that `kill` can
        end them all at once; such workers do not get the terminal's Ctrl-C."""
        if app is None:
            from config.celery import app
        self.log_dir = log_dir
        self.layout = layout if layout is not None else engine_layout()
        self.env = env or {}
        self.app = app
        self.app_module = app_module
        self.own_process_groups = own_process_groups
        self.loglevel = "WARNING"
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, *, loglevel: str = "WARNING", timeout: float = 60) -> None:
        self.loglevel = loglevel
        for name in self.layout:
            self._spawn(name, log_mode="w")
        self._wait_for_ping(list(self.layout), timeout)

    def _spawn(self, name: str, *, log_mode: str) -> None:
        env = {**os.environ, **self.env}
        log = open(self.log_dir / f"worker-{name}.log", log_mode)  # noqa: SIM115
        command = [sys.executable, "-m", "celery", "-A", self.app_module, "worker"]
        command += ["-n", f"{name}@%h", "--loglevel", self.loglevel, *self.layout[name]]
        command += ["--without-mingle", "--without-gossip"]
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            process_group=0 if self.own_process_groups else None,
        )

    def _wait_for_ping(self, names: list[str], timeout: float) -> None:
        nodes = [self.node(name) for name in names]
        wait_until(
            lambda: len(self.control.ping(destination=nodes, timeout=0.5) or []) >= len(nodes),
            timeout=timeout,
            message=f"the Celery workers {', '.join(names)} did not answer a ping",
        )

    @property
    def control(self) -> Any:
        return self.app.control

    def node(self, name: str) -> str:
        return f"{name}@{socket.gethostname()}"

    def nodes(self) -> list[str]:
        return [self.node(name) for name in self.layout]

    def queues(self, name: str) -> list[str]:
        """The queues worker `name` consumes (its `-Q`)."""
        arguments = self.layout[name]
        return arguments[arguments.index("-Q") + 1].split(",")

    def pool_pids(self, name: str) -> list[int]:
        node = self.node(name)
        replies = self.control.inspect(destination=[node], timeout=2).stats() or {}
        return list(replies.get(node, {}).get("pool", {}).get("processes", []))

    def active(self) -> dict[str, list[dict]]:
        return self.control.inspect(destination=self.nodes(), timeout=1).active() or {}

    def active_on(self, name: str) -> list[dict]:
        node = self.node(name)
        replies = self.control.inspect(destination=[node], timeout=1, limit=1).active() or {}
        return replies.get(node, [])

    def idle(self) -> bool:
        active = self.active()
        return len(active) >= len(self.layout) and not any(active.values())

    def kill(self, name: str) -> None:
        """SIGKILL worker `name` and its pool processes in one signal to their process group,
        as a machine that loses power would: nothing of it acknowledges, rejects or gives
        back the messages it holds."""
        if not self.own_process_groups:
            raise RuntimeError("kill() needs a pool started with own_process_groups=True")
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(20)

    def restart(self, name: str, *, timeout: float = 60) -> None:
        """Start worker `name` again (after `kill`), its log appended to."""
        self._spawn(name, log_mode="a")
        self._wait_for_ping([name], timeout)

    @contextmanager
    def paused(self, queues: dict[str, list[str]] | None = None) -> Iterator[None]:
        """Workers that take nothing from some queues for a while: `queues` maps worker names to
        the queues they stop consuming (all of each worker's, by default); they consume them
        again afterwards.

        Cancelling a consumer does not end the blocking pop (BRPOP, kombu's timeout is 1 s)
        its worker may have under way, which still takes the next message pushed to the
        queue; the worker, with no consumer for it, puts that message back (kombu rejects it
        with requeue). So a probe is pushed to each queue and waited for until it is back:
        once it stays in the queue, no pop of a cancelled consumer is left, and the probe is
        taken out again. The probe is a prepare message for no task, which a worker that ran
        it would drop."""
        if queues is None:
            queues = {name: self.queues(name) for name in self.layout}
        for name, names in queues.items():
            for queue in names:
                self.control.cancel_consumer(queue, destination=[self.node(name)], reply=True)
        try:
            for queue in sorted({queue for names in queues.values() for queue in names}):
                self._probe(queue)
            yield
        finally:
            for name, names in queues.items():
                for queue in names:
                    self.control.add_consumer(queue, destination=[self.node(name)], reply=True)

    def _probe(self, queue: str) -> None:
        from config import dispatch

        probe_id = f"probe-{uuid.uuid4()}"
        self.app.send_task(
            dispatch.PREPARE_TASK, args=[0], task_id=probe_id, queue=queue, priority=0
        )
        with self.app.connection_for_read() as connection:
            client = connection.default_channel.client

            def take_back() -> bool:
                # Priority 0 is the queue's own list (the other steps have a suffix).
                for raw in client.lrange(queue, 0, -1):
                    if json.loads(raw)["headers"]["id"] == probe_id:
                        return client.lrem(queue, 1, raw) == 1
                return False

            wait_until(
                take_back,
                timeout=10,
                message=f"the probe of queue {queue} did not come back: a worker not paused "
                "consumes it",
            )

    def stop(self) -> None:
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
