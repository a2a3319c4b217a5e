"""Every allowed transition of the task state machine works, and every other one is refused."""

import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from applications.models import ApplicationTask, TaskEvent, TaskPriority, TaskState
from applications.services import task_transition
from tests.factories import TaskFactory

S = TaskState
# The contract of DESIGN.md, written out independently of the model: transition → (sources, target).
ALLOWED = {
    "claim": ({S.QUEUED}, S.RUNNING),
    "requeue": ({S.RUNNING}, S.QUEUED),
    "prepared": ({S.RUNNING}, S.PENDING_APPROVAL),
    "hand_off": ({S.RUNNING}, S.WAITING_FOR_PERSON),
    "answered": ({S.WAITING_FOR_PERSON}, S.QUEUED),
    "approve": ({S.PENDING_APPROVAL}, S.APPROVED),
    "reject": ({S.PENDING_APPROVAL, S.WAITING_FOR_PERSON}, S.REJECTED),
    "wait_for_site": ({S.RUNNING}, S.QUEUED),
    # RUNNING and SUBMITTING (before any click): the job site's session ended.
    "expire": (
        {S.RUNNING, S.WAITING_FOR_PERSON, S.PENDING_APPROVAL, S.APPROVED, S.SUBMITTING},
        S.EXPIRED,
    ),
    "start_submit": ({S.APPROVED}, S.SUBMITTING),
    "mark_submitted": ({S.SUBMITTING}, S.SUBMITTED),
    "fail": ({S.RUNNING, S.APPROVED, S.SUBMITTING}, S.FAILED),
    # SUBMITTING, before any click: the profile's rules, or the site says it is applied to.
    "skip": ({S.QUEUED, S.RUNNING, S.SUBMITTING}, S.SKIPPED),
    "cancel": (
        {S.QUEUED, S.RUNNING, S.WAITING_FOR_PERSON, S.PENDING_APPROVAL, S.APPROVED},
        S.CANCELLED,
    ),
    "retry": ({S.FAILED, S.EXPIRED}, S.QUEUED),
    "resume": ({S.FAILED}, S.QUEUED),
}
CASES = [(name, state) for name in ALLOWED for state in TaskState]


@pytest.mark.django_db
@pytest.mark.parametrize(("transition", "state"), CASES)
def test_transition_is_allowed_exactly_from_its_sources(transition, state):
    sources, target = ALLOWED[transition]
    task = TaskFactory(state=state)

    if state in sources:
        task_transition(task=task, transition=transition, actor="test", reason="because")
        task = ApplicationTask.objects.get(pk=task.pk)
        assert task.state == target
        event = TaskEvent.objects.get(task=task)
        assert (event.from_state, event.to_state, event.transition) == (state, target, transition)
        assert (event.actor, event.reason) == ("test", "because")
    else:
        with pytest.raises(TransitionNotAllowed):
            task_transition(task=task, transition=transition, actor="test")
        assert ApplicationTask.objects.get(pk=task.pk).state == state
        assert not TaskEvent.objects.filter(task=task).exists()


@pytest.mark.django_db
def test_state_cannot_be_assigned_directly():
    task = TaskFactory()
    with pytest.raises(AttributeError):
        task.state = TaskState.SUBMITTED


@pytest.mark.django_db
def test_claim_counts_the_attempt_and_stamps_the_start():
    task = TaskFactory()
    task_transition(task=task, transition="claim")
    task.refresh_from_db()
    assert task.attempts == 1
    assert task.started_at is not None
    assert task.heartbeat_at is not None


@pytest.mark.django_db
def test_pause_requeues_with_boosted_priority_and_keeps_the_checkpoint():
    task = TaskFactory(state=TaskState.RUNNING, checkpoint={"step": 3})
    task_transition(task=task, transition="requeue", boost=True, reason="paused")
    task.refresh_from_db()
    assert (task.state, task.priority) == (TaskState.QUEUED, TaskPriority.BOOSTED)
    assert task.checkpoint == {"step": 3}


