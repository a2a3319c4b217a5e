"""The demo board for tests and benchmarks: `python -m demo_board` started as its own process on
a free port, with its own SQLite database, reached only over HTTP as Applyline reaches it.

    board = launch_board(ttl=2)
    board.url                        # http://127.0.0.1:<port>
    board.submissions("/lever/acme/<uuid>")
    board.stop()

Nothing here imports demo_board: the board is another site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.web import free_port

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class BoardProcess:
    port: int
    process: subprocess.Popen
    log: Path
    folder: Path
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _get(self, path: str, **params) -> dict:
        answer = self.http.get(self.url + path, params=params, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def _post(self, path: str) -> dict:
        answer = self.http.post(self.url + path, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def submissions(self, posting: str | None = None, *, email: str | None = None) -> list[dict]:
        """What the board received for a posting (a link or path of any of its pages), oldest
        first: each with `values` and `files` (name, size, sha256)."""
        params = {
            key: value for key, value in {"posting": posting, "email": email}.items() if value
        }
        return self._get("/_board/submissions/", **params)["submissions"]

    def outbox(self, email: str | None = None) -> list[dict]:
        """The verification codes "e-mailed", newest first (`code`, `email`, `posting`)."""
        return self._get("/_board/outbox/", **({"email": email} if email else {}))["messages"]

    def captcha(self, *, posting: str | None = None, session: str | None = None) -> str:
        """The answer of the newest CAPTCHA shown (for a posting, or a board_session cookie)."""
        params = {
            key: value for key, value in {"posting": posting, "session": session}.items() if value
        }
        challenges = self._get("/_board/captcha/", **params)["challenges"]
        assert challenges, "the board has shown no CAPTCHA"
        return challenges[0]["answer"]

    def expire_sessions(self) -> int:
        return self._post("/_board/sessions/expire/")["expired"]

    def reset(self) -> None:
        self._post("/_board/reset/")

    def stop(self) -> None:
        """Stop the process and remove its folder (its database too, unless one was given)."""
        self.http.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _wait_for_health(board: BoardProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if board.process.poll() is not None:
            raise AssertionError(f"the demo board exited:\n{board.log.read_text()}")
        try:
            if requests.get(board.url + "/_board/health/", timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise AssertionError("the demo board did not answer /_board/health/")


def launch_board(
    *, port: int | None = None, ttl: int | None = None, database: str | Path | None = None
) -> BoardProcess:
    """Start the board and return once it answers. Its database (a fresh one in a temporary
    folder unless `database` is given), uploads and log live in that folder; `ttl` is the
    session lifetime in seconds."""
    folder = Path(tempfile.mkdtemp(prefix="demo-board-"))
    port = port or free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "demo_board.settings",
        "DEMO_BOARD_PORT": str(port),
        "DEMO_BOARD_DATABASE": str(database or folder / "board.sqlite3"),
        "DEMO_BOARD_UPLOADS": str(folder / "uploads"),
        "PYTHONUNBUFFERED": "1",
    }
    if ttl is not None:
        environment["DEMO_BOARD_SESSION_TTL"] = str(ttl)
    log = folder / "board.log"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "demo_board"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    board = BoardProcess(port=port, process=process, log=log, folder=folder)
    try:
        _wait_for_health(board, timeout=60)
    except AssertionError:
        board.stop()
        raise
    return board
