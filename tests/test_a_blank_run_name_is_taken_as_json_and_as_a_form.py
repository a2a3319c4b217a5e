"""A run's name may be blank, whether the request is JSON or a form: one rule for both."""

import pytest

from applications.models import ApplicationRun

pytestmark = pytest.mark.django_db

LINK = "https://boards.greenhouse.io/acme/jobs/1"


def test_a_blank_name_is_taken_as_json_and_as_a_form(owner_client):
    for number, format in enumerate(["json", "multipart"]):
        link = f"https://boards.greenhouse.io/acme/jobs/{number}"

        response = owner_client.post("/api/runs/", {"job_urls": [link], "name": ""}, format=format)

        assert response.status_code == 201, format
        assert response.json()["run"]["name"] == ""
    assert list(ApplicationRun.objects.values_list("name", flat=True)) == ["", ""]


def test_a_url_encoded_form_is_taken_as_json_is(owner_client):
    response = owner_client.post(
        "/api/runs/",
        f"job_urls={LINK}&name=",
        content_type="application/x-www-form-urlencoded",
    )
    blank_json = owner_client.post(
        "/api/runs/",
        {"job_urls": ["https://boards.greenhouse.io/acme/jobs/2"], "name": ""},
        format="json",
    )

    assert (response.status_code, blank_json.status_code) == (201, 201)
    assert ApplicationRun.objects.filter(name="").count() == 2


def test_the_name_documented_allows_blank_and_refuses_nul(owner_client):
    from tests.schema import api_schema, request_schema

    name = request_schema(api_schema(), "/api/runs/", "post", "application/json")["properties"][
        "name"
    ]

    assert name["maxLength"] == 200
    assert "minLength" not in name
    assert name["pattern"] == "^[^\\u0000]*$"
