"""Auto-approve rules with real workers: a task that a rule matches goes from PENDING_APPROVAL to
SUBMITTED with no person involved, and the audit log names the rule; one that no rule matches
waits for a person."""

from applications.models import Profile, TaskState
from approvals.models import ApprovalDecision, ApprovalStatus, AuditAction, AuditEntry
from approvals.services.rules import rule_save

from .helpers import clicks, events, make_user, queue_tasks, urls, wait_for_state, wait_until

STEPS = ["open", "fill", "review"]


def test_a_matching_rule_approves_and_the_task_is_submitted_with_no_person(engine):
    user, _ = make_user("rita")
    Profile.objects.update_or_create(user=user, defaults={"first_name": "Rita"})
    rule_save(
        user=user,
        name="never matches",
        conditions=[
            {"field": "posting.ats", "op": "==", "value": "workday"},
        ],
    )
    rule_save(
        user=user,
        name="greenhouse, reviewed",
        conditions=[
            {"field": "posting.ats", "op": "in", "value": ["greenhouse", "lever"]},
            {"field": "filled.first_name", "op": "==", "value": "rita"},
            {"field": "checkpoint.steps_done", "op": "contains", "value": "fill"},
        ],
    )
    [task] = queue_tasks(user, urls("acme", 1), simulate={"steps": STEPS, "step_seconds": 0.01})

    task = wait_for_state(task, TaskState.SUBMITTED)

    approval = task.approval_request
    assert approval.status == ApprovalStatus.APPROVED
    assert approval.decided_by is None
    assert approval.outcome == "approved by the rule 'greenhouse, reviewed'"
    assert not ApprovalDecision.objects.filter(request=approval).exists()
    [entry] = AuditEntry.objects.filter(request=approval, action=AuditAction.AUTO_APPROVED)
    assert entry.actor == "rule:greenhouse, reviewed"
    assert (entry.old_status, entry.new_status) == ("pending", "approved")
    assert clicks(task) == 1
    assert [event.transition for event in events(task)] == [
        "claim",
        "prepared",
        "approve",
        "start_submit",
        "mark_submitted",
    ]
    assert events(task, "approve")[0].actor == "rule:greenhouse, reviewed"


def test_a_rule_that_does_not_match_leaves_the_task_waiting_for_a_person(engine):
    user, _ = make_user("nora")
    rule_save(
        user=user,
        name="lever only",
        conditions=[
            {"field": "posting.ats", "op": "==", "value": "lever"},
        ],
    )
    [task] = queue_tasks(user, urls("acme", 1), simulate={"steps": STEPS, "step_seconds": 0.01})

    task = wait_for_state(task, TaskState.PENDING_APPROVAL)
    wait_until(engine.idle, timeout=30, message="the workers did not go idle")

    task.refresh_from_db()
    assert task.state == TaskState.PENDING_APPROVAL
    assert task.approval_request.status == ApprovalStatus.PENDING
    assert not AuditEntry.objects.filter(action=AuditAction.AUTO_APPROVED).exists()
    assert clicks(task) == 0
    assert [event.transition for event in events(task)] == ["claim", "prepared"]
