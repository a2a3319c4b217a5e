"""/api/ lists the API's endpoints, as JSON and in the browsable API."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_the_endpoints_as_json(owner_client):
    response = owner_client.get("/api/")

    assert response.status_code == 200
    body = response.json()
    assert body["runs"] == "http://testserver/api/runs/"
    assert body["tasks"] == "http://testserver/api/tasks/"
    assert body["applications"] == "http://testserver/api/applications/"
    assert body["approvals"] == "http://testserver/api/approvals/"
    assert body["docs"] == "http://testserver/api/docs/"
    assert body["schema"] == "http://testserver/api/schema/"


def test_the_api_root_renders_in_the_browsable_api(owner):
    browser = APIClient()
    browser.force_login(owner)

    response = browser.get("/api/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "/api/runs/" in response.content.decode()
