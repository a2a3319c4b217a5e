"""Bad input gets 400 with a clear detail, and writes nothing."""

import pytest

from applications.models import Application, ApplicationRun, ApplicationTask
from jobs.models import JobPosting

pytestmark = pytest.mark.django_db

VALID = "https://boards.greenhouse.io/acme/jobs/1"


def assert_nothing_written() -> None:
    assert JobPosting.objects.count() == 0
    assert ApplicationRun.objects.count() == 0
    assert ApplicationTask.objects.count() == 0
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "detail_contains"),
    [
        ({"job_urls": [VALID, "not a url"]}, "job_urls[1]"),
        ({"job_urls": [VALID, "ftp://files.example.com/job"]}, "job_urls[1]"),
        ({"job_urls": []}, "job_urls"),
        ({"job_urls": VALID}, "job_urls"),
        ({}, "job_urls: This field is required."),
        ({"job_urls": [VALID] * 10_001}, "no more than 10000"),
    ],
    ids=["invalid-url", "not-http", "empty-list", "not-a-list", "missing", "over-the-limit"],
)
def test_a_bad_run_request_is_refused_with_400_and_writes_nothing(
    owner_client, body, detail_contains
):
    response = owner_client.post("/api/runs/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"] in {"invalid", "invalid_url"}
    assert detail_contains in response.json()["detail"]
    assert_nothing_written()


def test_a_body_that_is_not_json_is_refused_with_400(owner_client):
    response = owner_client.post("/api/runs/", "job_urls=[", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"
    assert "JSON" in response.json()["detail"]
    assert_nothing_written()


def test_an_unknown_state_filter_is_refused_with_400(owner_client):
    response = owner_client.get("/api/tasks/?state=sleeping")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("state:")
    assert "sleeping" in response.json()["detail"]


def test_a_bad_url_added_to_a_run_is_refused_and_the_run_is_unchanged(owner_client):
    run_id = owner_client.post("/api/runs/", {"job_urls": [VALID]}, format="json").json()["run"][
        "id"
    ]

    response = owner_client.post(
        f"/api/runs/{run_id}/jobs/",
        {"job_urls": ["https://boards.greenhouse.io/acme/jobs/2", "javascript:alert(1)"]},
        format="json",
    )

    assert response.status_code == 400
    assert "job_urls[1]" in response.json()["detail"]
    assert ApplicationTask.objects.count() == 1
    assert JobPosting.objects.count() == 1
