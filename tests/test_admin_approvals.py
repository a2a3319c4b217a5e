"""The approvals in the admin: a request shows its decisions and who was sent a link (never the
link's hash or sealed token); the audit log is read-only; policies and auto-approve rules are
edited through forms that check them as the API does."""

import json

import pytest

from applications.services import run_create, task_transition
from approvals.models import ApprovalLink, ApprovalPolicy, AuditEntry, AutoApproveRule
from approvals.services import approval_create, approval_decide

pytestmark = pytest.mark.django_db

AUDIT = "/admin/approvals/auditentry/"
POLICIES = "/admin/approvals/approvalpolicy/"
RULES = "/admin/approvals/autoapproverule/"


@pytest.fixture
def opening(owner):
    task = run_create(user=owner, job_urls=["https://jobs.lever.co/acme/1234-abcd"]).tasks[0]
    task_transition(task=task, transition="claim", actor="test")
    task_transition(task=task, transition="prepared", actor="test")
    return approval_create(task=task)


def test_a_request_shows_its_decisions_and_links_but_no_token(admin_client, owner, opening):
    approval = opening.approval
    approval_decide(approval_id=approval.pk, user=owner, approve=False, comment="not this one")

    response = admin_client.get(f"/admin/approvals/approvalrequest/{approval.pk}/change/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "not this one" in content
    assert "o@example.com" in content
    [(link, token)] = opening.links
    stored = ApprovalLink.objects.get(pk=link.pk)
    for secret in (token, stored.token_hash, stored.sealed_token):
        assert secret not in content
    decisions, links = response.context["inline_admin_formsets"]
    assert not decisions.has_add_permission and not links.has_change_permission


def test_the_audit_log_is_shown_and_never_written(admin_client, opening):
    entry = AuditEntry.objects.get(request=opening.approval, action="created")

    assert admin_client.get(AUDIT).status_code == 200
    assert admin_client.get(f"{AUDIT}{entry.pk}/change/").status_code == 200
    assert admin_client.get(f"{AUDIT}add/").status_code == 403
    changed = admin_client.post(f"{AUDIT}{entry.pk}/change/", {"actor": "someone else"})
    deleted = admin_client.post(f"{AUDIT}{entry.pk}/delete/", {"post": "yes"})

    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert AuditEntry.objects.get(pk=entry.pk).actor == entry.actor


def policy_form(owner, **overrides):
    form = {
        "user": owner.pk,
        "run": "",
        "ttl_seconds": 1200,
        "timeout_action": "reject",
        "require_min_approvers": 1,
        "allowed_approvers": "[]",
        "applicant_may_approve": "on",
        "escalate_to": "[]",
        "escalation_extension_seconds": 1200,
        "notify": json.dumps(["email"]),
        "_save": "Save",
    }
    form.update(overrides)
    return form


def test_a_policy_that_cannot_work_is_refused_by_the_admin_form(admin_client, owner):
    response = admin_client.post(f"{POLICIES}add/", policy_form(owner, require_min_approvers=3))

    assert response.status_code == 200
    assert "require_min_approvers must be between 1 and 1" in response.content.decode()
    assert not ApprovalPolicy.objects.exists()


def test_a_policy_that_works_is_saved_by_the_admin_form(admin_client, owner):
    response = admin_client.post(
        f"{POLICIES}add/", policy_form(owner, allowed_approvers='["boss@example.com"]')
    )

    assert response.status_code == 302
    assert ApprovalPolicy.objects.get(user=owner).allowed_approvers == ["boss@example.com"]


def rule_form(owner, conditions):
    return {
        "user": owner.pk,
        "name": "acme",
        "conditions": json.dumps(conditions),
        "enabled": "on",
        "position": 0,
        "_save": "Save",
    }


def test_a_rule_with_an_unknown_operator_is_refused_by_the_admin_form(admin_client, owner):
    response = admin_client.post(
        f"{RULES}add/", rule_form(owner, [{"field": "posting.ats", "op": "=~", "value": "x"}])
    )

    assert response.status_code == 200
    assert "conditions[0]: unknown operator" in response.content.decode()
    assert not AutoApproveRule.objects.exists()


def test_a_rule_that_works_is_saved_by_the_admin_form(admin_client, owner):
    response = admin_client.post(
        f"{RULES}add/", rule_form(owner, [{"field": "posting.ats", "op": "==", "value": "lever"}])
    )

    assert response.status_code == 302
    assert AutoApproveRule.objects.get(user=owner).name == "acme"
