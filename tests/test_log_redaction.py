"""No token ever reaches a log: not the approval link's token, which Django's request warnings
and uvicorn's access log would write with the path, nor an API token."""

import http.client
import logging
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from applications.services import run_create, task_transition
from approvals.models import ApprovalRequest
from approvals.services import approval_create
from tests.console import console_output
from tests.web import web_process

pytestmark = pytest.mark.django_db

# The shape of a link's token (secrets.token_urlsafe(32)), for tokens the test did not make.
UNKNOWN_TOKEN = "Zm9yZ2VkLXRva2VuLW5vdC1pbi10aGUtZGF0YWJhc2UtYXQtYWxs"


@pytest.fixture
def pending(owner) -> tuple[ApprovalRequest, str]:
    """A task of the owner's waiting for approval, and its link's token."""
    task = run_create(user=owner, job_urls=["https://jobs.lever.co/acme/1234-abcd"]).tasks[0]
    task_transition(task=task, transition="claim", actor="test")
    task_transition(task=task, transition="prepared", actor="test")
    opening = approval_create(task=task)
    return opening.approval, opening.applicant_token


def post_and_log(path: str, caplog) -> tuple[int, str]:
    """POST `path` with the real test client; the status and what the console handler wrote."""
    caplog.set_level(logging.INFO)
    with console_output() as output:
        response = Client(raise_request_exception=False).post(path)
    return response.status_code, output.getvalue()


def assert_nowhere_in_the_logs(token: str, caplog, written: str) -> None:
    assert token not in written
    assert token not in caplog.text
    for record in caplog.records:
        assert token not in record.getMessage()
        assert token not in str(record.args)


def test_an_unknown_link_is_logged_without_its_token(caplog):
    status, written = post_and_log(f"/api/approvals/by-token/{UNKNOWN_TOKEN}/approve/", caplog)

    assert status == 404
    assert "WARNING django.request Not Found: /api/approvals/by-token/[token]/approve/" in written
    assert_nowhere_in_the_logs(UNKNOWN_TOKEN, caplog, written)


def test_a_link_decided_twice_is_logged_without_its_token(pending, caplog):
    _, token = pending
    assert Client().post(f"/api/approvals/by-token/{token}/approve/").status_code == 200

    status, written = post_and_log(f"/api/approvals/by-token/{token}/reject/", caplog)

    assert status == 409
    assert "WARNING django.request Conflict: /api/approvals/by-token/[token]/reject/" in written
    assert_nowhere_in_the_logs(token, caplog, written)


def test_an_expired_link_is_logged_without_its_token(pending, caplog):
    approval, token = pending
    ApprovalRequest.objects.filter(pk=approval.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    status, written = post_and_log(f"/api/approvals/by-token/{token}/approve/", caplog)

    assert status == 410
    assert "WARNING django.request Gone: /api/approvals/by-token/[token]/approve/" in written
    assert_nowhere_in_the_logs(token, caplog, written)


def test_the_review_pages_link_is_logged_without_its_token(caplog):
    status, written = post_and_log(f"/approve/{UNKNOWN_TOKEN}/", caplog)

    assert status == 404
    assert "Not Found: /approve/[token]/" in written
    assert_nowhere_in_the_logs(UNKNOWN_TOKEN, caplog, written)


def test_an_api_token_in_a_message_is_redacted(owner_and_token):
    _, api_token = owner_and_token
    with console_output() as output:
        logging.getLogger("workers").warning(
            "rejected %s",
            f"Authorization: Token {api_token}",
            extra={"authorization": f"Token {api_token}"},
        )

    assert api_token not in output.getvalue()
    assert output.getvalue().endswith(
        'rejected Authorization: Token [token] authorization="Token [token]"\n'
    )


def test_a_traceback_that_quotes_the_path_is_redacted():
    path = f"/api/approvals/by-token/{UNKNOWN_TOKEN}/approve/"
    with console_output() as output:
        try:
            raise LookupError(f"nothing at {path}")
        except LookupError:
            logging.getLogger("django.request").exception("Internal Server Error: %s", path)

    assert UNKNOWN_TOKEN not in output.getvalue()
    assert (
        output.getvalue()
        .rstrip()
        .endswith("LookupError: nothing at /api/approvals/by-token/[token]/approve/")
    )


def test_every_handler_in_the_settings_redacts_tokens():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact_tokens" in handler.get("filters", []), name


def test_djangos_own_handlers_which_would_skip_the_filter_are_not_installed():
    # Its console handler (under DEBUG), its development server's and its mail to ADMINS.
    for name in ["django", "django.request", "django.server", "django.security.csrf"]:
        logger = logging.getLogger(name)
        assert logger.handlers == [], name
        assert logger.propagate, name


def test_the_web_process_logs_a_link_without_its_token(django_db_setup, tmp_path):
    """The Procfile's web line, run for real: uvicorn's access log and Django's warning."""
    log = tmp_path / "web.log"
    with web_process(log) as base:
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
        connection.request("POST", f"/api/approvals/by-token/{UNKNOWN_TOKEN}/approve/")
        assert connection.getresponse().status == 404
        connection.close()

    written = log.read_text()
    assert UNKNOWN_TOKEN not in written, written
    assert re.search(r'"POST /api/approvals/by-token/\[token\]/approve/ HTTP/1\.1" 404', written)
    assert "Not Found: /api/approvals/by-token/[token]/approve/" in written
