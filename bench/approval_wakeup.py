"""Approval wake-ups: 500 clients long-polling GET /api/approvals/{id}/wait/ through a real
uvicorn, then decisions one after another, against 500 clients polling every 5 s.

    .venv/bin/python bench/approval_wakeup.py --out bench/results/approval_wakeup.json

The web process is uvicorn as the Procfile runs it (one process), on the benchmark's database
and Redis database; the clients are raw HTTP/1.1 on asyncio in this process. While the 500 wait
and nothing happens, the web process's CPU (from /proc) and its PostgreSQL connections (from
pg_stat_activity) are read; then DECISIONS approvals are approved one after another through
POST /api/approvals/{id}/approve/ on the same web process, each once the one before has been
answered, and each waiter's answer is timed from its decision's response.

The baseline, in the same run on the same web process: 500 other clients each GET their task's
detail (/api/tasks/{id}/, whose state says the decision) every POLL_SECONDS from a random phase,
and DECISIONS of their approvals are approved one after another; each is timed from the
decision's response to the poll that sees it.
"""

import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

WAITERS = 500
USERS = 50
DECISIONS = 200
WAIT_TIMEOUT = 30
POLL_SECONDS = 5.0
BASELINE_DECISIONS = 50
# The waiters are left alone until the web process has used under QUIET_CPU_SECONDS of CPU in
# a second (at most SETTLE_MAX_SECONDS), then it is measured for IDLE_SECONDS.
SETTLE_MAX_SECONDS = 12.0
QUIET_CPU_SECONDS = 0.1
IDLE_SECONDS = 5.0


def make_approvals(count: int, prefix: str) -> list[tuple[int, int, str]]:
    """`count` open approvals over USERS users: (approval id, task id, the user's token)."""
    from applications.services import applicant_create, run_create, task_transition
    from approvals.services import approval_create

    made = []
    per_user = count // USERS
    for number in range(USERS):
        user, token = applicant_create(username=f"{prefix}{number}", password="bench-password")
        links = [f"https://boards.greenhouse.io/{prefix}{number}/jobs/{n}" for n in range(per_user)]
        for task in run_create(user=user, job_urls=links).tasks:
            task_transition(task=task, transition="claim", actor="benchmark")
            task_transition(task=task, transition="prepared", actor="benchmark")
            approval = approval_create(task=task).approval
            made.append((approval.pk, task.pk, token))
    return made


# --- Raw HTTP/1.1 over asyncio ---------------------------------------------------------------


async def request(port: int, method: str, path: str, token: str) -> tuple[int, dict]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {token}\r\n"
            "Content-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        body = _unchunked(body)
    return status, json.loads(body) if body else {}


