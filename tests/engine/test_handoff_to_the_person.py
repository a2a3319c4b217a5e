"""A step that needs the person (an e-mailed code, a CAPTCHA) hands the task off with real
workers: it waits WAITING_FOR_PERSON with no worker slot and no session (the user's next task
runs meanwhile), the person is asked by the request's link, an approve is refused while it
waits, the answer posted on the review page puts it back in the queue boosted, it redoes that
step and reaches PENDING_APPROVAL under the same request, and approving submits it once."""

from __future__ import annotations

from applications.models import HOLDS_SESSION, ApplicationTask, TaskPriority, TaskState
from approvals.models import ApprovalRequest, AuditAction, Notification, NotificationKind

from .helpers import (
    approve,
    clicks,
    events,
    link_token_of,
    make_user,
    post_as_the_page,
    queue_tasks,
    state_of,
    step_log,
    urls,
    wait_for_state,
    wait_until,
)

STEPS = ["open", "login", "fill", "answer", "review"]


def needs(kind: str, answer: str, prompt: str) -> dict:
    return {
        "steps": STEPS,
        "step_seconds": 0.01,
        "needs_person": {
            "step": "login",
            "kind": kind,
            "prompt": prompt,
            "answer": answer,
            "screenshot": "screenshots/login.png",
        },
    }


def waiting_for_the_person(task: ApplicationTask, engine) -> ApplicationTask:
    task = wait_for_state(task, TaskState.WAITING_FOR_PERSON)
    assert not ApplicationTask.objects.filter(HOLDS_SESSION, pk=task.pk).exists()
    assert task.heartbeat_at is None

    def its_message_runs() -> bool:
        running = [job for jobs in engine.active().values() for job in jobs]
        return any(job["args"][:1] == [task.pk] for job in running)

    # The prepare message that handed off ends at once: no slot waits for the person.
    wait_until(lambda: not its_message_runs(), timeout=10, message="the hand-off holds a slot")
    assert state_of(task) == TaskState.WAITING_FOR_PERSON
    return task


def test_a_code_hands_off_without_a_slot_and_the_answer_lets_it_go_on(engine):
    user, client = make_user("ada")
    prompt = "Enter the 6-digit code we sent to a***@example.com."
    asking, other = queue_tasks(user, urls("acme", 2), simulate=needs("code", "123456", prompt))
    ApplicationTask.objects.filter(pk=other.pk).update(
        checkpoint={"simulate": {"steps": STEPS, "step_seconds": 0.3}}
    )

    asking = waiting_for_the_person(asking, engine)
    # The session went to the user's other task, which runs while the first one waits.
    wait_for_state(other, TaskState.RUNNING, TaskState.PENDING_APPROVAL)
    assert asking.checkpoint["steps_done"] == ["open"]
    assert asking.checkpoint["screenshot"] == "screenshots/login.png"
    assert asking.checkpoint["browser"]["page"] == "login"
    handoff = asking.checkpoint["handoff"]
    assert {key: handoff[key] for key in ("kind", "prompt", "step", "answer")} == {
        "kind": "code",
        "prompt": prompt,
        "step": "login",
        "answer": None,
    }
    assert handoff["asked_at"] and handoff["answered_at"] is None
    approval = ApprovalRequest.objects.get(task=asking)
    assert approval.status == "pending"
    assert Notification.objects.filter(request=approval, kind=NotificationKind.NEEDS_PERSON)
    refused = client.post(f"/api/approvals/{approval.pk}/approve/")
    assert refused.status_code == 409
    assert refused.json()["error"] == "not_ready"
    assert prompt in refused.json()["detail"]

    token = link_token_of(asking)
    page = post_as_the_page(token, {})
    assert page.status_code == 400  # no decision: the page says so, nothing changes
    answered = post_as_the_page(token, {"decision": "answer", "answer": " 123456 "})
    assert answered.status_code == 302

    asking = wait_for_state(asking, TaskState.PENDING_APPROVAL)
    assert asking.priority == TaskPriority.BOOSTED
    assert asking.checkpoint["handoff"]["answer"] == "123456"
    assert asking.checkpoint["handoff"]["answered_at"]
    assert step_log(asking) == STEPS  # the step that asked ran to its end once
    assert ApprovalRequest.objects.get(task=asking).pk == approval.pk
    assert set(approval.audit.values_list("action", flat=True)) >= {
        AuditAction.ASKED,
        AuditAction.ANSWERED,
        AuditAction.READY,
    }
    approve(client, asking)
    asking = wait_for_state(asking, TaskState.SUBMITTED)
    assert clicks(asking) == 1
    assert [event.transition for event in events(asking)] == [
        "claim",
        "hand_off",
        "answered",
        "claim",
        "prepared",
        "approve",
        "start_submit",
        "mark_submitted",
    ]


def test_a_captcha_answered_wrong_is_asked_again_and_answered_right_goes_on(engine):
    user, client = make_user("grace")
    prompt = "Type the characters in the picture."
    [task] = queue_tasks(user, urls("globex", 1), simulate=needs("captcha", "W7XQ", prompt))
    task = waiting_for_the_person(task, engine)
    token = link_token_of(task)

    assert post_as_the_page(token, {"decision": "answer", "answer": "W7X0"}).status_code == 302
    task = wait_for_state(task, TaskState.WAITING_FOR_PERSON)
    history = [event.transition for event in events(task)]
    assert history == ["claim", "hand_off", "answered", "claim", "hand_off"], history
    assert "'W7X0'" in task.checkpoint["handoff"]["prompt"]
    assert task.checkpoint["handoff"]["answer"] is None

    assert post_as_the_page(token, {"decision": "answer", "answer": "W7XQ"}).status_code == 302
    task = wait_for_state(task, TaskState.PENDING_APPROVAL)
    assert ApprovalRequest.objects.filter(task=task).count() == 1
    approve(client, task)
    task = wait_for_state(task, TaskState.SUBMITTED)
    assert clicks(task) == 1
