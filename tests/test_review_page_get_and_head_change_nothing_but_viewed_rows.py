"""Opening a link's review page (GET, or HEAD as link previews do), twice each, changes nothing
but the audit log's "viewed" rows: mail scanners open links before people do."""

import pytest
from django.test import Client

from approvals.models import AuditAction
from tests.reviews import every_row, pending_review, viewed_rows

pytestmark = pytest.mark.django_db


def test_get_and_head_twice_write_one_viewed_row_each_and_nothing_else(owner):
    opening = pending_review(owner, values={"first_name": "Ada"})
    path = f"/approve/{opening.applicant_token}/"
    before = every_row()
    client = Client(HTTP_USER_AGENT="Mail scanner 1.0")

    answers = [client.get(path), client.get(path), client.head(path), client.head(path)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
    assert every_row() == before
    viewed = viewed_rows()
    assert len(viewed) == 4
    assert {row["action"] for row in viewed} == {AuditAction.VIEWED}
    assert {row["actor"] for row in viewed} == {"owner"}
    assert {row["user_agent"] for row in viewed} == {"Mail scanner 1.0"}
    assert {row["ip"] for row in viewed} == {"127.0.0.1"}


def test_the_status_and_the_events_stream_write_nothing(owner):
    opening = pending_review(owner)
    before = every_row()

    response = Client().get(f"/approve/{opening.applicant_token}/status/")

    assert response.status_code == 200
    assert response.json()["phase"] == "pending"
    assert every_row() == before
    assert viewed_rows() == []
