"""Auto-approve rules: a user's conditions under which a prepared application is approved at
once, with no person involved. Tried when a task reaches PENDING_APPROVAL, inside the
transaction that made its request; the first enabled rule (by position, then age) whose every
condition holds approves it, and the submit takes the same path as a person's approval.

A condition is {"field", "op", "value"}. Fields:

- `posting.company`, `posting.title`, `posting.location`, `posting.ats`: the job posting;
- `run.name`, `run.id`: the run the task belongs to; `task.id`, `task.priority`: the task;
- `filled.<path>`: a value the driver filled in (the checkpoint's `values`), by dot path, e.g.
  `filled.salary_expectation` or `filled.answers.0` (a number steps into a list);
- `checkpoint.<path>`: anything in the task's checkpoint, e.g. `checkpoint.values.salary`.

Operators and how they compare:

- `==`, `!=`: strings case-insensitively; a number with a number, or with a string that reads
  as one ("120000"); true and false only with themselves; anything else as JSON values.
- `<`, `<=`, `>`, `>=`: numerically; a value that is not a number (nor a string that reads as
  one) makes the condition false, never an error. The rule's value must be a number.
- `contains`: a string's substring (case-insensitively), or a list's item (as `==` compares);
  `startswith`, `endswith`: strings only, case-insensitively.
- `in`, `not_in`: the rule's value is a list; the field equals one (none) of its items, as `==`
  compares.

A field the task does not have (a missing path, a posting without a location is still "") makes
its condition false, whatever the operator, `!=` and `not_in` included: a rule never approves
on data that is not there. A rule with no condition is refused when saved, so no rule approves
everything by accident.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from applications.models import ApplicationRun, ApplicationTask, TaskState
from approvals.exceptions import PolicyInvalid, RuleNameTaken
from approvals.models import ApprovalRequest, ApprovalStatus, AuditAction, AutoApproveRule
from approvals.services.closing import close
from core import rows
from jobs.models import JobPosting

POSTING_FIELDS = ("company", "title", "location", "ats")
FIELDS = (
    *(f"posting.{name}" for name in POSTING_FIELDS),
    "run.name",
    "run.id",
    "task.id",
    "task.priority",
)
PATH_NAMESPACES = ("filled", "checkpoint")
ORDERING = ("<", "<=", ">", ">=")
TEXT = ("contains", "startswith", "endswith")
MEMBERSHIP = ("in", "not_in")
OPERATORS = ("==", "!=", *ORDERING, *TEXT, *MEMBERSHIP)
MAX_CONDITIONS = 20
MAX_LIST_ITEMS = 200
MAX_NAME_LENGTH = AutoApproveRule._meta.get_field("name").max_length
RULE_FIELDS = ("name", "conditions", "enabled", "position")

# A path's end that is not there.
_MISSING = object()


# Evaluation: pure functions of a rule's conditions and the task's facts.


def conditions_hold(conditions: Sequence[Mapping[str, Any]], facts: Mapping[str, Any]) -> bool:
    """Whether every condition holds for `facts`, a mapping of namespace (posting, run, task,
    filled, checkpoint) to its values. An empty list holds (rule_check refuses it)."""
    return all(condition_holds(condition, facts) for condition in conditions)


def condition_holds(condition: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    actual = resolve(facts, str(condition.get("field", "")))
    if actual is _MISSING:
        return False
    compare = _COMPARISONS.get(condition.get("op"))
    return compare is not None and compare(actual, condition.get("value"))


def resolve(facts: Mapping[str, Any], field: str) -> Any:
    """The value at a dot path (`posting.company`, `filled.answers.0`), or _MISSING."""
    value: Any = facts
    for part in field.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _number(value: Any) -> float | None:
    """A number, or a string that reads as a finite one; None for anything else (booleans
    included, which Python would otherwise take for 0 and 1)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip().replace(",", ""))
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.casefold() == expected.casefold()
    if isinstance(expected, int | float) or isinstance(actual, int | float):
        left, right = _number(actual), _number(expected)
        return left is not None and right is not None and left == right
    return actual == expected


def _ordered(test: Callable[[float, float], bool]) -> Callable[[Any, Any], bool]:
    def compare(actual: Any, expected: Any) -> bool:
        left, right = _number(actual), _number(expected)
        return left is not None and right is not None and test(left, right)

    return compare


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str) and isinstance(expected, str):
        return expected.casefold() in actual.casefold()
    if isinstance(actual, list):
        return any(_equal(item, expected) for item in actual)
    return False


def _text(test: Callable[[str, str], bool]) -> Callable[[Any, Any], bool]:
    def compare(actual: Any, expected: Any) -> bool:
        return (
            isinstance(actual, str)
            and isinstance(expected, str)
            and test(actual.casefold(), expected.casefold())
        )

    return compare


def _in(actual: Any, expected: Any) -> bool:
    return isinstance(expected, list) and any(_equal(actual, option) for option in expected)


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": _equal,
    "!=": lambda actual, expected: not _equal(actual, expected),
    "<": _ordered(lambda left, right: left < right),
    "<=": _ordered(lambda left, right: left <= right),
    ">": _ordered(lambda left, right: left > right),
    ">=": _ordered(lambda left, right: left >= right),
    "contains": _contains,
    "startswith": _text(str.startswith),
    "endswith": _text(str.endswith),
    "in": _in,
    "not_in": lambda actual, expected: isinstance(expected, list) and not _in(actual, expected),
}


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
    publishes the submit on commit (approvals.services.closing)."""
    if rules is None:
        rules = list(
            AutoApproveRule.objects.filter(user_id=approval.user_id, enabled=True).order_by(
                "position", "id"
            )
        )
    if not rules:
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
            f"conditions[{position}]: {problem}" for problem in _condition_problems(condition)
        ]
    return problems


def _condition_problems(condition: Any) -> list[str]:
    if not isinstance(condition, dict) or set(condition) != {"field", "op", "value"}:
        return ["must be an object with exactly field, op and value."]
    field, op, value = condition["field"], condition["op"], condition["value"]
    if _has_nul(condition):
        # PostgreSQL stores no NUL in text or JSON.
        return ["no NUL characters in its field or value."]
    problems = []
    if not _known_field(field):
        problems.append(
            f"unknown field {field!r}; known: {', '.join(FIELDS)}, filled.<path>, "
            "checkpoint.<path>."
        )
    if op not in OPERATORS:
        problems.append(f"unknown operator {op!r}; known: {', '.join(OPERATORS)}.")
    elif op in ORDERING and not _is_number(value):
        problems.append(f"{op} compares numbers: its value must be a number.")
    elif op in TEXT and not isinstance(value, str):
        problems.append(f"{op} compares text: its value must be a string.")
    elif op in MEMBERSHIP and (
        not isinstance(value, list)
        or not value
        or len(value) > MAX_LIST_ITEMS
        or not all(_scalar(item) for item in value)
    ):
        problems.append(
            f"{op} takes a list of 1 to {MAX_LIST_ITEMS} strings, numbers, true or false."
        )
    elif op in ("==", "!=") and not _scalar(value):
        problems.append(f"{op} takes a string, a number, true or false.")
    return problems


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _known_field(field: Any) -> bool:
    if not isinstance(field, str):
        return False
    if field in FIELDS:
        return True
    namespace, _, path = field.partition(".")
    return namespace in PATH_NAMESPACES and bool(path) and all(path.split("."))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and _scalar(value)


def _scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | int | bool)


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