def _unchunked(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        out, body = out + body[:size], body[size + 2 :]
    return out


async def approve(port: int, approval_id: int, token: str) -> float:
    """Approve through the API; the time of its response."""
    status, body = await request(port, "POST", f"/api/approvals/{approval_id}/approve/", token)
    assert status == 200, body
    return time.monotonic()


# --- The long-poll ----------------------------------------------------------------------------


async def long_poll(port: int, web_pid: int, approvals: list[tuple[int, int, str]]) -> dict:
    answered: dict[int, float] = {}
    sent = 0

    async def wait(approval_id: int, token: str) -> None:
        nonlocal sent
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"GET /api/approvals/{approval_id}/wait/?timeout={WAIT_TIMEOUT} HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nAuthorization: Token {token}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        sent += 1
        raw = await reader.read()
        answered[approval_id] = time.monotonic()
        writer.close()
        assert b" 200 " in raw.split(b"\r\n", 1)[0], raw[:300]
        assert b'"status": "approved"' in raw, raw[-300:]

    waiters = [asyncio.create_task(wait(a, token)) for a, _, token in approvals]
    while sent < len(waiters):
        await asyncio.sleep(0.05)
    # The web process signs each waiter in and reads its row first: measured once that is done,
    # when its CPU has been quiet for a second (or after SETTLE_MAX_SECONDS).
    settle_deadline = time.monotonic() + SETTLE_MAX_SECONDS
    while time.monotonic() < settle_deadline:
        before = process_cpu_seconds(web_pid)
        await asyncio.sleep(1.0)
        if process_cpu_seconds(web_pid) - before < QUIET_CPU_SECONDS:
            break
    cpu_before, started = process_cpu_seconds(web_pid), time.monotonic()
    await asyncio.sleep(IDLE_SECONDS)
    cpu_pct = (process_cpu_seconds(web_pid) - cpu_before) / (time.monotonic() - started) * 100
    connections = await asyncio.to_thread(web_database_connections)
    threads = len(os.listdir(f"/proc/{web_pid}/task"))
    assert not answered, f"{len(answered)} waiters answered before any decision"

    latencies = []
    for approval_id, _, token in approvals[:DECISIONS]:
        decided = await approve(port, approval_id, token)
        while approval_id not in answered:
            await asyncio.sleep(0.0005)
        latencies.append(answered[approval_id] - decided)
    for waiter in waiters[DECISIONS:]:
        waiter.cancel()
    await asyncio.gather(*waiters, return_exceptions=True)
    return {
        "latencies": latencies,
        "cpu_pct": cpu_pct,
        "connections": connections,
        "threads": threads,
    }


# --- The baseline: polling --------------------------------------------------------------------


async def polling(port: int, approvals: list[tuple[int, int, str]]) -> list[float]:
    seen: dict[int, float] = {}
    stop = asyncio.Event()

    async def poll(approval_id: int, task_id: int, token: str) -> None:
        await asyncio.sleep(random.uniform(0, POLL_SECONDS))
        while not stop.is_set():
            started = time.monotonic()
            status, body = await request(port, "GET", f"/api/tasks/{task_id}/", token)
            assert status == 200, body
            if body["state"] != "pending_approval":
                seen[approval_id] = time.monotonic()
                return
            await asyncio.sleep(max(0.0, POLL_SECONDS - (time.monotonic() - started)))

    pollers = [asyncio.create_task(poll(a, t, token)) for a, t, token in approvals]
    await asyncio.sleep(POLL_SECONDS + 1)
    latencies = []
    for approval_id, _, token in approvals[:BASELINE_DECISIONS]:
        decided = await approve(port, approval_id, token)
        while approval_id not in seen:
            await asyncio.sleep(0.005)
        latencies.append(seen[approval_id] - decided)
    stop.set()
    for poller in pollers:
        poller.cancel()
    await asyncio.gather(*pollers, return_exceptions=True)
    return latencies


# --- The web process and what it holds -------------------------------------------------------


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def web_database_connections() -> int:
    """Connections to the benchmark's database other than this process's own (nothing else
    runs against it: they are the web process's)."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0]
    finally:
        # Run in a thread of its own: its connection would outlive it.
        connection.close()


def start_web(port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        **common.engine_environment(),
        "APPLYLINE_TEST_WORKER": "1",  # the test_ database the benchmark made
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as output:
        web = subprocess.Popen(
            [
                str(common.ROOT / ".venv" / "bin" / "uvicorn"),
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--no-access-log",
                "--log-config",
                "config/uvicorn-logging.json",
            ],
            cwd=common.ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        assert web.poll() is None, log.read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return web
        except OSError:
            assert time.monotonic() < deadline, "the web process did not listen"
            time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def main() -> None:
    arguments = common.parser(__doc__.splitlines()[0], "approval_wakeup.json").parse_args()
    common.setup_engine_django()
    log_dir = Path(tempfile.mkdtemp(prefix="applyline-bench-"))
    common.redis_client().flushdb()
    web = None
    try:
        waiting = make_approvals(WAITERS, "waiter")
        polled = make_approvals(WAITERS, "poller")
        from django.db import connection

        connection.close()
        port = free_port()
        web = start_web(port, log_dir / "web.log")
        fifo = asyncio.run(polling(port, polled))
        result = asyncio.run(long_poll(port, web.pid, waiting))
        latencies = result["latencies"]
        p95 = common.percentile(latencies, 0.95)
        baseline_p95 = common.percentile(fifo, 0.95)
        common.write_result(
            out=arguments.out,
            benchmark="approval_wakeup",
            params={
                "waiters": WAITERS,
                "users": USERS,
                "decisions": DECISIONS,
                "wait_timeout_s": WAIT_TIMEOUT,
                "idle_measured_s": IDLE_SECONDS,
                "web": "one uvicorn process (config.asgi), access log off",
                "baseline": (
                    f"{WAITERS} clients GET /api/tasks/{{id}}/ every {POLL_SECONDS:.0f} s, "
                    f"{BASELINE_DECISIONS} decisions"
                ),
                "logs": str(log_dir),
            },
            results={
                "p50_ms": ms(common.percentile(latencies, 0.5)),
                "p95_ms": ms(p95),
                "max_ms": ms(max(latencies)),
                "wait_cpu_pct": round(result["cpu_pct"], 2),
                "web_connections": result["connections"],
                "web_threads": result["threads"],
                "baseline_p95_over_p95": round(baseline_p95 / max(p95, 0.0001), 1),
            },
            baseline={
                "p50_ms": ms(common.percentile(fifo, 0.5)),
                "p95_ms": ms(baseline_p95),
            },
            goals={
                "p95_ms": ("<", 50),
                "baseline_p95_over_p95": (">=", 50),
                "wait_cpu_pct": ("<", 5),
                "web_connections": ("<=", 5),
            },
        )
    finally:
        if web is not None:
            web.terminate()
            web.wait(30)
        common.redis_client().flushdb()
        common.teardown_django()


if __name__ == "__main__":
    main()