@pytest.mark.django_db
def test_retry_starts_over_while_resume_keeps_the_checkpoint():
    retried = TaskFactory(state=TaskState.FAILED, checkpoint={"step": 2}, attempts=5)
    resumed = TaskFactory(state=TaskState.FAILED, checkpoint={"step": 2}, attempts=5)

    task_transition(task=retried, transition="retry")
    task_transition(task=resumed, transition="resume")

    retried.refresh_from_db()
    resumed.refresh_from_db()
    assert (retried.checkpoint, retried.attempts, retried.priority) == ({}, 0, TaskPriority.NORMAL)
    assert (resumed.checkpoint, resumed.priority) == ({"step": 2}, TaskPriority.BOOSTED)


@pytest.mark.django_db
def test_a_stale_copy_of_the_task_cannot_overwrite_a_newer_state():
    task = TaskFactory()
    stale_copy = ApplicationTask.objects.get(pk=task.pk)

    task_transition(task=task, transition="claim")
    with pytest.raises(ConcurrentTransition):
        task_transition(task=stale_copy, transition="cancel")

    assert ApplicationTask.objects.get(pk=task.pk).state == TaskState.RUNNING
    assert list(TaskEvent.objects.filter(task=task).values_list("transition", flat=True)) == [
        "claim"
    ]


@pytest.mark.django_db
def test_a_transition_writes_only_the_columns_it_changes():
    task = TaskFactory(state=TaskState.QUEUED, checkpoint={"steps_done": ["open"]})
    loaded = ApplicationTask.objects.get(pk=task.pk)
    ApplicationTask.objects.filter(pk=task.pk).update(checkpoint={"steps_done": ["open", "fill"]})

    task_transition(task=loaded, transition="claim")

    stored = ApplicationTask.objects.get(pk=task.pk)
    assert (stored.state, stored.attempts) == (TaskState.RUNNING, 1)
    assert stored.checkpoint == {"steps_done": ["open", "fill"]}


@pytest.mark.django_db
def test_a_field_the_transition_sets_is_written_even_when_it_was_read_with_that_value():
    task = TaskFactory(state=TaskState.RUNNING)
    loaded = ApplicationTask.objects.get(pk=task.pk)
    ApplicationTask.objects.filter(pk=task.pk).update(pause_requested_at=timezone.now())

    task_transition(task=loaded, transition="requeue")

    assert ApplicationTask.objects.get(pk=task.pk).pause_requested_at is None


@pytest.mark.django_db
def test_a_change_made_in_place_before_a_transition_is_written():
    task = ApplicationTask.objects.get(pk=TaskFactory(state=TaskState.QUEUED).pk)

    task.checkpoint["note"] = "kept"
    task_transition(task=task, transition="claim")

    assert ApplicationTask.objects.get(pk=task.pk).checkpoint == {"note": "kept"}


@pytest.mark.django_db
def test_a_guarded_transition_changes_nothing_when_the_guard_no_longer_holds():
    task = TaskFactory(state=TaskState.RUNNING, celery_task_id="message-2")
    loaded = ApplicationTask.objects.get(pk=task.pk)

    with pytest.raises(ConcurrentTransition):
        task_transition(task=loaded, transition="prepared", guard={"celery_task_id": "message-1"})

    assert ApplicationTask.objects.get(pk=task.pk).state == TaskState.RUNNING
    assert not TaskEvent.objects.filter(task=task).exists()


@pytest.mark.django_db(transaction=True)
def test_of_concurrent_claimers_of_one_task_exactly_one_wins():
    task = TaskFactory()
    claimers = 10
    barrier = threading.Barrier(claimers)
    outcomes: list[str] = []

    def claim() -> None:
        copy = ApplicationTask.objects.get(pk=task.pk)
        barrier.wait()
        try:
            task_transition(task=copy, transition="claim", actor="worker")
            outcomes.append("won")
        except (ConcurrentTransition, TransitionNotAllowed):
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(claimers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["lost"] * (claimers - 1) + ["won"]
    task.refresh_from_db()
    assert (task.state, task.attempts) == (TaskState.RUNNING, 1)
    assert TaskEvent.objects.filter(task=task).count() == 1
