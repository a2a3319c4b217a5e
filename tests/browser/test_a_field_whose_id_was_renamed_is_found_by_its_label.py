"""Fields are found by their label before their id or name: a site that renames its ids keeps
the labels its applicants read, and an id that happens to say "first_name" on a field labelled
otherwise is not taken for it."""

import pytest

from tests.browser.conftest import applicant, task_for
from tests.browser.pages import Pages
from workers.browser.runtime import browser_thread

pytestmark = pytest.mark.django_db

FORM = """<!doctype html><title>Jobs</title><h1>Engineer</h1>
<form>
  <label for="f-81c2">First name</label><input id="f-81c2" name="x1">
  <label for="first_name">Preferred nickname</label><input id="first_name" name="first_name">
  <label for="f-77aa">Surname</label><input id="f-77aa" name="x2">
  <input id="f-e" placeholder="Email address">
  <button type="submit">Submit application</button>
</form>"""


def test_the_first_name_goes_in_the_field_labelled_first_name_whatever_its_id(site, driver):
    pages = Pages({"/jobs/1": FORM})
    profile = applicant()
    task = task_for(profile, pages.url("/jobs/1"))
    try:
        driver.run_step(task, "open")
        result = driver.run_step(task, "fill")
        page = driver._contexts[task.pk].page
        typed = browser_thread().run(
            lambda browser: {
                selector: page.input_value(selector)
                for selector in ("#f-81c2", "#first_name", "#f-77aa", "#f-e")
            }
        )
    finally:
        driver.finish(task)
        pages.close()

    assert typed == {
        "#f-81c2": "Ada",
        "#first_name": "",
        "#f-77aa": "Lovelace",
        "#f-e": profile.email,
    }
    assert result.values["first_name"] == "Ada"
    unplaced = {item["field"] for item in result.checkpoint["unplaced"]}
    assert unplaced == {"phone", "resume", "links"}
