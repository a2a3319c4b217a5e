"""Conditions of auto-approve rules: what they name, how they compare, and what makes one
unable to work. Pure functions of a condition and a task's facts.

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
from collections.abc import Callable, Mapping, Sequence
from typing import Any

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


def condition_problems(condition: Any) -> list[str]:
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
