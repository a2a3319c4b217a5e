"""A JSON body nested deeper than the parser can follow is a parse error (400), not a crash."""

import pytest

from applications.models import ApplicationRun, ApplicationTask
from jobs.models import JobPosting

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000, "[" * 100_000 + "]" * 100_000, '{"job_urls": ' + "[" * 100_000],
    ids=["unclosed", "closed", "inside-a-field"],
)
def test_a_deeply_nested_body_is_refused_with_400_and_writes_nothing(owner_client, body):
    response = owner_client.post("/api/runs/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"
    assert "nested" in response.json()["detail"]
    assert JobPosting.objects.count() == 0
    assert ApplicationRun.objects.count() == 0
    assert ApplicationTask.objects.count() == 0
