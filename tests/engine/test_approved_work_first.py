"""Approved work jumps the line: its submit goes before any normal work waiting in the broker,
even with every default slot busy."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from applications.models import WAITING, ApplicationTask, TaskEvent, TaskState

from .conftest import MAIN_SLOTS, wait_until
from .helpers import approve, events, make_user, queue_tasks, urls, wait_for_state

STEPS = ["open", "login", "fill", "answer", "review"]


def test_approved_work_submits_before_any_queued_normal_task_starts(engine):
    approver, client = make_user("bea")
    [approved] = queue_tasks(
        approver, urls("beta", 1), simulate={"steps": STEPS, "step_seconds": 0}
    )
    wait_for_state(approved, TaskState.PENDING_APPROVAL)

    # A thousand users with a posting each: a thousand prepare messages in the broker (a user's
    # queued work waits in the database beyond their one session), all published at once.
    slow = {"steps": STEPS, "step_seconds": 0.2}
    with transaction.atomic():
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=f"cal{number}") for number in range(1000)
        )
        backlog = [
            task
            for number, user in enumerate(users)
            for task in queue_tasks(user, urls(f"gamma{number}", 1), slow)
        ]
    wait_until(
        lambda: (
            ApplicationTask.objects.filter(
                pk__in=[task.pk for task in backlog], state=TaskState.RUNNING
            ).count()
            == MAIN_SLOTS
        ),
        message="every default slot busy",
    )
    approved_at = timezone.now()

    approve(client, approved)

    approved = wait_for_state(approved, TaskState.SUBMITTED)
    [started_submitting] = events(approved, "start_submit")
    claims_meanwhile = TaskEvent.objects.filter(
        task__in=backlog,
        transition="claim",
        created_at__gt=approved_at,
        created_at__lt=started_submitting.created_at,
    ).count()
    assert claims_meanwhile == 0
    assert (
        ApplicationTask.objects.filter(pk__in=[task.pk for task in backlog])
        .filter(state=TaskState.QUEUED)
        .exclude(celery_task_id=WAITING)
        .count()
        >= 990
    )
