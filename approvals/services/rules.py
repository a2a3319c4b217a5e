"""Auto-approve rules: a user's conditions under which a prepared application is approved at
once, with no person involved. Tried when a task reaches PENDING_APPROVAL, inside the
transaction that made its request; the first enabled rule (by position, then age) whose every
condition holds approves it, and the submit takes the same path as a person's approval.

Conditions, their fields and operators: approvals.services.conditions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from applications.models import ApplicationRun, ApplicationTask, TaskState
from approvals.exceptions import PolicyInvalid, RuleNameTaken
from approvals.models import ApprovalRequest, ApprovalStatus, AuditAction, AutoApproveRule
from approvals.services.closing import close
from approvals.services.conditions import (
    MAX_CONDITIONS,
    PATH_NAMESPACES,
    POSTING_FIELDS,
    condition_problems,
    conditions_hold,
)
from approvals.services.questions import questions_unanswered
from core import rows
from jobs.models import JobPosting

MAX_NAME_LENGTH = AutoApproveRule._meta.get_field("name").max_length
RULE_FIELDS = ("name", "conditions", "enabled", "position")


class TaskFacts(Mapping[str, Any]):
    """What a rule's fields name, for one task: the posting and the run are read only when a
    condition names them (and not at all when they are loaded already)."""

    def __init__(self, task: ApplicationTask) -> None:
        self.task = task
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, namespace: str) -> Any:
        if namespace not in self._loaded:
            self._loaded[namespace] = self._load(namespace)
        return self._loaded[namespace]

    def __iter__(self) -> Iterator[str]:
        return iter(("posting", "run", "task", *PATH_NAMESPACES))

    def __len__(self) -> int:
        return 5

    def __contains__(self, namespace: object) -> bool:
        return namespace in ("posting", "run", "task", *PATH_NAMESPACES)

    def _load(self, namespace: str) -> Any:
        task = self.task
        checkpoint = task.checkpoint if isinstance(task.checkpoint, dict) else {}
        if namespace == "posting":
            posting = _related(task, ApplicationTask.job, JobPosting, task.job_id)
            return {name: getattr(posting, name) for name in POSTING_FIELDS}
        if namespace == "run":
            run = _related(task, ApplicationTask.run, ApplicationRun, task.run_id)
            return {"id": run.pk, "name": run.name}
        if namespace == "task":
            return {"id": task.pk, "priority": task.priority}
        if namespace == "filled":
            values = checkpoint.get("values", {})
            return values if isinstance(values, dict) else {}
        if namespace == "checkpoint":
            return checkpoint
        raise KeyError(namespace)


def _related(task: ApplicationTask, descriptor: Any, model: type, pk: int) -> Any:
    if descriptor.is_cached(task):
        return getattr(task, descriptor.field.name)
    found = rows.get(model, pk)
    descriptor.field.set_cached_value(task, found)
    return found


def rule_matching(
    rules: Sequence[AutoApproveRule], facts: Mapping[str, Any]
) -> AutoApproveRule | None:
    """The first rule whose every condition holds, or None."""
    return next((rule for rule in rules if conditions_hold(rule.conditions, facts)), None)


# Applying the rules to a new request.


def rule_apply(approval: ApprovalRequest, *, rules: list[AutoApproveRule] | None = None) -> bool:
    """Approve the request when one of its user's enabled rules matches its task; True when one
    did. `rules`: the user's enabled rules in order, when read already (with the policy in
    force, in the prepare's one read); otherwise they are read here. Runs inside the
    transaction that made the request: a match locks the request and its task, approves, and
    publishes the submit on commit (approvals.services.closing). A task with warnings (a
    repost) waits for a person whatever the rules say."""
    if approval.task.warnings:
        return False
    if rules is None:
        rules = list(
            AutoApproveRule.objects.filter(user_id=approval.user_id, enabled=True).order_by(
                "position", "id"
            )
        )
    if not rules or questions_unanswered(approval.task):
        # A required question without an answer holds the request for a person.
        return False
    rule = rule_matching(rules, TaskFacts(approval.task))
    if rule is None:
        return False
    return _approve_by(approval, rule)


_LOCKED_READ = (
    f"SELECT * FROM {rows.quote(ApprovalRequest._meta.db_table)} "
    "WHERE id = %s AND status = %s FOR UPDATE"
)


def _approve_by(approval: ApprovalRequest, rule: AutoApproveRule) -> bool:
    # Locked in the order the decisions and the sweeps take them: the request, then its task.
    found = rows.read(ApprovalRequest, _LOCKED_READ, [approval.pk, ApprovalStatus.PENDING])
    if not found:
        return False
    locked = found[0]
    task = rows.get(ApplicationTask, locked.task_id, lock=True)
    if task is None or task.state != TaskState.PENDING_APPROVAL:
        return False
    ApprovalRequest.task.field.set_cached_value(locked, task)
    close(
        locked,
        task,
        "approve",
        actor=f"rule:{rule.name}",
        action=AuditAction.AUTO_APPROVED,
        outcome=f"approved by the rule {rule.name!r}",
    )
    # The caller's instance says what happened too.
    for name in ("status", "decided_at", "decided_by_id", "outcome", "remind_at"):
        approval.__dict__[name] = locked.__dict__[name]
    return True


# Saving rules.


def rule_check(*, name: Any, conditions: Any) -> list[str]:
    """Every problem with a rule as given, each naming its condition (`conditions[1]`); none
    for a rule that can work."""
    problems = []
    if not isinstance(name, str) or not name.strip():
        problems.append("name: a rule needs a name.")
    elif len(name) > MAX_NAME_LENGTH:
        problems.append(f"name: at most {MAX_NAME_LENGTH} characters.")
    elif "\x00" in name:
        problems.append("name: no NUL characters.")
    if not isinstance(conditions, list) or not conditions:
        problems.append("conditions: a non-empty list of {field, op, value}.")
        return problems
    if len(conditions) > MAX_CONDITIONS:
        problems.append(f"conditions: at most {MAX_CONDITIONS}.")
    for position, condition in enumerate(conditions):
        problems += [
            f"conditions[{position}]: {problem}" for problem in condition_problems(condition)
        ]
    return problems


def rule_save(*, user: Any, rule: AutoApproveRule | None = None, **fields: Any) -> AutoApproveRule:
    """Make a rule for the user, or change theirs (`rule`); fields not given keep their value, and
    a new rule without a position goes last. Raises PolicyInvalid (400) naming every problem,
    an unknown field or operator among them, and RuleNameTaken (409) for a name the user has
    given another rule; nothing is saved then."""
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise PolicyInvalid(f"Unknown rule fields: {', '.join(sorted(unknown))}.")
    if rule is None:
        rule = AutoApproveRule(user=user)
        if "position" not in fields:
            last = (
                AutoApproveRule.objects.filter(user=user)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
            )
            rule.position = 0 if last is None else last + 1
    for name, value in fields.items():
        setattr(rule, name, value)
    if isinstance(rule.name, str):
        rule.name = rule.name.strip()
    problems = rule_check(name=rule.name, conditions=rule.conditions)
    if problems:
        raise PolicyInvalid(" ".join(problems))
    taken = RuleNameTaken(f"name: you have a rule named {rule.name!r} already.")
    if AutoApproveRule.objects.filter(user=user, name=rule.name).exclude(pk=rule.pk).exists():
        raise taken
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as error:
        # Another request saved that name between the look and the save.
        raise taken from error
    return rule


def rule_delete(*, rule: AutoApproveRule) -> None:
    rule.delete()
