"""The four list endpoints are documented as DRF's paginated envelope, with their page
parameter, as they answer."""

import pytest

from tests.schema import api_schema, resolve, response_schema

pytestmark = pytest.mark.django_db

LISTS = {
    "/api/runs/": "RunOutput",
    "/api/tasks/": "TaskOutput",
    "/api/applications/": "ApplicationOutput",
    "/api/approvals/": "ApprovalOutput",
}


@pytest.mark.parametrize(("path", "item"), LISTS.items())
def test_each_list_is_documented_as_a_page_of_items_with_a_page_parameter(path, item):
    schema = api_schema()

    page = response_schema(schema, path, "get", "200")
    parameters = {
        parameter["name"]: parameter for parameter in schema["paths"][path]["get"]["parameters"]
    }

    assert set(page["required"]) >= {"count", "results"}
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["next"]["nullable"] is True
    assert (
        resolve(schema, page["properties"]["results"]["items"])
        == schema["components"]["schemas"][item]
    )
    assert parameters["page"]["in"] == "query"
    assert parameters["page"]["schema"]["type"] == "integer"


def test_the_list_filters_are_documented(owner_client):
    schema = api_schema()

    tasks = {p["name"]: p["schema"] for p in schema["paths"]["/api/tasks/"]["get"]["parameters"]}
    approvals = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/approvals/"]["get"]["parameters"]
    }

    assert "pending_approval" in tasks["state"]["enum"]
    assert tasks["run"]["minimum"] == 1
    assert "pending" in approvals["status"]["enum"]
