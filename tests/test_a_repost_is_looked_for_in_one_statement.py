"""The repost lookup costs a prepare one statement, and none for a user who submitted nothing
within REPOST_WINDOW_DAYS (the claim's read says so)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import ApplicationTask, TaskState
from tests.factories import JobPostingFactory, RunFactory, TaskFactory
from workers.services import prepare_application

pytestmark = pytest.mark.django_db

SIMULATE = {"steps": ["open"], "step_seconds": 0}


def statements_of_a_prepare(task: ApplicationTask) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert prepare_application(task_id=task.pk, message_id="message-1") == "prepared"
    return len([query for query in queries if "SAVEPOINT" not in query["sql"]])


def test_a_repost_is_looked_for_in_one_statement():
    fresh = TaskFactory(celery_task_id="message-1", checkpoint={"simulate": SIMULATE})
    without = statements_of_a_prepare(fresh)

    user = fresh.user
    TaskFactory(
        run=RunFactory(user=user),
        job=JobPostingFactory(company="Initech", title="Engineer"),
        state=TaskState.SUBMITTED,
        finished_at=timezone.now() - timedelta(days=1),
    )
    again = TaskFactory(
        run=RunFactory(user=user),
        job=JobPostingFactory(company="Initech", title="Engineer"),
        celery_task_id="message-1",
        checkpoint={"simulate": SIMULATE},
    )

    assert statements_of_a_prepare(again) == without + 1
    assert (
        ApplicationTask.objects.get(pk=again.pk)
        .warnings[0]
        .startswith("Looks like a repost of Initech — Engineer, applied to on ")
    )
