"""A prepare or submit that ends on an error fails its task at once, through the one failure
path, instead of leaving it to the stale sweep: when its retries after database errors run out,
and when an error nothing expected ends it. Through the Celery task itself (`apply()`: eager,
its retries run one after the other), against real database errors: a table the message needs
is locked by another connection, and the message's statements give up after a short
lock_timeout, every time."""

import contextlib
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.models import Model

from applications.models import Application, ApplicationStatus, ApplicationTask, TaskState
from applications.services import task_transition
from applications.services.submitting import task_start_submit
from approvals.models import ApprovalRequest
from tests.brokers import private_broker
from tests.engine.conftest import clear_broker
from tests.engine.helpers import clicks, queue_tasks, urls
from workers import tasks
from workers.services import OUTCOME_UNKNOWN, prepare_application

INSTANT = {"steps": ["open", "fill"], "step_seconds": 0}
MAX_RETRIES = tasks.prepare_application.max_retries


@pytest.fixture
def isolated(transactional_db, tmp_path, settings):
    """Committed data (another connection must see the tables), the messages it publishes in a
    broker of its own that no worker consumes, a clean simulated site, and an attempt limit
    above the retries, so that the retries run out first."""
    settings.TASK_MAX_ATTEMPTS = MAX_RETRIES + 5
    clear_broker()
    with private_broker(tmp_path):
        yield


@contextlib.contextmanager
def locked(model: type[Model]) -> Iterator[None]:
    """Another connection holds `model`'s table against writes; this connection's statements
    wait for it 50 ms at most, then fail (OperationalError: lock timeout)."""
    holder = connection.get_new_connection(connection.get_connection_params())
    try:
        holder.execute(f'LOCK TABLE "{model._meta.db_table}" IN EXCLUSIVE MODE')
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '50ms'")
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        holder.rollback()
        holder.close()


def approved(owner, **simulate) -> ApplicationTask:
    [task] = queue_tasks(owner, urls("exhausted-submit", 1), simulate={**INSTANT, **simulate})
    assert prepare_application(task_id=task.pk, message_id=task.celery_task_id) == "prepared"
    ApplicationTask.objects.filter(pk=task.pk).update(celery_task_id="submit-1")
    task = ApplicationTask.objects.get(pk=task.pk)
    task_transition(task=task, transition="approve", actor="test")
    return task


def test_a_prepare_whose_database_errors_outlast_its_retries_fails_at_once(isolated, owner):
    [task] = queue_tasks(owner, urls("exhausted", 1), simulate=INSTANT)

    # Every step is done, and PENDING_APPROVAL, which inserts the approval request, fails.
    with locked(ApprovalRequest):
        result = tasks.prepare_application.apply(args=[task.pk], task_id=task.celery_task_id)

    assert result.failed()
    task.refresh_from_db()
    assert task.state == TaskState.FAILED
    assert task.last_error.startswith(f"Gave up after {MAX_RETRIES} retries on database errors")
    assert "lock timeout" in task.last_error
    # The posting's lock is given back: nothing was submitted.
    assert Application.objects.get(job=task.job).status == ApplicationStatus.PENDING


def test_a_submit_whose_database_errors_outlast_its_retries_keeps_its_lock(isolated, owner):
    task = approved(owner)

    # The click is made; recording it (the posting's lock becomes APPLIED) fails every time.
    with locked(Application):
        result = tasks.submit_application.apply(args=[task.pk], task_id="submit-1")

    assert result.failed()
    task.refresh_from_db()
    assert task.state == TaskState.FAILED
    assert task.last_error.startswith(OUTCOME_UNKNOWN)
    assert f"Gave up after {MAX_RETRIES} retries on database errors" in task.last_error
    assert clicks(task) == 1
    assert Application.objects.get(job=task.job).status == ApplicationStatus.IN_PROGRESS


def test_a_submit_ended_by_an_unexpected_error_fails_at_once_and_keeps_its_lock(isolated, owner):
    task = approved(owner, site_unreachable=True)
    task_start_submit(task=task)  # the first attempt's worker was lost: the site is asked

    result = tasks.submit_application.apply(args=[task.pk], task_id="submit-1")

    assert result.failed()
    task.refresh_from_db()
    assert task.state == TaskState.FAILED
    assert task.last_error == (
        f"{OUTCOME_UNKNOWN} (Ended by an unexpected error: "
        "SimulatedBrowserError: Simulated: the site did not answer.)"
    )
    assert clicks(task) == 0
    assert Application.objects.get(job=task.job).status == ApplicationStatus.IN_PROGRESS
