"""The browser driver's tests: real Chromium, the demo board as its own process, the driver's
methods called with real task rows (the engine around them is tested in tests/engine).

The board is started once for these tests (`board`), on a free port, with a database of its own
in a temporary folder; each test starts from an empty board (`board.reset()`)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from applications.models import ApplicationTask
from tests.factories import JobPostingFactory, ProfileFactory, RunFactory, TaskFactory
from tests.web import free_port
from workers.browser import BrowserDriver

ROOT = Path(__file__).resolve().parent.parent.parent
RESUME_TEXT = b"%PDF-1.4\nAda Lovelace - Analytical Engine programmer\n"


@dataclass
class Board:
    url: str
    process: subprocess.Popen

    def get(self, path: str, **params) -> dict:
        answer = requests.get(self.url + path, params=params, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def post(self, path: str) -> dict:
        answer = requests.post(self.url + path, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def submissions(self, posting: str) -> list[dict]:
        return self.get("/_board/submissions/", posting=posting)["submissions"]

    def reset(self) -> None:
        self.post("/_board/reset/")


@pytest.fixture(scope="session")
def board():
    folder = Path(tempfile.mkdtemp(prefix="browser-board-"))
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "demo_board.settings",
        "DEMO_BOARD_PORT": str(port),
        "DEMO_BOARD_DATABASE": str(folder / "board.sqlite3"),
        "DEMO_BOARD_UPLOADS": str(folder / "uploads"),
    }
    with (folder / "board.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "demo_board"], cwd=ROOT, env=environment, stdout=log, stderr=log
        )
    running = Board(url=f"http://127.0.0.1:{port}", process=process)
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(running.url + "/_board/health/", timeout=1).ok:
                break
        except requests.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError((folder / "board.log").read_text()) from None
            time.sleep(0.1)
    yield running
    process.terminate()
    process.wait(timeout=15)


@pytest.fixture
def site(board, settings, tmp_path):
    """The board, empty, as the driver's demo board; actions without human pauses; screenshots
    and résumés in a folder of the test's own."""
    board.reset()
    settings.DEMO_BOARD_URL = board.url
    settings.BROWSER_ACTION_PAUSE_SECONDS = (0.0, 0.0)
    settings.MEDIA_ROOT = tmp_path / "media"
    return board


@pytest.fixture(scope="session")
def driver():
    return BrowserDriver()


def applicant(**fields):
    """Ada, with a résumé, a phone and links."""
    profile = ProfileFactory(
        phone="+1 415 555 0100",
        links=["https://www.linkedin.com/in/ada", "https://github.com/ada"],
        **fields,
    )
    profile.resume.save("ada-lovelace.pdf", _content(), save=True)
    return profile


def _content():
    from django.core.files.base import ContentFile

    return ContentFile(RESUME_TEXT)


def task_for(profile, url: str, *, message_id: str = "message-1", **fields) -> ApplicationTask:
    return TaskFactory(
        run=RunFactory(user=profile.user),
        job=JobPostingFactory(url=url),
        celery_task_id=message_id,
        **fields,
    )


def prepare(driver, task: ApplicationTask) -> ApplicationTask:
    """Every step, each result noted in the checkpoint as the engine notes it."""
    from applications.services.preparing import task_note_step

    for step in driver.steps(task):
        result = driver.run_step(task, step)
        task_note_step(task=task, step=step, values=result.values, checkpoint=result.checkpoint)
    task.save(update_fields=["checkpoint"])
    return task
