"""A posting's page reaches only the posting's own site: a request to another host (or another
port of the same address) is blocked before it leaves the browser."""

import pytest

from tests.browser.conftest import applicant, task_for
from tests.browser.pages import Pages

pytestmark = pytest.mark.django_db


def test_an_image_from_another_host_is_never_requested(site, driver):
    elsewhere = Pages({"/pixel.gif": "GIF89a"})
    tracker = elsewhere.url("/pixel.gif", host="localhost")
    pages = Pages({"/jobs/1": f'<!doctype html><h1>Engineer</h1><img src="{tracker}"><p>Apply</p>'})
    task = task_for(applicant(), pages.url("/jobs/1"))
    try:
        result = driver.run_step(task, "open")
    finally:
        driver.finish(task)
        pages.close()
        elsewhere.close()

    assert pages.requests == ["/jobs/1"]
    assert elsewhere.requests == []
    assert result.checkpoint["browser"]["blocked"] == [tracker]
