"""A decision's comment and answers are refused with a NUL in them (PostgreSQL stores none, and
DRF's CharField refuses one), and the schema says so, so that a client it describes never sends
one in good faith; a comment without one is taken."""

import pytest

from tests.schema import api_schema, request_schema

NO_NUL = "^[^\\u0000]*$"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/approvals/{approval_id}/approve/", "/api/approvals/by-token/{token}/approve/"],
)
def test_the_comment_and_the_answers_are_declared_without_nul(path):
    schema = api_schema()
    body = request_schema(schema, path, "post", "application/json")

    assert body["properties"]["comment"]["pattern"] == NO_NUL
    assert body["properties"]["answers"]["additionalProperties"]["pattern"] == NO_NUL


def test_a_comment_with_a_nul_is_refused_and_one_without_taken():
    from approvals.api import DecisionInput

    assert not DecisionInput(data={"comment": "fine\x00"}).is_valid()
    assert DecisionInput(data={"comment": "fine", "answers": {"Why?": "Because."}}).is_valid()
