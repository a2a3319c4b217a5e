from __future__ import annotations

import base64
import json

from django.conf import settings
from django.db import transaction
from rest_framework.test import APIClient

from applications.models import ApplicationTask, TaskEvent, TaskState
from applications.services import applicant_create, run_create, sessions_hand_out
from tests.reviews import post_as_the_page
from workers.drivers import SIM_CLICKS, SIM_STEP_LOG

from .conftest import redis_client, wait_until


def make_user(name: str):
    user, token = applicant_create(username=name, password=f"{name}-password")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return user, client


def queue_tasks(user, urls: list[str], simulate: dict | None = None) -> list[ApplicationTask]:
    """Ingest `urls` for `user`, with simulated-driver options set before anything is published
    (publishing happens on commit)."""
    with transaction.atomic():
        result = run_create(user=user, job_urls=urls)
        assert result.run is not None, result.warnings
        if simulate is not None:
            ApplicationTask.objects.filter(run=result.run).update(checkpoint={"simulate": simulate})
    # Inside a test's transaction (the `db` fixture) nothing commits, so the hand-out that
    # ingestion runs on commit is run here: the user's first task gets its message id, as it
    # would. Committed, it has run already, and running it again changes nothing.
    sessions_hand_out(user_id=user.pk)
    return list(ApplicationTask.objects.filter(run=result.run).order_by("pk"))


def urls(prefix: str, count: int) -> list[str]:
    return [f"https://boards.greenhouse.io/{prefix}/jobs/{number}" for number in range(count)]


def state_of(task: ApplicationTask) -> str:
    return ApplicationTask.objects.values_list("state", flat=True).get(pk=task.pk)


def wait_for_state(task: ApplicationTask, *states: str, timeout: float = 30.0) -> ApplicationTask:
    wait_until(
        lambda: state_of(task) in states,
        timeout=timeout,
        message=f"task {task.pk} never reached {states}; it is {state_of(task)}",
    )
    return ApplicationTask.objects.get(pk=task.pk)


def step_log(task: ApplicationTask) -> list[str]:
    return [
        step.decode() for step in redis_client().lrange(SIM_STEP_LOG.format(task_id=task.pk), 0, -1)
    ]


def clicks(task: ApplicationTask) -> int:
    return int(redis_client().get(SIM_CLICKS.format(task_id=task.pk)) or 0)


def events(task: ApplicationTask, transition: str | None = None) -> list[TaskEvent]:
    found = TaskEvent.objects.filter(task=task).order_by("created_at", "pk")
    if transition:
        found = found.filter(transition=transition)
    return list(found)


def approve(client: APIClient, task: ApplicationTask):
    approval_id = wait_until(
        lambda: (
            ApplicationTask.objects.filter(pk=task.pk)
            .values_list("approval_request__id", flat=True)
            .first()
        ),
        message=f"task {task.pk} has no approval request",
    )
    response = client.post(f"/api/approvals/{approval_id}/approve/")
    assert response.status_code == 200, response.json()
    return response


def assert_resumed_once_then_submitted_once(
    task: ApplicationTask, client: APIClient, steps: list[str]
) -> ApplicationTask:
    """A task recovered after losing its worker or its connection: claimed a second time from
    its checkpoint, its steps run once each but the one in flight when the first run was lost
    (which runs again right after it), then approved and clicked once, nothing left RUNNING."""
    assert task.attempts == 2
    assert [event.transition for event in events(task)][:4] == [
        "claim",
        "requeue",
        "claim",
        "prepared",
    ]
    log = step_log(task)
    # The first run stopped after `stopped` steps, its last one logged by the site but not yet
    # in the checkpoint, or stopped inside a step.
    resumed_runs = [steps[:stopped] + steps[stopped - 1 :] for stopped in range(1, len(steps) + 1)]
    assert log == steps or log in resumed_runs, log
    approve(client, task)
    task = wait_for_state(task, TaskState.SUBMITTED)
    assert clicks(task) == 1
    assert not ApplicationTask.objects.filter(state=TaskState.RUNNING).exists()
    return task


def _priority_lists(queue: str) -> list[str]:
    """The Redis lists of a queue, one per priority step (the highest step's has no suffix)."""
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    return [queue] + [
        f"{queue}{options['sep']}{step}" for step in options["priority_steps"] if step
    ]


def messages_in(queue: str) -> list[dict]:
    """The messages waiting in a queue, every priority step: task name, message id, args."""
    found = []
    for name in _priority_lists(queue):
        for raw in redis_client().lrange(name, 0, -1):
            message = json.loads(raw)
            args = json.loads(base64.b64decode(message["body"]))[0]
            headers = message["headers"]
            found.append({"task": headers["task"], "id": headers["id"], "args": args})
    return found


def unacked_message_ids() -> set[str]:
    """The ids of the messages delivered to a worker and not acknowledged (kombu's `unacked`)."""
    return {json.loads(raw)[0]["headers"]["id"] for raw in redis_client().hvals("unacked")}


def blocked_in(command: str) -> int:
    """How many clients of the tests' Redis database are blocked in `command` (such as blpop,
    a wake-up waited for) right now."""
    client = redis_client()
    database = client.connection_pool.connection_kwargs.get("db", 0)
    return sum(
        1
        for connected in client.client_list()
        if connected["cmd"] == command
        and "b" in connected["flags"]
        and int(connected["db"]) == database
    )


def link_token_of(task: ApplicationTask) -> str:
    """The applicant's link to the task's approval request, in clear."""
    from approvals.models import ApprovalLink
    from approvals.services.tokens import token_unseal

    link = ApprovalLink.objects.get(request__task=task, user_id=task.user_id)
    token = token_unseal(link.sealed_token)
    assert token
    return token


__all__ = ["post_as_the_page"]
