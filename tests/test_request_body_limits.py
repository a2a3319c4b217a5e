"""A request as large as MAX_URLS_PER_REQUEST links allows is taken; a larger body answers 413,
and a form of too many fields 400, both as JSON errors that write nothing."""

import json
from urllib.parse import urlencode

import pytest
from django.conf import settings

from applications.models import ApplicationRun, ApplicationTask
from jobs.models import JobPosting

pytestmark = pytest.mark.django_db


def assert_nothing_written() -> None:
    assert JobPosting.objects.count() == 0
    assert ApplicationRun.objects.count() == 0
    assert ApplicationTask.objects.count() == 0


def links(count: int, length: int) -> list[str]:
    prefix = "https://example.com/jobs/"
    return [f"{prefix}{i:06d}-".ljust(length, "a") for i in range(count)]


def test_a_request_of_the_most_links_allowed_of_260_characters_is_taken(owner_client):
    job_urls = links(settings.MAX_URLS_PER_REQUEST, 260)
    body = json.dumps({"job_urls": job_urls})
    assert len(body) > 2_621_440  # Django's default limit

    response = owner_client.post("/api/runs/", body, content_type="application/json")

    assert response.status_code == 201
    assert len(response.json()["tasks"]) == settings.MAX_URLS_PER_REQUEST
    assert ApplicationTask.objects.count() == settings.MAX_URLS_PER_REQUEST


def test_the_limit_allows_the_most_links_of_the_longest_length():
    body = json.dumps({"job_urls": links(settings.MAX_URLS_PER_REQUEST, 2000)}, indent=2)

    assert len(body.encode()) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_body_over_the_limit_is_refused_with_413_as_json(owner_client):
    body = json.dumps({"job_urls": ["https://example.com/jobs/1"], "name": "x"}).ljust(
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    )

    response = owner_client.post("/api/runs/", body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "request_too_large"
    assert "bytes" in response.json()["detail"]
    assert_nothing_written()


def test_a_form_of_too_many_fields_is_refused_with_400_as_json(owner_client):
    fields = [("job_urls", f"https://example.com/jobs/{i}") for i in range(20_000)]

    response = owner_client.post(
        "/api/runs/", urlencode(fields), content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "too_many_fields"
    assert_nothing_written()


def test_a_form_of_as_many_links_as_json_allows_is_taken(owner_client):
    fields = [("job_urls", url) for url in links(2_000, 40)]

    response = owner_client.post(
        "/api/runs/", urlencode(fields), content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 201
    assert ApplicationTask.objects.count() == 2_000
