"""The browser driver's tests: real Chromium, the demo board as its own process, the driver's
methods called with real task rows (the engine around them is tested in tests/engine).

The board is the session's (`board`, tests/board.py); each test starts from an empty board
(`board.reset()`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from applications.models import ApplicationTask
from tests.factories import JobPostingFactory, ProfileFactory, RunFactory, TaskFactory
from workers.browser import BrowserDriver

ROOT = Path(__file__).resolve().parent.parent.parent
RESUME_TEXT = b"%PDF-1.4\nAda Lovelace - Analytical Engine programmer\n"


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
