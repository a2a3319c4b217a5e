"""A list's page is a number: an empty or a word page is no page (404), as the schema says."""

import pytest

from tests.factories import RunFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["", "last"])
def test_an_empty_or_word_page_is_a_404_and_page_1_the_first(owner_client, owner, page):
    RunFactory(user=owner)

    response = owner_client.get("/api/runs/", {"page": page})

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "Invalid page."}
    assert owner_client.get("/api/runs/", {"page": "1"}).json()["count"] == 1
