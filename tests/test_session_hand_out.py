"""The per-user session hand-out: the broker holds at most MAX_SESSIONS_PER_USER prepare messages
of a user, the rest of their queued work waits in the database, and a session given back goes to
their next waiting task."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from applications import statements
from applications.models import (
    HOLDS_SESSION,
    WAITING,
    WAITS_FOR_SESSION,
    ApplicationTask,
    TaskPriority,
    TaskState,
)
from applications.services import (
    run_create,
    sessions_hand_out,
    task_boost,
    task_cancel,
    task_fail,
    task_retry,
)
from applications.services.preparing import task_mark_prepared
from approvals.models import ApprovalRequest
from approvals.services import approval_new
from tests.factories import RunFactory, TaskFactory
from workers.processes import wait_until


def urls(prefix: str, count: int) -> list[str]:
    return [f"https://boards.greenhouse.io/{prefix}/jobs/{number}" for number in range(count)]


def published(user) -> list[int]:
    return list(
        ApplicationTask.objects.filter(user=user, state=TaskState.QUEUED)
        .exclude(celery_task_id=WAITING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_an_ingestion_publishes_one_task_per_free_session_and_the_rest_wait(
    owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        tasks = run_create(user=owner, job_urls=urls("acme", 5)).tasks
    assert published(owner) == []  # nothing before the commit
    [dispatch_on_commit] = callbacks

    dispatch_on_commit()

    assert published(owner) == [tasks[0].pk]
    # The session is taken: dispatching again publishes nothing.
    assert sessions_hand_out(user_id=owner.pk) == 0
    assert published(owner) == [tasks[0].pk]


@pytest.mark.django_db
def test_a_user_allowed_two_sessions_gets_two_messages(owner, settings):
    settings.MAX_SESSIONS_PER_USER = 2
    tasks = run_create(user=owner, job_urls=urls("acme", 5)).tasks

    assert sessions_hand_out(user_id=owner.pk) == 2
    assert published(owner) == [tasks[0].pk, tasks[1].pk]


@pytest.mark.django_db
def test_users_do_not_share_sessions(owner, outsider):
    run_create(user=owner, job_urls=urls("acme", 3))
    theirs = run_create(user=outsider, job_urls=urls("beta", 3)).tasks
    TaskFactory(state=TaskState.RUNNING, run__user=outsider, celery_task_id="message-1")

    assert sessions_hand_out(user_id=owner.pk) == 1
    assert sessions_hand_out(user_id=outsider.pk) == 0
    assert published(outsider) == []
    assert all(
        task.celery_task_id == WAITING
        for task in ApplicationTask.objects.filter(pk__in=[t.pk for t in theirs])
    )


@pytest.mark.django_db
def test_a_prepared_task_gives_its_session_to_the_next_waiting_task_in_the_same_statement():
    running = TaskFactory(state=TaskState.RUNNING, celery_task_id="message-1")
    older = TaskFactory(run=running.run)
    boosted = TaskFactory(run=running.run, priority=TaskPriority.BOOSTED)
    opening = approval_new(task=running)

    with CaptureQueriesContext(connection) as queries:
        task_mark_prepared(task=running, records=opening.records)

    assert len(queries) == 1
    boosted.refresh_from_db()
    older.refresh_from_db()
    assert boosted.celery_task_id != WAITING  # priority first, then age
    assert older.celery_task_id == WAITING
    assert ApplicationTask.objects.get(pk=running.pk).state == TaskState.PENDING_APPROVAL
    assert ApprovalRequest.objects.get(task_id=running.pk).pk == opening.approval.pk


@pytest.mark.django_db
def test_a_prepared_task_leaves_the_next_waiting_when_another_session_is_in_use(settings):
    running = TaskFactory(state=TaskState.RUNNING, celery_task_id="message-1")
    TaskFactory(run=running.run, state=TaskState.QUEUED, celery_task_id="message-2")
    waiting = TaskFactory(run=running.run)
    settings.MAX_SESSIONS_PER_USER = 1

    task_mark_prepared(task=running, records=approval_new(task=running).records)

    waiting.refresh_from_db()
    assert waiting.celery_task_id == WAITING


@pytest.mark.django_db
@pytest.mark.parametrize("end", ["fail", "cancel"])
def test_a_task_that_ends_otherwise_gives_its_session_back_on_commit(
    end, django_capture_on_commit_callbacks
):
    running = TaskFactory(state=TaskState.RUNNING, celery_task_id="message-1")
    waiting = TaskFactory(run=running.run)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        if end == "fail":
            task_fail(task=running, reason="the site is down")
        else:
            task_cancel(task=running, actor="owner")
    waiting.refresh_from_db()
    assert waiting.celery_task_id == WAITING  # not before the commit
    for callback in callbacks:
        if getattr(callback, "__qualname__", "").startswith("hand_out_on_commit"):
            callback()

    waiting.refresh_from_db()
    assert waiting.celery_task_id != WAITING


@pytest.mark.django_db
def test_a_boosted_waiting_task_goes_next_without_a_message_of_its_own(owner):
    tasks = run_create(user=owner, job_urls=urls("acme", 3)).tasks
    sessions_hand_out(user_id=owner.pk)

    boosted = task_boost(task=tasks[2], actor="owner")

    assert boosted.priority == TaskPriority.BOOSTED
    assert boosted.celery_task_id == WAITING  # the user's session is still taken
    first = ApplicationTask.objects.get(pk=tasks[0].pk)
    task_mark_prepared(task=claimed(first), records=approval_new(task=first).records)
    assert published(owner) == [tasks[2].pk]


def claimed(task: ApplicationTask) -> ApplicationTask:
    ApplicationTask.objects.filter(pk=task.pk).update(state=TaskState.RUNNING)
    return ApplicationTask.objects.get(pk=task.pk)


@pytest.mark.django_db
def test_a_retried_task_waits_for_a_free_session():
    failed = TaskFactory(state=TaskState.FAILED)
    TaskFactory(run=failed.run, state=TaskState.RUNNING, celery_task_id="message-1")

    task_retry(task=failed, actor="owner")

    failed.refresh_from_db()
    assert failed.state == TaskState.QUEUED
    assert failed.celery_task_id == WAITING
    assert sessions_hand_out(user_id=failed.user_id) == 0


def waits_for_a_lock(backend: int) -> bool:
    """Whether that database session is waiting for a lock now (a row another one has changed,
    for one)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [backend])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


