"""Auto-approve rules in a prepare: read with the policy in force (a prepare of a user whose
rules do not match still takes four statements), a rule that does not match publishes nothing,
and one that matches approves in the prepare's transaction and publishes the submit on commit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import TaskState
from approvals.models import ApprovalRequest, ApprovalStatus, AuditAction
from approvals.services.rules import rule_save
from config import dispatch
from tests.factories import TaskFactory
from workers.services import prepare_application

pytestmark = pytest.mark.django_db

STEPS = ["open", "fill", "review"]


def prepared(rule_conditions, django_capture_on_commit_callbacks):
    """Prepare a queued task of a user with one rule; the statements it took (savepoints left
    out), the submit messages its commit published, and its approval request."""
    task = TaskFactory(
        celery_task_id="message-1", checkpoint={"simulate": {"steps": STEPS, "step_seconds": 0}}
    )
    rule_save(user=task.user, name="the rule", conditions=rule_conditions)
    before = dispatch.queued_message_ids(dispatch.QUEUE_APPROVALS)
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert prepare_application(task_id=task.pk, message_id="message-1") == "prepared"
    published = dispatch.queued_message_ids(dispatch.QUEUE_APPROVALS) - before
    statements = [query["sql"] for query in queries if "SAVEPOINT" not in query["sql"]]
    return statements, published, ApprovalRequest.objects.select_related("task").get(task=task)


def test_a_rule_on_the_values_filled_that_does_not_match_costs_no_statement_and_publishes_nothing(
    django_capture_on_commit_callbacks,
):
    statements, published, approval = prepared(
        [{"field": "filled.fill", "op": "==", "value": "skipped"}],
        django_capture_on_commit_callbacks,
    )

    # As with no rule: the claim's read, the claim, the driver's read of the profile, the policy
    # in force with the rules, PENDING_APPROVAL with its request, and its notifications.
    assert len(statements) == 6
    assert published == set()
    assert (approval.status, approval.task.state) == (
        ApprovalStatus.PENDING,
        TaskState.PENDING_APPROVAL,
    )


def test_a_rule_on_the_posting_reads_the_posting_once(django_capture_on_commit_callbacks):
    statements, published, approval = prepared(
        [{"field": "posting.company", "op": "==", "value": "nobody"}],
        django_capture_on_commit_callbacks,
    )

    assert len(statements) == 7
    assert published == set()
    assert approval.status == ApprovalStatus.PENDING


def test_a_matching_rule_approves_in_the_prepare_and_publishes_the_submit_on_commit(
    django_capture_on_commit_callbacks,
):
    statements, published, approval = prepared(
        [{"field": "checkpoint.steps_done", "op": "contains", "value": "review"}],
        django_capture_on_commit_callbacks,
    )

    assert (approval.status, approval.task.state) == (ApprovalStatus.APPROVED, TaskState.APPROVED)
    assert published == {approval.task.celery_task_id}
    assert approval.audit.filter(action=AuditAction.AUTO_APPROVED, actor="rule:the rule").exists()
    # The five of a prepare, then the request and its task locked, APPROVED with the request's
    # outcome and its audit row, and the look for running work that must yield.
    assert len(statements) == 9
