"""A run's name and its links are strings: a number sent for one is refused, not turned into
its digits."""

import pytest

from applications.models import ApplicationRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", [0, 12.5])
def test_a_number_for_a_name_is_refused_and_no_run_is_made(owner_client, name):
    response = owner_client.post(
        "/api/runs/",
        {"job_urls": ["https://boards.greenhouse.io/acme/jobs/1"], "name": name},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "name: Not a valid string."
    assert ApplicationRun.objects.count() == 0
