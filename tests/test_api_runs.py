"""Runs and tasks through the REST API, as a signed-in user sees them."""

import pytest

from applications.models import ApplicationTask, TaskState

pytestmark = pytest.mark.django_db


def urls(*job_ids: int) -> list[str]:
    return [f"https://boards.greenhouse.io/acme/jobs/{job_id}" for job_id in job_ids]


def test_creating_a_run_returns_the_run_its_tasks_and_warnings(owner_client):
    response = owner_client.post(
        "/api/runs/", {"job_urls": urls(1, 2, 1), "name": "Monday"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["run"]["name"] == "Monday"
    assert body["run"]["total"] == 2
    assert body["run"]["counts"]["queued"] == 2
    assert body["run"]["progress"] == 0.0
    assert [task["url"].rsplit("/", 1)[1] for task in body["tasks"]] == ["1", "2"]
    assert len(body["warnings"]) == 1


def test_a_request_with_nothing_left_to_queue_answers_200_without_a_run(owner_client):
    owner_client.post("/api/runs/", {"job_urls": urls(1)}, format="json")

    response = owner_client.post("/api/runs/", {"job_urls": urls(1)}, format="json")

    assert response.status_code == 200
    assert response.json()["run"] is None
    assert response.json()["warnings"][0].startswith("Skipped acme — already queued in run")


def test_run_list_and_detail_show_counts_per_state_and_progress(owner_client, owner):
    run_id = owner_client.post("/api/runs/", {"job_urls": urls(1, 2, 3, 4)}, format="json").json()[
        "run"
    ]["id"]
    ApplicationTask.objects.filter(run_id=run_id, job__external_id="1").update(
        state=TaskState.SUBMITTED
    )

    listed = owner_client.get("/api/runs/").json()
    detail = owner_client.get(f"/api/runs/{run_id}/").json()

    assert listed["count"] == 1
    assert listed["results"][0] == detail
    assert detail["counts"]["submitted"] == 1
    assert detail["counts"]["queued"] == 3
    assert detail["progress"] == 0.25


def test_postings_are_added_to_an_existing_run(owner_client):
    run_id = owner_client.post("/api/runs/", {"job_urls": urls(1)}, format="json").json()["run"][
        "id"
    ]

    response = owner_client.post(
        f"/api/runs/{run_id}/jobs/", {"job_urls": urls(1, 2)}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["run"]["total"] == 2
    assert response.json()["warnings"] == ["Skipped acme — already queued in this run."]


def test_tasks_are_listed_by_state_and_run(owner_client):
    first = owner_client.post("/api/runs/", {"job_urls": urls(1, 2)}, format="json").json()
    owner_client.post("/api/runs/", {"job_urls": urls(3)}, format="json")
    task_id = first["tasks"][0]["id"]
    owner_client.post(f"/api/tasks/{task_id}/cancel/")

    in_run = owner_client.get(f"/api/tasks/?run={first['run']['id']}").json()
    cancelled = owner_client.get("/api/tasks/?state=cancelled").json()
    everything = owner_client.get("/api/tasks/").json()

    assert in_run["count"] == 2
    assert [task["id"] for task in cancelled["results"]] == [task_id]
    assert everything["count"] == 3


def test_task_list_takes_a_constant_number_of_queries(owner_client, django_assert_max_num_queries):
    owner_client.post("/api/runs/", {"job_urls": urls(*range(30))}, format="json")
    # token and user, count, page
    with django_assert_max_num_queries(3):
        assert owner_client.get("/api/tasks/").json()["count"] == 30


def test_the_api_needs_a_signed_in_user(client):
    response = client.get("/api/runs/")
    assert response.status_code in (401, 403)
    assert response.json()["error"] == "not_authenticated"


def test_the_openapi_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_health_reports_the_database_and_redis_up_without_a_login(client):
    response = client.get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "redis": "up"}
