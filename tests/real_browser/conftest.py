"""Real applications end to end: the engine's workers with the Playwright driver in Chromium,
the demo board as its own process, the web process for the review pages, and Chromium again as
the person who opens the link and approves.

The workers are started once for these tests and stopped after the last of them. They share
the board (`board`, tests/board.py) and a media folder with the test process and the web
process, so that the screenshots a worker takes are the ones the review page serves. No human
pauses between page actions, and no pacing but one: `localhost` (the same board under another
name) takes one application per minute, for the pacing test."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from applications.models import Profile
from applications.services import applicant_create, run_create
from tests.engine.conftest import WORKER_ENV, clear_broker
from tests.web import web_process
from workers.processes import WorkerPool, engine_layout, wait_until

ROOT = Path(__file__).resolve().parent.parent.parent
RESUME = ROOT / "applications" / "demo" / "dana-demo-resume.pdf"
PACED_HOST = "localhost"
ANSWERS = {
    "Are you legally authorized to work in the United States?": "Yes",
    "Do you require visa sponsorship?": "No",
    "Are you open to working on-site three days a week?": "Yes",
}


@pytest.fixture(scope="package")
def media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


def browser_worker_env(board_url: str, media: Path, **overrides: str) -> dict[str, str]:
    return {
        **WORKER_ENV,
        "REDIS_URL": settings.REDIS_URL,
        "APPLICATION_DRIVER": "workers.browser.BrowserDriver",
        "DEMO_BOARD_URL": board_url,
        "MEDIA_ROOT": str(media),
        "BROWSER_ACTION_PAUSE_SECONDS": "0,0",
        "SITE_LIMITS": f'{{"*": {{}}, "{PACED_HOST}": {{"applications": "1/minute"}}}}',
        **overrides,
    }


@pytest.fixture(scope="package")
def browser_workers(django_db_setup, django_db_blocker, tmp_path_factory, board, media):
    clear_broker()
    pool = WorkerPool(
        tmp_path_factory.mktemp("browser-workers"),
        layout=engine_layout(2),
        env=browser_worker_env(board.url, media),
    )
    pool.start(loglevel=os.environ.get("TEST_WORKER_LOGLEVEL", "WARNING"))
    yield pool
    pool.stop()


@contextmanager
def workers_of_its_own(applying, board, media, folder: Path, *, layout, **env: str):
    """Browser workers for one test while the package's take nothing (tests/engine/conftest's
    fresh_worker says why a test that kills workers, or needs other settings, wants its own)."""
    with applying.paused():
        pool = WorkerPool(
            folder,
            layout=layout,
            env=browser_worker_env(board.url, media, **env),
            own_process_groups=True,
        )
        pool.start(loglevel=os.environ.get("TEST_WORKER_LOGLEVEL", "WARNING"))
        try:
            yield pool
        finally:
            pool.stop()


@pytest.fixture(scope="package")
def web(browser_workers, media, tmp_path_factory):
    """The web process, serving the review pages and the workers' screenshots."""
    with web_process(
        tmp_path_factory.mktemp("web") / "web.log", env={"MEDIA_ROOT": str(media)}
    ) as base:
        yield base


@pytest.fixture
def applying(browser_workers, transactional_db, board, media, settings):
    """A clean broker and an empty board; waits for the workers to go idle afterwards."""
    clear_broker()
    board.reset()
    settings.MEDIA_ROOT = media
    settings.DEMO_BOARD_URL = board.url
    yield browser_workers
    clear_broker()
    wait_until(browser_workers.idle, timeout=90, message="the workers did not go idle")


def applicant(name: str, **fields) -> Profile:
    """An applicant with everything a form asks for: name, e-mail, phone, links, a résumé and
    the answers to the board's usual questions."""
    user, _ = applicant_create(username=name, password=f"{name}-password")
    profile = Profile.objects.get(user=user)
    values = {
        "first_name": "Ada",
        "last_name": name.title(),
        "email": f"{name}@applicant.example",
        "phone": "+1 415 555 0100",
        "location": "London",
        "current_company": "Analytical Engines",
        "links": ["https://www.linkedin.com/in/ada"],
        "answers": dict(ANSWERS),
        **fields,
    }
    for field, value in values.items():
        setattr(profile, field, value)
    profile.resume.save(f"{name}.pdf", ContentFile(RESUME.read_bytes()), save=False)
    profile.save()
    return profile


def apply_to(profile: Profile, links: list[str]):
    """Queue a run of these links for the applicant; its tasks in order."""
    result = run_create(user=profile.user, job_urls=links)
    assert result.run is not None, result.warnings
    return list(result.run.tasks.order_by("pk"))
