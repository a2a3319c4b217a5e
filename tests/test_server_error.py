"""A view that raises answers 500: JSON {"error": "server_error", ...} under /api/, Django's own
page elsewhere; neither shows the failure, which is logged."""

import logging

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_that_raise")]

SECRET = "secret detail of the failure"


def get(path: str):
    return Client(raise_request_exception=False).get(path)


@pytest.mark.parametrize("path", ["/api/test-failure/", "/api/test-failure-in-drf/"])
def test_a_failure_under_the_api_answers_a_json_error(path):
    response = get(path)

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "server_error",
        "detail": "Something went wrong on our side; it has been logged.",
    }


def test_a_failure_elsewhere_answers_djangos_error_page():
    response = get("/test-failure/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Server Error (500)" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/test-failure/", "/test-failure/"])
def test_the_answer_shows_nothing_of_the_failure(path):
    content = get(path).content.decode()

    assert SECRET not in content
    assert "Broken" not in content
    assert "Traceback" not in content


def test_the_failure_is_logged_with_its_traceback(caplog):
    caplog.set_level(logging.ERROR, logger="django.request")

    get("/api/test-failure/")

    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.getMessage() == "Internal Server Error: /api/test-failure/"
    assert record.exc_info is not None
    assert SECRET in str(record.exc_info[1])
