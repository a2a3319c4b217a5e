"""A pause request for this run is looked for before every page action: the step stops within a
fraction of a second with its progress (values filled, the sealed session, the page reached),
and the step redone on resume, in a new context, goes on from there."""

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

POSTING = "/greenhouse/acme-robotics/jobs/4012"


def test_a_pause_mid_step_yields_at_once_and_the_resumed_step_finishes(site, driver, settings):
    profile = applicant()
    task = task_for(profile, site.url + POSTING)
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    key = PAUSE_SIGNAL_KEY.format(task_id=task.pk)
    client.delete(key)
    try:
        driver.run_step(task, "open")
        settings.BROWSER_ACTION_PAUSE_SECONDS = (0.25, 0.25)
        signalled = []

        def signal_pause() -> None:
            time.sleep(0.6)
            client.set(key, "message-1", ex=60)
            signalled.append(time.monotonic())

        threading.Thread(target=signal_pause).start()
        with pytest.raises(StepYielded) as yielded:
            driver.run_step(task, "fill")
        seen = time.monotonic() - signalled[0]
    finally:
        driver.finish(task)
        client.delete(key)

    assert seen < 0.5
    progress = yielded.value.progress
    assert progress.values["first_name"] == "Ada"
    assert "phone" not in progress.values
    assert progress.checkpoint["browser"]["url"] == site.url + POSTING
    assert progress.checkpoint["browser"]["state"]

    # Resumed under a new message: a new context from the checkpoint, the step done whole.
    task_note_progress(task=task, values=progress.values, checkpoint=progress.checkpoint)
    task.celery_task_id = "message-2"
    settings.BROWSER_ACTION_PAUSE_SECONDS = (0.0, 0.0)
    try:
        result = driver.run_step(task, "fill")
    finally:
        driver.finish(task)
    assert result.values["phone"] == "+1 415 555 0100"
    assert result.values["email"] == profile.email
