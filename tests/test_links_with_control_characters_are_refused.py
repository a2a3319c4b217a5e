"""A link holding a control character or an invisible formatting character (a bidi override, a
zero-width space) is refused as an invalid link, and nothing is stored."""

import pytest

from applications.models import ApplicationRun, ApplicationTask
from jobs.canonical import InvalidJobUrl, canonicalize_url
from jobs.models import JobPosting

pytestmark = pytest.mark.django_db

VALID = "https://boards.greenhouse.io/acme/jobs/1"
HIDDEN = [
    "https://exa\x07mple.com/jobs/1",
    "https://example.com/jobs/1\u202e",
    "https://example.com/\u202ejobs/1",
    "https://example.com/jobs/1?team=\u200b",
    "https://example.com/jobs/\x1b[31m",
]


@pytest.mark.parametrize("link", HIDDEN)
def test_canonicalization_refuses_a_link_with_a_hidden_character(link):
    with pytest.raises(InvalidJobUrl):
        canonicalize_url(link)


@pytest.mark.parametrize("link", HIDDEN)
def test_the_api_refuses_a_link_with_a_hidden_character_and_stores_nothing(owner_client, link):
    response = owner_client.post("/api/runs/", {"job_urls": [VALID, link]}, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_url"
    assert response.json()["detail"].startswith("job_urls[1]:")
    assert "\u202e" not in response.json()["detail"]
    assert JobPosting.objects.count() == 0
    assert ApplicationRun.objects.count() == 0
    assert ApplicationTask.objects.count() == 0