@pytest.mark.django_db(transaction=True)
def test_a_dispatch_waits_for_a_task_ending_meanwhile_and_gives_out_the_session_it_frees():
    """The dispatch run on commit of new work must not read a task that is ending right then as
    still running: the task's own dispatch, in the statement that ends it, cannot see the new
    work yet, and the user's work would wait with no session in use."""
    running = TaskFactory(state=TaskState.RUNNING, celery_task_id="message-1")
    waiting = TaskFactory(run=running.run)
    ending, release = threading.Event(), threading.Event()
    dispatched: list[int] = []
    dispatcher_backend: list[int] = []

    def end_the_task() -> None:
        with transaction.atomic():
            ApplicationTask.objects.filter(pk=running.pk).update(state=TaskState.PENDING_APPROVAL)
            ending.set()
            release.wait(10)
        connection.close()

    def dispatch_new_work() -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                dispatcher_backend.append(cursor.fetchone()[0])
            sessions_hand_out(user_id=running.user_id)
            dispatched.extend(published(running.user))
            transaction.set_rollback(True)  # nothing published from a test
        connection.close()

    ender = threading.Thread(target=end_the_task)
    ender.start()
    assert ending.wait(10)
    dispatcher = threading.Thread(target=dispatch_new_work)
    dispatcher.start()
    wait_until(
        lambda: dispatcher_backend and waits_for_a_lock(dispatcher_backend[0]),
        timeout=10,
        message="the dispatch never waited for the ending task's row",
    )
    assert dispatcher.is_alive()  # waiting for the task's change to commit or roll back
    assert dispatched == []

    release.set()
    ender.join(10)
    dispatcher.join(10)

    assert dispatched == [waiting.pk]  # once the running task had ended


@pytest.mark.django_db
def test_the_hand_outs_sql_and_the_models_agree_on_who_holds_a_session_and_who_waits(settings):
    """applications.statements writes the models' HOLDS_SESSION and WAITS_FOR_SESSION out in the
    hand-out's SQL (its `holding` and `next`): in every state, with a message id and without,
    both pick the same tasks of the user."""
    settings.MAX_SESSIONS_PER_USER = 1000  # `next` is cut at the free sessions: none cut here
    run = RunFactory()
    for state in TaskState:
        for message_id in (WAITING, f"message-{state}"):
            TaskFactory(run=run, state=state, celery_task_id=message_id)
    TaskFactory(state=TaskState.RUNNING)  # another user's, in neither
    TaskFactory(state=TaskState.QUEUED, celery_task_id=WAITING)
    sql, parameters = statements.HandOut(user_id=run.user_id).ctes(name="handed_out")

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"WITH {sql} SELECT 'holding', id FROM holding UNION ALL SELECT 'next', id FROM next",
            parameters,
        )
        picked = cursor.fetchall()
        transaction.set_rollback(True)  # the hand-out's UPDATE runs along; undone

    users_tasks = ApplicationTask.objects.filter(user_id=run.user_id)
    holding = {task_id for name, task_id in picked if name == "holding"}
    waiting = {task_id for name, task_id in picked if name == "next"}
    assert holding == set(users_tasks.filter(HOLDS_SESSION).values_list("pk", flat=True))
    assert waiting == set(users_tasks.filter(WAITS_FOR_SESSION).values_list("pk", flat=True))
    assert holding and waiting and not holding & waiting
