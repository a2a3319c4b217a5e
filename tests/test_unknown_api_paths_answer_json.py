"""An unknown path under /api/ answers a JSON 404, with DEBUG on (the demo) as with it off."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/nothing-here/", "/api/runs/not-a-number/", "/api/tasks/1/explode/", "/api/x"]
)
def test_an_unknown_api_path_answers_a_json_404_with_debug_on_and_off(owner_client, settings, path):
    for debug in (True, False):
        settings.DEBUG = debug

        response = owner_client.get(path)

        assert response.status_code == 404, debug
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"error": "not_found", "detail": "Not found."}


def test_a_post_to_an_unknown_api_path_answers_a_json_404_with_debug_on_and_off(
    owner_client, settings
):
    for debug in (True, False):
        settings.DEBUG = debug

        response = owner_client.post("/api/nothing-here", {"job_urls": []}, format="json")

        assert response.status_code == 404, debug
        assert response.json()["error"] == "not_found"


def test_without_its_slash_a_known_path_is_redirected_and_an_unknown_one_is_a_json_404(
    owner_client, settings
):
    settings.DEBUG = True

    known = owner_client.get("/api/runs")
    unknown = owner_client.get("/api/nothing-here")

    assert known.status_code == 301
    assert known["Location"] == "/api/runs/"
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "not_found"


def test_a_post_to_a_malformed_id_with_a_csrf_cookie_is_a_json_404_not_a_csrf_page(
    owner_and_token,
):
    _, token = owner_and_token
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {token}")
    client.cookies["csrftoken"] = "a" * 32

    response = client.post("/api/tasks/null,null/retry/")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
