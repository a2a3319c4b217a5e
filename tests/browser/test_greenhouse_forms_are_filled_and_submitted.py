"""Both Greenhouse forms of the board (the current script-driven one, the older embedded one):
the driver fills them from the profile, stops before the final click with a screenshot, and
submits once, confirmed by the page."""

from pathlib import Path

import pytest

from tests.browser.conftest import applicant, prepare, task_for

pytestmark = pytest.mark.django_db

AUTHORIZED = "Are you legally authorized to work in the United States?"


@pytest.mark.parametrize(
    "path",
    [
        "/greenhouse/acme-robotics/jobs/4012",
        "/greenhouse/embed/job_app?for=acme-robotics&token=4012",
    ],
)
def test_a_greenhouse_form_is_filled_reviewed_and_submitted_once(site, driver, settings, path):
    profile = applicant(answers={AUTHORIZED: "Yes"})
    task = task_for(profile, site.url + path)

    try:
        prepare(driver, task)
        assert site.submissions("/greenhouse/acme-robotics/jobs/4012") == []
    finally:
        driver.finish(task)

    checkpoint = task.checkpoint
    assert checkpoint["posting"] == {"company": "Acme Robotics", "title": "Frontend Engineer"}
    assert checkpoint["values"]["first_name"] == "Ada"
    assert checkpoint["values"]["email"] == profile.email
    assert checkpoint["values"]["resume"] == Path(profile.resume.name).name
    assert checkpoint["values"]["answers"] == {AUTHORIZED: "Yes"}
    assert checkpoint["values"]["links"] == ["https://www.linkedin.com/in/ada"]
    assert checkpoint["questions"] == []
    assert (Path(settings.MEDIA_ROOT) / checkpoint["screenshot"]).stat().st_size > 0
    assert driver.was_submitted(task) is False

    try:
        driver.submit(task)
    finally:
        driver.finish(task)

    [submission] = site.submissions("/greenhouse/acme-robotics/jobs/4012")
    assert profile.email in str(submission["values"])
    assert driver.was_submitted(task) is True
