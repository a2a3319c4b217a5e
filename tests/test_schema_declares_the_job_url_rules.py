"""job_urls is documented as the server enforces it: 1 to MAX_URLS_PER_REQUEST links, each an
absolute URI of at most 2,000 characters; what breaks those rules is refused."""

import pytest
from django.conf import settings

from applications.models import ApplicationRun
from jobs.models import JobPosting
from tests.schema import api_schema, request_schema

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "method"), [("/api/runs/", "post"), ("/api/runs/{run_id}/jobs/", "post")]
)
def test_job_urls_is_documented_as_1_to_the_limit_of_uris_of_at_most_2000_characters(path, method):
    body = request_schema(api_schema(), path, method, "application/json")

    job_urls = body["properties"]["job_urls"]
    assert job_urls["minItems"] == 1
    assert job_urls["maxItems"] == settings.MAX_URLS_PER_REQUEST
    assert job_urls["items"] == {"type": "string", "format": "uri", "maxLength": 2000}


def test_request_bodies_are_documented_as_json_only():
    schema = api_schema()

    media_types = {
        media_type
        for item in schema["paths"].values()
        for operation in item.values()
        for media_type in operation.get("requestBody", {}).get("content", {})
    }

    # Forms are read too (the browsable API's), but cannot say an empty list from no field.
    assert media_types == {"application/json"}


@pytest.mark.parametrize(
    "link",
    [
        "https://example.com/jobs/développeur",
        "https://example.com/jobs/1#a#b",
        "https://example.com/jobs/<1>",
        "https://example.com/jobs/%zz",
        " https://example.com/jobs/1",
    ],
)
def test_a_link_that_is_not_a_uri_is_refused_as_an_invalid_link(owner_client, link):
    response = owner_client.post("/api/runs/", {"job_urls": [link]}, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_url"
    assert response.json()["detail"].startswith("job_urls[0]: ")
    assert JobPosting.objects.count() == 0
    assert ApplicationRun.objects.count() == 0
