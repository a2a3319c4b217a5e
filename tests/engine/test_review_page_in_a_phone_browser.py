"""The review page in Chromium at a phone's size, through the real web process and the real
workers: a task prepared by a worker is opened by its link, approved, and "Submitted" appears
without a reload; nothing scrolls sideways and the console stays clean. The expired and the
not-found pages are shot too (REVIEW_SCREENSHOTS_DIR keeps the screenshots). Afterwards, the web
process's log (uvicorn's access lines and Django's warnings) holds no token."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from applications.models import ApplicationTask, Profile, TaskState
from approvals.models import ApprovalLink, ApprovalRequest
from approvals.services import approvals_time_out_due
from approvals.services.tokens import token_unseal
from tests.web import web_process

from .browsers import PHONE, browser, scroll_width, shoot, shots
from .helpers import clicks, make_user, queue_tasks, urls, wait_for_state

__all__ = ["browser", "shots"]  # fixtures

STEPS = ["open", "login", "fill", "answer", "review"]
FORGED = "Zm9yZ2VkLXRva2VuLW5vdC1pbi10aGUtZGF0YWJhc2UtYXQtYWxs"


def token_of(task: ApplicationTask) -> str:
    link = ApprovalLink.objects.get(request__task=task)
    token = token_unseal(link.sealed_token)
    assert token
    return token


def test_a_link_opened_on_a_phone_approves_and_shows_submitted_without_a_reload(
    engine, browser, shots, tmp_path
):
    user, _ = make_user("ada")
    Profile.objects.filter(user=user).update(
        first_name="Ada",
        last_name="Lovelace",
        email="ada.lovelace+applications@example.com",
        phone="+44 20 7946 0958",
        answers={
            "Why do you want to work here?": "I want to build the analytical engine at scale.",
            "Portfolio": "https://example.com/portfolio/" + "very-long-path-segment-" * 6,
        },
    )
    # The submit takes a moment, so that the page shows "Submitting now" before the outcome.
    simulate = {"steps": STEPS, "step_seconds": 0.01, "submit_seconds": 1.5}
    task, later = queue_tasks(user, urls("acme", 2), simulate=simulate)
    task = wait_for_state(task, TaskState.PENDING_APPROVAL)
    later = wait_for_state(later, TaskState.PENDING_APPROVAL)
    token = token_of(task)
    log = tmp_path / "web.log"

    with web_process(log) as base:
        link = f"{base}/approve/{token}/"
        assert shoot(browser, base, f"/approve/{token}/", shots, "pending") == [200, 200]
        page = browser.page(PHONE)

        def open_and_approve():
            assert page.goto(link).status == 200
            assert page.get_by_text("Waiting for your decision").is_visible()
            assert page.get_by_text("ada.lovelace+applications@example.com").is_visible()
            page.fill("#comment", "Good luck!")
            with page.expect_navigation():
                page.get_by_role("button", name="Approve").click()
            page.evaluate("window.notReloaded = true")
            return page.url, page.locator("#live").inner_text()

        after_post, shown = browser.run(open_and_approve)
        assert after_post == link  # redirected back to the page
        assert "Approved — submitting now…" in shown

        def wait_for_submitted():
            page.get_by_text(re.compile(r"Submitted at \d\d:\d\d:\d\d")).wait_for(timeout=30_000)
            page.screenshot(path=shots / "submitted-live-390.png", full_page=True)
            heading = page.locator("#values-heading").text_content()
            return page.evaluate("window.notReloaded === true"), scroll_width(page), heading

        not_reloaded, width, heading = browser.run(wait_for_submitted)
        assert not_reloaded
        assert heading == "What was submitted"
        assert width <= PHONE["width"]
        assert browser.console_errors == []
        browser.run(lambda: page.context.close())
        assert shoot(browser, base, f"/approve/{token}/", shots, "submitted") == [200, 200]

        ApprovalRequest.objects.filter(task=later).update(
            expires_at=timezone.now() - timedelta(seconds=5)
        )
        assert approvals_time_out_due() == 1
        later_token = token_of(later)
        assert shoot(browser, base, f"/approve/{later_token}/", shots, "expired") == [410, 410]
        assert shoot(browser, base, f"/approve/{FORGED}/", shots, "not-found") == [404, 404]

    task = ApplicationTask.objects.get(pk=task.pk)
    assert task.state == TaskState.SUBMITTED
    assert clicks(task) == 1
    assert task.approval_request.decisions.get().comment == "Good luck!"
    written = log.read_text()
    for secret in (token, later_token, FORGED):
        assert secret not in written
    assert re.search(r'"GET /approve/\[token\]/ HTTP/1\.1" 200', written), written
    assert re.search(r'"POST /approve/\[token\]/ HTTP/1\.1" 302', written), written
    assert re.search(r'"GET /approve/\[token\]/events/ HTTP/1\.1" 200', written), written
    assert re.search(r'"GET /approve/\[token\]/status/ HTTP/1\.1" 200', written), written
    assert "Not Found: /approve/[token]/" in written
    assert "Gone: /approve/[token]/" in written
