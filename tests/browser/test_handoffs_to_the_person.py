"""What only the person can give is handed to them: the code a site e-mails (after "Send code"),
a CAPTCHA. The step raises NeedsPerson with a screenshot; rerun with the person's answer in
`checkpoint["handoff"]`, it types the answer in and goes on."""

import pytest

from tests.browser.conftest import applicant, task_for
from workers.drivers import NeedsPerson

pytestmark = pytest.mark.django_db

VERIFIED = "/verified/acme-robotics/backend-engineer"
WAYNE = "/lever/wayne/6f1c1c1e-8a43-4b0e-9a43-1f2a3b4c5d6e"


def test_an_emailed_code_is_asked_for_once_then_typed_in(site, driver):
    profile = applicant()
    task = task_for(profile, site.url + VERIFIED)
    try:
        with pytest.raises(NeedsPerson) as need:
            driver.run_step(task, "open")
    finally:
        driver.finish(task)
    assert need.value.kind == "code"
    assert profile.email in need.value.prompt
    assert need.value.progress.checkpoint["screenshot"]
    [message] = site.outbox(profile.email)

    task.checkpoint = {
        **need.value.progress.checkpoint,
        "handoff": {"kind": "code", "step": "open", "answer": message["code"]},
    }
    task.celery_task_id = "message-2"
    try:
        driver.run_step(task, "open")
        result = driver.run_step(task, "fill")
    finally:
        driver.finish(task)
    assert len(site.outbox(profile.email)) == 1
    assert result.values["first_name"] == "Ada"
    assert result.values["email"] == profile.email


def test_a_captcha_is_handed_to_the_person_with_a_screenshot(site, driver):
    task = task_for(applicant(), site.url + WAYNE)
    try:
        driver.run_step(task, "open")
        with pytest.raises(NeedsPerson) as need:
            driver.run_step(task, "fill")
    finally:
        driver.finish(task)
    assert need.value.kind == "captcha"
    assert need.value.progress.checkpoint["screenshot"].startswith("screenshots/")
