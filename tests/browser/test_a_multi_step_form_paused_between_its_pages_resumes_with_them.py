"""A multi-step form paused after its first page: the step resumed in a new context goes on
from the page the site kept, and what the earlier page took still counts as filled (in the
values the review page shows, and not reported as unplaced)."""

import threading
import time

import pytest
import redis
from django.conf import settings as django_settings

from applications.services.preemption import PAUSE_SIGNAL_KEY
from applications.services.preparing import task_note_progress
from tests.browser.conftest import applicant, task_for
from workers.drivers import StepYielded

pytestmark = pytest.mark.django_db

POSTING = "/careers/hooli/platform-engineer-31"
QUESTION = "What is your favourite data structure, and why?"


def test_the_pages_filled_before_the_pause_still_count(site, driver, settings):
    profile = applicant(answers={QUESTION: "The heap."})
    task = task_for(profile, site.url + POSTING)
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    key = PAUSE_SIGNAL_KEY.format(task_id=task.pk)
    client.delete(key)
    try:
        driver.run_step(task, "open")
        settings.BROWSER_ACTION_PAUSE_SECONDS = (0.25, 0.25)

        def signal_once_past_the_first_page() -> None:
            # Its four fields and Next take five actions of a quarter second each.
            time.sleep(1.6)
            client.set(key, "message-1", ex=60)

        threading.Thread(target=signal_once_past_the_first_page).start()
        with pytest.raises(StepYielded) as yielded:
            driver.run_step(task, "fill")
    finally:
        driver.finish(task)
        client.delete(key)
    progress = yielded.value.progress
    assert progress.values["first_name"] == "Ada"

    task_note_progress(task=task, values=progress.values, checkpoint=progress.checkpoint)
    task.celery_task_id = "message-2"
    settings.BROWSER_ACTION_PAUSE_SECONDS = (0.0, 0.0)
    try:
        result = driver.run_step(task, "fill")
    finally:
        driver.finish(task)

    assert result.values["first_name"] == "Ada"
    assert result.values["resume"] == "ada-lovelace.pdf"
    unplaced = {entry["field"] for entry in result.checkpoint["unplaced"]}
    assert not unplaced & {"first_name", "last_name", "email", "phone", "resume"}, unplaced
