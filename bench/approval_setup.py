"""What the approval-latency cases share: users with API clients, postings queued with
simulated-driver options, and waiting for a task to reach a state."""

import time

import common

# A wait for SUBMITTING is capped at this long (a capped wait counts as this long).
CAP_S = 60.0


def make_user(name: str):
    from rest_framework.test import APIClient

    from applications.services import applicant_create

    user, token = applicant_create(username=name, password=f"{name}-password")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return user, client


def queue(user, prefix: str, count: int, simulate: dict | None = None) -> list[int]:
    """Ingest `count` postings for `user`; simulated-driver options are set before the
    messages are published (on commit)."""
    from django.db import transaction

    from applications.models import ApplicationTask
    from applications.services import run_create

    links = [f"https://boards.greenhouse.io/{prefix}/jobs/{number}" for number in range(count)]
    with transaction.atomic():
        result = run_create(user=user, job_urls=links)
        tasks = ApplicationTask.objects.filter(run=result.run)
        if simulate is not None:
            tasks.update(checkpoint={"simulate": simulate})
        return list(tasks.order_by("pk").values_list("pk", flat=True))


def wait_for_pending(task_ids: list[int]) -> None:
    from applications.models import ApplicationTask, TaskState
    from workers.processes import wait_until

    wait_until(
        lambda: (
            ApplicationTask.objects.filter(
                pk__in=task_ids,
                state=TaskState.PENDING_APPROVAL,
                approval_request__isnull=False,
            ).count()
            == len(task_ids)
        ),
        timeout=120,
        message="the tasks to approve were not prepared",
    )


def queue_normal_work(depth: int, prefix: str = "other") -> list[int]:
    """`depth` normal tasks (the default simulated steps, 50 ms each), one for each of `depth`
    other users, so that the broker holds `depth` prepare messages (a user's work beyond their
    one session waits in the database); published together, and waited for until the broker
    holds them all."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from applications.models import ApplicationTask, TaskState
    from applications.services import run_create
    from workers.processes import wait_until

    with transaction.atomic():
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=f"{prefix}{number}") for number in range(depth)
        )
        runs = [
            run_create(user=user, job_urls=[f"https://boards.greenhouse.io/{prefix}{n}/jobs/1"])
            for n, user in enumerate(users)
        ]
    task_ids = [task.pk for result in runs for task in result.tasks]

    def published() -> int:
        started = ApplicationTask.objects.filter(pk__in=task_ids).exclude(state=TaskState.QUEUED)
        return common.queue_length("default") + started.count()

    wait_until(
        lambda: published() >= depth,
        timeout=300,
        message=f"{depth} prepare messages never reached the broker",
    )
    return task_ids


def submitting_at(task_id: int) -> float | None:
    from applications.models import TaskEvent

    created = (
        TaskEvent.objects.filter(task_id=task_id, transition="start_submit")
        .values_list("created_at", flat=True)
        .first()
    )
    return created.timestamp() if created else None


def wait_for_submitting(task_id: int, since: float, cap: float = CAP_S) -> float:
    """Seconds from `since` until the task went SUBMITTING (0 when it already had), at most
    `cap`."""
    while True:
        started = submitting_at(task_id)
        if started is not None:
            return min(cap, max(0.0, started - since))
        if time.time() - since > cap:
            return cap
        time.sleep(0.002)
