"""The person's side of the end-to-end tests: their approval link opened in Chromium, and the
Approve button clicked, as they would."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from applications.models import ApplicationTask
from tests.engine.browsers import PHONE, Browser
from tests.engine.helpers import link_token_of

# One posting of each form style the board has, by the path pattern of the site it mimics.
STYLES = {
    "greenhouse": "/greenhouse/acme-robotics/jobs/{number}",
    "greenhouse-embedded": "/greenhouse/embed/job_app?for=initrode&token={number}",
    "lever": "/lever/globex/{uuid}",
    "ashby": "/ashby/initech/{uuid}",
    "multi-step": "/careers/hooli/platform-engineer-{number}",
}
# The postings that need the person: an e-mailed code, a CAPTCHA.
NEEDS_PERSON = {
    "verified": "/verified/umbrella/analyst-{number}",
    "captcha": "/lever/wayne/{uuid}",
}
_numbers = iter(range(uuid.uuid4().int % 10**6 * 100, 10**9))


def board_link(board_url: str, style: str, *, number: int | None = None) -> str:
    """A new posting of `style` on the board (numbers ten apart share company and title)."""
    number = next(_numbers) * 10 if number is None else number
    return board_url + {**STYLES, **NEEDS_PERSON}[style].format(number=number, uuid=uuid.uuid4())


def review_link(web: str, task: ApplicationTask) -> str:
    return f"{web}/approve/{link_token_of(task)}/"


def approve_in_the_browser(
    browser: Browser, link: str, *, shots: Path | None = None, name: str = "", answers=None
) -> str:
    """Open the review page at a phone's size, answer its questions (`answers`: {field name:
    value}), click Approve, and wait for "Submitted"; returns the page's live status."""
    page = browser.page(PHONE)

    def approve() -> str:
        assert page.goto(link).status == 200
        if shots is not None:
            page.screenshot(path=shots / f"{name}-review-390.png", full_page=True)
        for field, value in (answers or {}).items():
            page.fill(f"[name='{field}']", value)
        with page.expect_navigation():
            page.get_by_role("button", name="Approve").click()
        page.get_by_text(re.compile(r"Submitted at \d\d:\d\d:\d\d")).wait_for(timeout=60_000)
        shown = page.locator("#live").inner_text()
        page.context.close()
        return shown

    return browser.run(approve)


def api_client(user):
    """The applicant's API client (their token)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
    return client


def last_reason(task: ApplicationTask) -> str:
    """Why the task last changed state, as its newest event says."""
    return task.events.order_by("-created_at", "-pk").values_list("reason", flat=True).first()


def answer_in_the_browser(browser: Browser, link: str, answer: str) -> str:
    """Open the link while the page waits for the person, type `answer`, send it; returns the
    page's live status."""
    page = browser.page(PHONE)

    def send() -> str:
        assert page.goto(link).status == 200
        page.fill("#answer-field", answer)
        with page.expect_navigation():
            page.get_by_role("button", name="Send").click()
        shown = page.locator("#live").inner_text()
        page.context.close()
        return shown

    return browser.run(send)
