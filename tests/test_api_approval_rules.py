"""The auto-approve rules through the API: made, listed in the order they are tried, changed,
deleted; a second rule of one name is a conflict; another user's rules are not found."""

import pytest

from approvals.models import AutoApproveRule
from approvals.services.rules import rule_save

pytestmark = pytest.mark.django_db

RULES = "/api/approval-rules/"
ACME = [{"field": "posting.company", "op": "==", "value": "Acme"}]


def test_a_rule_is_made_and_listed_last(owner, owner_client):
    rule_save(user=owner, name="first", conditions=ACME)

    response = owner_client.post(
        RULES,
        {
            "name": "senior",
            "conditions": [{"field": "posting.title", "op": "contains", "value": "senior"}],
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["enabled"], body["position"]) == ("senior", True, 1)
    listed = owner_client.get(RULES).json()
    assert [rule["name"] for rule in listed["results"]] == ["first", "senior"]


def test_a_rule_is_changed_and_deleted(owner, owner_client):
    rule = rule_save(user=owner, name="acme", conditions=ACME)

    replaced = owner_client.put(
        f"{RULES}{rule.pk}/",
        {"name": "lever", "conditions": [{"field": "posting.ats", "op": "in", "value": ["lever"]}]},
        format="json",
    )
    patched = owner_client.patch(f"{RULES}{rule.pk}/", {"enabled": False}, format="json")

    assert replaced.status_code == 200
    assert patched.json()["name"] == "lever"
    assert patched.json()["enabled"] is False
    assert owner_client.delete(f"{RULES}{rule.pk}/").status_code == 204
    assert not AutoApproveRule.objects.exists()


def test_a_second_rule_of_one_name_is_a_conflict(owner, owner_client):
    rule_save(user=owner, name="acme", conditions=ACME)

    response = owner_client.post(RULES, {"name": "acme", "conditions": ACME}, format="json")

    assert response.status_code == 409
    assert response.json()["error"] == "rule_name_taken"
    assert AutoApproveRule.objects.count() == 1


def test_another_users_rule_is_not_found_and_untouched(owner, outsider_client):
    rule = rule_save(user=owner, name="acme", conditions=ACME)

    assert outsider_client.get(f"{RULES}{rule.pk}/").status_code == 404
    assert (
        outsider_client.patch(f"{RULES}{rule.pk}/", {"enabled": False}, format="json").status_code
        == 404
    )
    assert outsider_client.delete(f"{RULES}{rule.pk}/").status_code == 404
    assert outsider_client.get(RULES).json()["count"] == 0
    rule.refresh_from_db()
    assert rule.enabled is True
