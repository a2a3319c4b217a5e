"""A task's detail shows its checkpoint: the steps done and the values filled, nothing else."""

import pytest

from applications.models import ApplicationTask
from tests.factories import RunFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def task_with_checkpoint(owner):
    task = TaskFactory(run=RunFactory(user=owner))
    ApplicationTask.objects.filter(pk=task.pk).update(
        checkpoint={
            "steps_done": ["open", "login", "fill"],
            "values": {"first_name": "Ada", "email": "ada@example.com"},
            "yield_to": [41],
            "submit_attempts": 1,
        }
    )
    return task


def test_the_detail_returns_the_steps_done_and_the_values_filled_and_the_list_does_not(
    owner_client, task_with_checkpoint
):
    detail = owner_client.get(f"/api/tasks/{task_with_checkpoint.pk}/")
    listed = owner_client.get("/api/tasks/")

    assert detail.status_code == 200
    assert detail.json()["checkpoint"] == {
        "steps_done": ["open", "login", "fill"],
        "values": {"first_name": "Ada", "email": "ada@example.com"},
        "handoff": None,
    }
    assert "checkpoint" not in listed.json()["results"][0]


def test_a_task_not_started_has_an_empty_checkpoint(owner_client, owner):
    task = TaskFactory(run=RunFactory(user=owner))

    response = owner_client.get(f"/api/tasks/{task.pk}/")

    assert response.json()["checkpoint"] == {"steps_done": [], "values": {}, "handoff": None}
