"""Lever, Ashby and the generic multi-step form: filled from the profile and submitted once; a
required question nobody answered is asked, and its answer (from the review page) is typed in
by the submit."""

import pytest

from tests.browser.conftest import applicant, prepare, task_for

pytestmark = pytest.mark.django_db

LEVER = "/lever/acme-robotics/6f1c1c1e-8a43-4b0e-9a43-1f2a3b4c5d6e"
ASHBY = "/ashby/acme-robotics/6f1c1c1e-8a43-4b0e-9a43-1f2a3b4c5d6e"
CAREERS = "/careers/acme-robotics/backend-engineer"
ANSWERS = {
    "Do you require visa sponsorship?": "No",
    "Are you open to working on-site three days a week?": "Yes",
}
FAVOURITE = "What is your favourite data structure, and why?"


@pytest.mark.parametrize("path", [LEVER, ASHBY])
def test_a_lever_or_ashby_form_is_filled_and_submitted_once(site, driver, path):
    profile = applicant(answers=ANSWERS)
    task = task_for(profile, site.url + path)
    try:
        prepare(driver, task)
    finally:
        driver.finish(task)
    assert task.checkpoint["questions"] == []
    assert task.checkpoint["values"]["first_name"] == "Ada"
    assert task.checkpoint["posting"]["company"] == "Acme Robotics"

    try:
        driver.submit(task)
    finally:
        driver.finish(task)
    assert len(site.submissions(path)) == 1
    assert driver.was_submitted(task) is True


def test_the_multi_step_form_asks_its_question_and_the_submit_types_the_answer(site, driver):
    profile = applicant()
    task = task_for(profile, site.url + CAREERS)
    try:
        prepare(driver, task)
    finally:
        driver.finish(task)
    [question] = task.checkpoint["questions"]
    assert question["label"] == FAVOURITE
    assert question["kind"] == "text"
    assert site.submissions(CAREERS) == []

    task.checkpoint["values"]["answers"] = {FAVOURITE: "A trie: prefixes for free."}
    try:
        driver.submit(task)
    finally:
        driver.finish(task)
    [submission] = site.submissions(CAREERS)
    assert "A trie: prefixes for free." in str(submission["values"])
