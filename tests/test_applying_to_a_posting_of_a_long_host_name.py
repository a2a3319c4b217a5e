"""A posting whose link has a long host name can be applied to by hand: the company read from
the link stays short enough for the run named after it."""

import pytest

from applications.models import ApplicationRun, ApplicationTask
from jobs.models import JobPosting

pytestmark = pytest.mark.django_db

LONG_HOST = ".".join(["a" * 60, "b" * 60, "c" * 60, "example"])


def test_a_manual_apply_to_a_posting_of_a_long_host_name_creates_its_run(owner_client):
    queued = owner_client.post(
        "/api/runs/", {"job_urls": [f"https://{LONG_HOST}/jobs/1"]}, format="json"
    ).json()
    owner_client.post(f"/api/tasks/{queued['tasks'][0]['id']}/cancel/")
    job = JobPosting.objects.get()

    response = owner_client.post(f"/api/jobs/{job.pk}/apply/")

    assert response.status_code == 201
    assert len(job.company) <= 100
    assert ApplicationRun.objects.count() == 2
    assert ApplicationTask.objects.filter(job=job).count() == 2
