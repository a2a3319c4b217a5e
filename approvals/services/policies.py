"""Approval policies: a user's defaults and a run's own, checked when saved, and the policy in
force copied onto each request when it is made (so that changing a policy never changes a
request already sent)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q

from applications.models import ApplicationRun
from approvals import statements
from approvals.exceptions import PolicyInvalid
from approvals.models import ApprovalPolicy, AutoApproveRule, NotifyChannel, TimeoutAction
from approvals.models.requests import approver_key

User = get_user_model()

POLICY_FIELDS = (
    "ttl_seconds",
    "timeout_action",
    "require_min_approvers",
    "require_all",
    "allowed_approvers",
    "applicant_may_approve",
    "escalate_to",
    "escalation_extension_seconds",
    "notify",
)
# A deadline a person can meet, and one a job site's session outlives.
MIN_TTL_SECONDS = 60
MAX_TTL_SECONDS = 7 * 24 * 3600


def policy_get(*, user: Any, run: ApplicationRun | None = None) -> ApprovalPolicy:
    """The policy saved for the run (or the user's defaults), or an unsaved one with the
    defaults when none is."""
    found = ApprovalPolicy.objects.filter(user=user, run=run).first()
    return found or ApprovalPolicy(user=user, run=run)


def policy_save(*, user: Any, run: ApplicationRun | None = None, **fields: Any) -> ApprovalPolicy:
    """Change the user's default policy (run=None) or a run's; fields not given keep their
    value. Raises PolicyInvalid (400) with every problem found; nothing is saved then."""
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise PolicyInvalid(f"Unknown policy fields: {', '.join(sorted(unknown))}.")
    policy = policy_get(user=user, run=run)
    for name, value in fields.items():
        setattr(policy, name, value)
    _check(policy)
    policy.save()
    return policy


def policy_check(policy: ApprovalPolicy) -> None:
    """Raise PolicyInvalid (400) naming every problem of the policy as it stands (the admin's
    form checks with this before it saves)."""
    _check(policy)


def policy_resolved(policy: ApprovalPolicy) -> dict[str, list[dict[str, Any]]]:
    """Who the policy names, resolved as a request would store them: `approvers` (the applicant
    first, when allowed) and `escalate_to`."""
    approvers = [_approver(policy.user)] if policy.applicant_may_approve else []
    known = {approver["key"] for approver in approvers}
    approvers += [
        other for other in _resolve(policy.allowed_approvers)[0] if other["key"] not in known
    ]
    return {"approvers": approvers, "escalate_to": _resolve(policy.escalate_to)[0]}


def _check(policy: ApprovalPolicy) -> None:
    problems = []
    if not MIN_TTL_SECONDS <= policy.ttl_seconds <= MAX_TTL_SECONDS:
        problems.append(f"ttl_seconds must be between {MIN_TTL_SECONDS} and {MAX_TTL_SECONDS}.")
    if policy.timeout_action not in TimeoutAction.values:
        problems.append(f"timeout_action must be one of {', '.join(TimeoutAction.values)}.")
    unknown_channels = set(policy.notify) - set(NotifyChannel.values)
    if unknown_channels:
        problems.append(f"Unknown notify channels: {', '.join(sorted(unknown_channels))}.")
    approvers, missing = _resolve(policy.allowed_approvers)
    escalation, missing_escalation = _resolve(policy.escalate_to)
    problems += [
        f"allowed_approvers: {name!r} is no account nor e-mail address." for name in missing
    ]
    problems += [
        f"escalate_to: {name!r} is no account nor e-mail address." for name in missing_escalation
    ]
    count = len(approvers) + (1 if policy.applicant_may_approve else 0)
    if count == 0:
        problems.append("Nobody may approve: allow the applicant or name allowed_approvers.")
    elif not 1 <= policy.require_min_approvers <= count:
        problems.append(f"require_min_approvers must be between 1 and {count}, the approvers.")
    if policy.timeout_action == TimeoutAction.ESCALATE and not escalation:
        problems.append("timeout_action escalate needs someone in escalate_to.")
    if problems:
        raise PolicyInvalid(" ".join(problems))


def _resolve(names: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Approvers named by username or e-mail address, as the request stores them: an account
    when one has that username (or that address), else the address itself."""
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return [], [repr(names)]
    accounts = {
        key: account
        for account in User.objects.filter(Q(username__in=names) | Q(email__in=names))
        for key in (account.username, account.email)
        if key
    }
    resolved, missing = [], []
    for name in dict.fromkeys(name.strip() for name in names):
        if name in accounts:
            resolved.append(_approver(accounts[name]))
            continue
        try:
            validate_email(name)
        except ValidationError:
            missing.append(name)
        else:
            resolved.append(
                {
                    "key": approver_key(user_id=None, email=name),
                    "user_id": None,
                    "email": name,
                    "label": name,
                }
            )
    return resolved, missing


def _approver(account: Any) -> dict[str, Any]:
    return {
        "key": approver_key(user_id=account.pk),
        "user_id": account.pk,
        "email": account.email,
        "label": account.get_username(),
    }


def policy_in_force(*, user_id: int, run_id: int | None) -> dict[str, Any]:
    """The policy a new request of this user's run is made under, as the request stores it:
    the fields, the approvers resolved (the applicant first, when allowed), the escalation's
    approvers, and `required`, how many approvals approve."""
    return policy_and_rules_in_force(user_id=user_id, run_id=run_id)[0]


def policy_and_rules_in_force(
    *, user_id: int, run_id: int | None
) -> tuple[dict[str, Any], list[AutoApproveRule]]:
    """The policy in force (as policy_in_force gives it) and the user's enabled auto-approve
    rules in order, read in one statement."""
    applicant, policy, rules = statements.read_policy_in_force(user_id=user_id, run_id=run_id)
    policy = policy or ApprovalPolicy(user=applicant)
    approvers = [_approver(applicant)] if policy.applicant_may_approve else []
    if policy.allowed_approvers:
        others, _ = _resolve(policy.allowed_approvers)
        # The applicant approves only when the policy allows it, whoever else lists them.
        known = {approver["key"] for approver in approvers} | {approver_key(user_id=user_id)}
        approvers += [other for other in others if other["key"] not in known]
    escalate_to = _resolve(policy.escalate_to)[0] if policy.escalate_to else []
    required = (
        len(approvers) if policy.require_all else min(policy.require_min_approvers, len(approvers))
    )
    snapshot = {name: getattr(policy, name) for name in POLICY_FIELDS}
    snapshot.update(
        approvers=approvers,
        escalate_to=escalate_to,
        required=max(required, 1),
        source="run" if policy.run_id else "user" if policy.pk else "defaults",
    )
    return snapshot, rules
