"""One user never sees or acts on another's runs, tasks or applications: 404, as if absent."""

import pytest

from applications.models import ApplicationTask, TaskState
from tests.factories import ApplicationFactory, RunFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owners_task(owner):
    return TaskFactory(run=RunFactory(user=owner))


def test_an_outsider_cannot_read_the_owners_run_or_task(outsider_client, owners_task):
    assert outsider_client.get(f"/api/runs/{owners_task.run_id}/").status_code == 404
    assert outsider_client.get(f"/api/tasks/{owners_task.pk}/").status_code == 404


def test_an_outsider_lists_none_of_the_owners_objects(outsider_client, owner, owners_task):
    ApplicationFactory(user=owner, job=owners_task.job)

    assert outsider_client.get("/api/runs/").json()["count"] == 0
    assert outsider_client.get("/api/tasks/").json()["count"] == 0
    assert outsider_client.get(f"/api/tasks/?run={owners_task.run_id}").json()["count"] == 0
    assert outsider_client.get("/api/applications/").json()["count"] == 0


@pytest.mark.parametrize("action", ["cancel", "retry", "resume", "boost"])
def test_an_outsider_cannot_act_on_the_owners_task(outsider_client, owners_task, action):
    response = outsider_client.post(f"/api/tasks/{owners_task.pk}/{action}/")

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "Not found."}
    assert ApplicationTask.objects.get(pk=owners_task.pk).state == TaskState.QUEUED


def test_an_outsider_cannot_add_postings_to_the_owners_run(outsider_client, owners_task):
    response = outsider_client.post(
        f"/api/runs/{owners_task.run_id}/jobs/",
        {"job_urls": ["https://boards.greenhouse.io/acme/jobs/99"]},
        format="json",
    )

    assert response.status_code == 404
    assert ApplicationTask.objects.count() == 1


def test_an_outsider_cannot_read_the_owners_application(outsider_client, owner_client, owner):
    application = ApplicationFactory(user=owner)

    assert owner_client.get(f"/api/applications/{application.pk}/").status_code == 200
    assert outsider_client.get(f"/api/applications/{application.pk}/").status_code == 404
