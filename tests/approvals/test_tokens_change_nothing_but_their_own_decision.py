"""A used, expired, forged or other approver's token changes nothing it should not; the
database and the logs hold no token in clear."""

import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.models import ApprovalDecision, ApprovalRequest
from tests.approvals.conftest import token_of


def everything_stored() -> str:
    """Every row of the approvals and applications tables, as text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            " AND (table_name LIKE 'approvals_%%' OR table_name LIKE 'applications_%%')"
        )
        tables = [name for (name,) in cursor.fetchall()]
        dumped = []
        for table in tables:
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t ORDER BY 1')
            dumped += [row for (row,) in cursor.fetchall()]
    return "\n".join(dumped)


def decide(token: str, verb: str = "approve") -> int:
    return APIClient().post(f"/api/approvals/by-token/{token}/{verb}/").status_code


@pytest.fixture
def two_needed(request_under, people):
    return request_under(allowed_approvers=["ann", "bob"], require_min_approvers=2)


@pytest.mark.django_db
def test_a_forged_token_finds_nothing_and_changes_nothing(two_needed):
    before = everything_stored()
    real = token_of(two_needed, "ann")
    for forged in ("x" * 43, real[:-1] + ("A" if real[-1] != "A" else "B"), "short"):
        assert decide(forged) == 404
    assert everything_stored() == before


@pytest.mark.django_db
def test_a_used_token_changes_nothing(two_needed):
    assert decide(token_of(two_needed, "ann")) == 200
    before = everything_stored()
    assert decide(token_of(two_needed, "ann"), "reject") == 409
    assert everything_stored() == before


@pytest.mark.django_db
def test_an_expired_token_changes_nothing_after_the_deadline_is_applied(two_needed):
    ApprovalRequest.objects.filter(pk=two_needed.approval.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert decide(token_of(two_needed, "ann")) == 410
    before = everything_stored()
    assert decide(token_of(two_needed, "bob")) == 410
    assert everything_stored() == before
    assert not ApprovalDecision.objects.exists()


@pytest.mark.django_db
def test_each_token_decides_as_its_own_approver(two_needed):
    assert decide(token_of(two_needed, "bob")) == 200
    decision = ApprovalDecision.objects.get()
    bob = two_needed.approval.policy["approvers"][2]
    assert (decision.label, decision.user_id, decision.link.label) == ("bob", bob["user_id"], "bob")


@pytest.mark.django_db
def test_no_token_is_stored_or_logged_in_clear(two_needed, caplog):
    with caplog.at_level(logging.DEBUG):
        for label in ("ann", "owner"):
            assert decide(token_of(two_needed, label)) == 200
    stored = everything_stored()
    logged = "\n".join(record.getMessage() + str(record.__dict__) for record in caplog.records)
    for _, token in two_needed.links:
        assert token not in stored
        assert token not in logged
