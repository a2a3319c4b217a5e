"""Each operator of the auto-approve rules, with a value that holds and one that does not, on
the posting, the run, the task and the values filled (dot paths into the checkpoint); a path the
task does not have never holds."""

import pytest

from approvals.services.conditions import OPERATORS, condition_holds, conditions_hold

FACTS = {
    "posting": {
        "company": "Acme Robotics",
        "title": "Senior Engineer",
        "location": "",
        "ats": "lever",
    },
    "run": {"id": 7, "name": "Spring"},
    "task": {"id": 3, "priority": 50},
    "filled": {
        "salary_expectation": "120,000",
        "years": 6,
        "remote": True,
        "answers": ["yes", "no"],
    },
    "checkpoint": {"values": {"nested": {"level": 2}}, "steps_done": ["open", "fill"]},
}

CASES = [
    # op, field, value that holds, value that does not
    ("==", "posting.company", "acme robotics", "Acme"),
    ("==", "filled.years", 6, 7),
    ("==", "filled.salary_expectation", 120000, 100000),
    ("==", "filled.remote", True, False),
    ("!=", "posting.ats", "greenhouse", "LEVER"),
    ("<", "filled.years", 7, 6),
    ("<=", "filled.years", 6, 5.5),
    (">", "filled.salary_expectation", 100000, 120000),
    (">=", "task.priority", 50, 51),
    ("contains", "posting.title", "ENGINEER", "manager"),
    ("contains", "filled.answers", "yes", "maybe"),
    ("startswith", "posting.company", "acme", "robotics"),
    ("endswith", "posting.title", "engineer", "senior"),
    ("in", "posting.ats", ["Greenhouse", "Lever"], ["ashby", "workday"]),
    ("in", "run.id", [7, 8], [1, 2]),
    ("not_in", "run.name", ["autumn", "winter"], ["SPRING"]),
    ("==", "checkpoint.values.nested.level", 2, 3),
    ("==", "filled.answers.1", "no", "yes"),
    ("contains", "checkpoint.steps_done", "fill", "submit"),
]


@pytest.mark.parametrize(("op", "field", "holds", "fails"), CASES)
def test_an_operator_holds_for_a_matching_value_and_not_for_another(op, field, holds, fails):
    assert condition_holds({"field": field, "op": op, "value": holds}, FACTS) is True
    assert condition_holds({"field": field, "op": op, "value": fails}, FACTS) is False


def test_every_operator_is_covered():
    assert {case[0] for case in CASES} == set(OPERATORS)


@pytest.mark.parametrize("op", OPERATORS)
def test_a_missing_path_holds_for_no_operator(op):
    value = ["x"] if op in ("in", "not_in") else 1 if op in ("<", "<=", ">", ">=") else "x"
    for field in ("filled.salary", "checkpoint.values.nested.missing", "filled.answers.9"):
        assert condition_holds({"field": field, "op": op, "value": value}, FACTS) is False


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_a_value_that_is_not_a_number_makes_an_ordering_false(op):
    for field in ("posting.company", "filled.remote", "filled.answers"):
        assert condition_holds({"field": field, "op": op, "value": 0}, FACTS) is False


def test_all_conditions_must_hold():
    company = {"field": "posting.company", "op": "contains", "value": "acme"}
    title = {"field": "posting.title", "op": "contains", "value": "intern"}

    assert conditions_hold([company], FACTS) is True
    assert conditions_hold([company, title], FACTS) is False
