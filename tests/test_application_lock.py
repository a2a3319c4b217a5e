"""The per-user duplicate lock: PENDING → IN_PROGRESS → APPLIED, claimed by compare-and-set."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from applications.exceptions import DuplicateApplication
from applications.models import Application, ApplicationStatus, ApplicationTask, TaskState
from applications.services import (
    application_claim,
    application_mark_applied,
    application_release,
    task_pause,
)
from applications.services.preparing import task_claim_prepare
from applications.services.submitting import task_mark_submitted
from tests.factories import ApplicationFactory, JobPostingFactory, TaskFactory, UserFactory

A = ApplicationStatus
ALLOWED = {
    "claim": ({A.PENDING}, A.IN_PROGRESS),
    "release": ({A.IN_PROGRESS}, A.PENDING),
    "mark_applied": ({A.IN_PROGRESS}, A.APPLIED),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("transition", "status"), [(name, status) for name in ALLOWED for status in A]
)
def test_application_transition_is_allowed_exactly_from_its_sources(transition, status):
    sources, target = ALLOWED[transition]
    application = ApplicationFactory(status=status)

    if status in sources:
        getattr(application, transition)()
        application.save()
        assert Application.objects.get(pk=application.pk).status == target
    else:
        with pytest.raises(TransitionNotAllowed):
            getattr(application, transition)()
        assert Application.objects.get(pk=application.pk).status == status


@pytest.mark.django_db
def test_marking_applied_sets_the_duplicate_flags():
    application = ApplicationFactory(status=A.IN_PROGRESS)
    application_mark_applied(application=application)
    application.refresh_from_db()
    assert application.has_been_applied_to is True
    assert application.last_applied_at is not None


@pytest.mark.django_db
def test_claim_creates_the_lock_row_when_missing_and_records_the_task():
    task = TaskFactory()
    application_claim(user=task.user, job=task.job, task=task)

    application = Application.objects.get(user=task.user, job=task.job)
    assert (application.status, application.claimed_by_task_id) == (A.IN_PROGRESS, task.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "reported"), [(A.IN_PROGRESS, "in_progress"), (A.APPLIED, "applied")]
)
def test_claim_of_a_taken_application_says_why(status, reported):
    application = ApplicationFactory(status=status)
    with pytest.raises(DuplicateApplication) as raised:
        application_claim(user=application.user, job=application.job)
    assert raised.value.status == reported
    assert raised.value.application_id == application.pk


@pytest.mark.django_db
def test_release_gives_the_lock_back_only_to_its_holder():
    holder = TaskFactory()
    other = TaskFactory(run=holder.run, job=JobPostingFactory())
    application_claim(user=holder.user, job=holder.job, task=holder)

    assert application_release(task=other) is None
    assert _lock_of(holder).status == A.IN_PROGRESS

    assert application_release(task=holder) is not None
    assert _lock_of(holder).status == A.PENDING


@pytest.mark.django_db(transaction=True)
def test_of_fifty_threads_claiming_one_user_and_job_exactly_one_wins():
    user, job = UserFactory(), JobPostingFactory()
    claimers = 50
    barrier = threading.Barrier(claimers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def claim() -> None:
        try:
            barrier.wait()
            application_claim(user=user, job=job)
            result = "won"
        except (DuplicateApplication, ConcurrentTransition):
            result = "lost"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=claim) for _ in range(claimers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("won") == 1
    assert outcomes.count("lost") == claimers - 1
    assert Application.objects.filter(user=user, job=job).count() == 1
    assert Application.objects.get(user=user, job=job).status == A.IN_PROGRESS


@pytest.mark.django_db
def test_a_submitted_task_marks_the_lock_it_holds_applied_and_leaves_its_claim_alone():
    task = TaskFactory(state=TaskState.SUBMITTING)
    claimed_at = timezone.now() - timedelta(minutes=5)
    ApplicationFactory(
        user=task.user,
        job=task.job,
        status=A.IN_PROGRESS,
        claimed_by_task=task,
        claimed_at=claimed_at,
    )

    task_mark_submitted(task=ApplicationTask.objects.get(pk=task.pk))

    application = Application.objects.get(user=task.user, job=task.job)
    assert (application.status, application.has_been_applied_to) == (A.APPLIED, True)
    assert (application.claimed_by_task_id, application.claimed_at) == (task.pk, claimed_at)
    assert ApplicationTask.objects.get(pk=task.pk).state == TaskState.SUBMITTED


@pytest.mark.django_db
def test_a_submitted_task_whose_lock_row_is_gone_still_records_the_application():
    task = TaskFactory(state=TaskState.SUBMITTING)

    task_mark_submitted(task=ApplicationTask.objects.get(pk=task.pk))

    application = Application.objects.get(user=task.user, job=task.job)
    assert (application.status, application.has_been_applied_to) == (A.APPLIED, True)
    assert application.claimed_by_task_id == task.pk


def _claim(task: ApplicationTask) -> ApplicationTask | None:
    return task_claim_prepare(task_id=task.pk, message_id=task.celery_task_id)


def _lock_of(task: ApplicationTask) -> Application:
    return Application.objects.get(user_id=task.user_id, job_id=task.job_id)


@pytest.mark.django_db
def test_claiming_a_task_takes_its_lock_in_the_same_statement():
    task = TaskFactory(celery_task_id="message-1")

    with CaptureQueriesContext(connection) as queries:
        claimed = _claim(task)

    assert claimed is not None
    assert ApplicationTask.objects.get(pk=task.pk).state == TaskState.RUNNING
    lock = _lock_of(task)
    assert (lock.status, lock.claimed_by_task_id) == (A.IN_PROGRESS, task.pk)
    assert len(queries) == 2  # the read, then the claim with its event and lock


@pytest.mark.django_db
def test_a_task_whose_posting_another_task_holds_is_skipped_and_the_lock_kept():
    holder = TaskFactory(celery_task_id="message-1")
    _claim(holder)
    user = holder.user
    other = TaskFactory(job=holder.job, run__user=user, celery_task_id="message-2")

    assert _claim(other) is None

    other.refresh_from_db()
    assert other.state == TaskState.SKIPPED
    assert _lock_of(holder).claimed_by_task_id == holder.pk


@pytest.mark.django_db
def test_a_task_whose_posting_was_applied_to_is_skipped():
    task = TaskFactory(celery_task_id="message-1")
    ApplicationFactory(user=task.user, job=task.job, status=A.APPLIED, has_been_applied_to=True)

    assert _claim(task) is None

    task.refresh_from_db()
    assert task.state == TaskState.SKIPPED
    assert "applied" in task.events.get(transition="skip").reason.lower()


@pytest.mark.django_db
def test_a_paused_task_claimed_again_keeps_its_lock():
    task = task_pause(task=_claim(TaskFactory(celery_task_id="message-1")), yield_to=[])

    assert _claim(task) is not None

    assert _lock_of(task).claimed_by_task_id == task.pk
    assert Application.objects.filter(user_id=task.user_id).count() == 1
