"""The browser's storage state goes into the checkpoint sealed (no cookie value in clear), and a
later run's new context restored from it is in the same session of the site."""

import json

import pytest

from tests.browser.conftest import applicant, task_for
from workers.browser.state import state_unseal

pytestmark = pytest.mark.django_db


def session_cookie(state: dict) -> str:
    [cookie] = [cookie for cookie in state["cookies"] if cookie["name"] == "board_session"]
    return cookie["value"]


def test_the_board_session_is_sealed_in_the_checkpoint_and_restored(site, driver):
    task = task_for(applicant(), site.url + "/greenhouse/acme-robotics/jobs/4012")
    try:
        opened = driver.run_step(task, "open")
    finally:
        driver.finish(task)
    sealed = opened.checkpoint["browser"]["state"]
    session = session_cookie(state_unseal(sealed))
    assert session not in json.dumps(opened.checkpoint)
    assert "board_session" not in json.dumps(opened.checkpoint)

    task.checkpoint = {"browser": opened.checkpoint["browser"], "steps_done": ["open"]}
    task.celery_task_id = "message-2"
    try:
        filled = driver.run_step(task, "fill")
    finally:
        driver.finish(task)
    assert session_cookie(state_unseal(filled.checkpoint["browser"]["state"])) == session
