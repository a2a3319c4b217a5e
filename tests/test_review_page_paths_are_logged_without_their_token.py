"""No review page's answer writes its token to a log: Django's request logger warns of every
4xx with its path (a forged link, an expired one, a second decision, a refused CSRF token), and
the status and events paths carry the token too. uvicorn's access log is checked through the
real web process in tests/engine/test_review_page_in_a_phone_browser.py."""

import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from approvals.models import ApprovalRequest
from tests.console import console_output
from tests.reviews import pending_review

pytestmark = pytest.mark.django_db

FORGED = "Zm9yZ2VkLXRva2VuLW5vdC1pbi10aGUtZGF0YWJhc2UtYXQtYWxs"


def logged(caplog, *requests) -> tuple[list[int], str]:
    caplog.set_level(logging.INFO)
    with console_output() as output:
        statuses = [request().status_code for request in requests]
    return statuses, output.getvalue()


def assert_not_logged(token: str, caplog, written: str) -> None:
    assert token not in written
    assert token not in caplog.text
    for record in caplog.records:
        assert token not in record.getMessage()


def test_a_forged_link_is_logged_without_its_token(caplog):
    client = Client()
    statuses, written = logged(
        caplog,
        lambda: client.get(f"/approve/{FORGED}/"),
        lambda: client.get(f"/approve/{FORGED}/status/"),
        lambda: client.post(f"/approve/{FORGED}/", {"decision": "approve"}),
    )

    assert statuses == [404, 404, 404]
    assert "WARNING django.request Not Found: /approve/[token]/ " in written
    assert "WARNING django.request Not Found: /approve/[token]/status/ " in written
    assert_not_logged(FORGED, caplog, written)


def test_expired_decided_and_csrf_refused_links_are_logged_without_their_token(owner, caplog):
    opening = pending_review(owner)
    ApprovalRequest.objects.filter(pk=opening.approval.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    expired = opening.applicant_token
    decided = pending_review(owner, url="https://jobs.lever.co/acme/5678-efgh").applicant_token
    client, strict = Client(), Client(enforce_csrf_checks=True)

    statuses, written = logged(
        caplog,
        lambda: client.get(f"/approve/{expired}/"),
        lambda: client.post(f"/approve/{decided}/", {"decision": "reject"}),
        lambda: client.post(f"/approve/{decided}/", {"decision": "approve"}),
        lambda: strict.post(f"/approve/{decided}/", {"decision": "approve"}),
    )

    assert statuses == [410, 302, 409, 403]
    assert "WARNING django.request Gone: /approve/[token]/ " in written
    assert "WARNING django.request Conflict: /approve/[token]/ " in written
    assert "Forbidden (CSRF cookie not set.): /approve/[token]/ " in written
    for token in (expired, decided):
        assert_not_logged(token, caplog, written)
