"""An auto-approve rule with an unknown field or operator, or a value its operator cannot
compare, is refused when saved, by the service and by the API (400, naming the condition), and
nothing is saved."""

import pytest

from approvals.exceptions import PolicyInvalid
from approvals.models import AutoApproveRule
from approvals.services.rules import rule_save

pytestmark = pytest.mark.django_db

GOOD = {"field": "posting.company", "op": "==", "value": "Acme"}


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "posting.salary", "op": "==", "value": 1}, "unknown field 'posting.salary'"),
        ({"field": "filled", "op": "==", "value": 1}, "unknown field 'filled'"),
        ({"field": "filled..x", "op": "==", "value": 1}, "unknown field 'filled..x'"),
        ({"field": "posting.ats", "op": "~=", "value": "x"}, "unknown operator '~='"),
        ({"field": "filled.salary", "op": ">", "value": "lots"}, "> compares numbers"),
        ({"field": "posting.title", "op": "contains", "value": 3}, "contains compares text"),
        ({"field": "posting.ats", "op": "in", "value": "lever"}, "in takes a list"),
        (
            {"field": "posting.ats", "op": "=="},
            "must be an object with exactly field, op and value",
        ),
    ],
)
def test_the_service_refuses_it_naming_the_condition(owner, condition, message):
    with pytest.raises(PolicyInvalid) as refused:
        rule_save(user=owner, name="broken", conditions=[GOOD, condition])

    assert f"conditions[1]: {message}" in refused.value.detail
    assert not AutoApproveRule.objects.exists()


def test_a_rule_without_conditions_is_refused(owner):
    with pytest.raises(PolicyInvalid, match="a non-empty list"):
        rule_save(user=owner, name="everything", conditions=[])


def test_the_api_refuses_an_unknown_field_with_a_400_naming_the_condition(owner_client):
    response = owner_client.post(
        "/api/approval-rules/",
        {"name": "broken", "conditions": [GOOD, {"field": "job.pay", "op": "==", "value": 1}]},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert body["detail"].startswith("conditions[1]: unknown field 'job.pay'; known: posting.")
    assert not AutoApproveRule.objects.exists()


def test_the_api_refuses_an_unknown_operator_in_a_change_and_keeps_the_rule(owner, owner_client):
    rule = rule_save(user=owner, name="acme", conditions=[GOOD])

    response = owner_client.patch(
        f"/api/approval-rules/{rule.pk}/",
        {"conditions": [{"field": "posting.ats", "op": "like", "value": "lever"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "conditions[0]: unknown operator 'like'" in response.json()["detail"]
    rule.refresh_from_db()
    assert rule.conditions == [GOOD]


def test_null_is_no_value_to_compare_with(owner):
    with pytest.raises(PolicyInvalid, match=r"conditions\[0\]: == takes a string"):
        rule_save(
            user=owner, name="null", conditions=[{"field": "run.name", "op": "==", "value": None}]
        )
