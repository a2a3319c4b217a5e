"""Manual apply: a task of its own, or 409 with the reason when it would apply twice."""

import pytest

from applications.models import ApplicationStatus, ApplicationTask
from tests.factories import ApplicationFactory, JobPostingFactory

pytestmark = pytest.mark.django_db


def test_applying_to_a_posting_queues_a_task(owner_client, owner):
    job = JobPostingFactory(company="Acme")

    response = owner_client.post(f"/api/jobs/{job.pk}/apply/")

    assert response.status_code == 201
    assert response.json()["state"] == "queued"
    assert ApplicationTask.objects.get(user=owner, job=job).run.name == "Apply to Acme"


@pytest.mark.parametrize(
    ("status", "reported"),
    [(ApplicationStatus.IN_PROGRESS, "in_progress"), (ApplicationStatus.APPLIED, "applied")],
)
def test_applying_twice_answers_409_with_the_status_and_application(
    owner_client, owner, status, reported
):
    application = ApplicationFactory(user=owner, status=status)

    response = owner_client.post(f"/api/jobs/{application.job_id}/apply/")

    assert response.status_code == 409
    body = response.json()
    assert (body["status"], body["application_id"]) == (reported, application.pk)
    assert body["error"] == "conflict"
    assert body["detail"]
    assert not ApplicationTask.objects.exists()


def test_applying_while_a_task_for_the_posting_is_queued_answers_409(owner_client, owner):
    job = JobPostingFactory()
    owner_client.post(f"/api/jobs/{job.pk}/apply/")

    response = owner_client.post(f"/api/jobs/{job.pk}/apply/")

    assert response.status_code == 409
    assert response.json()["status"] == "in_progress"
    assert ApplicationTask.objects.filter(job=job).count() == 1


def test_an_unknown_posting_answers_404(owner_client):
    assert owner_client.post("/api/jobs/999999/apply/").status_code == 404
