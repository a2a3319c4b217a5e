"""A worker whose database connection is cut mid-step: the message is retried, the task resumes
from its checkpoint and completes once."""

from django.db import connection

from applications.models import ApplicationTask, TaskState

from .conftest import wait_until
from .helpers import (
    assert_resumed_once_then_submitted_once,
    make_user,
    queue_tasks,
    urls,
    wait_for_state,
)

STEPS = ["open", "login", "fill", "answer", "review"]


def _cut_other_database_connections() -> int:
    """Terminate every other session on the test database, as a PostgreSQL restart would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_task_whose_database_connection_is_cut_mid_step_is_retried_and_completes(engine):
    user, client = make_user("gus")
    [task] = queue_tasks(user, urls("iota", 1), simulate={"steps": STEPS, "step_seconds": 0.5})
    wait_until(
        lambda: len(ApplicationTask.objects.get(pk=task.pk).checkpoint.get("steps_done", [])) >= 1,
        message="the task is under way",
    )

    assert _cut_other_database_connections() >= 1

    # The worker's next checkpoint fails; the message is retried and the retry resumes the
    # task from its checkpoint (a redelivery: a second claim, the first one's step kept).
    task = wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=20)
    assert_resumed_once_then_submitted_once(task, client, STEPS)
