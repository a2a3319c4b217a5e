"""A CAPTCHA hand-off answered in Chromium at a phone's size, through the real web process and
the real workers: the link shows the prompt and the site's full-page screenshot in a frame that
scrolls (and opens at full size), the characters typed in and sent let the task go on, and the
page turns by itself into the approval, with the warning above the buttons, what was not
filled, and the form's question to answer; approving submits once. Both pages are shot at 390
and 1280 px wide (REVIEW_SCREENSHOTS_DIR keeps them)."""

from __future__ import annotations

import re

from applications.models import ApplicationTask, Profile, TaskState
from tests.web import web_process

from .browsers import DESKTOP, PHONE, browser, scroll_width, shoot, shots
from .helpers import clicks, link_token_of, make_user, queue_tasks, urls, wait_for_state

__all__ = ["browser", "shots"]  # fixtures

STEPS = ["open", "login", "fill", "review"]
CAPTCHA = "W7XQ"
REPOST = "This posting was first published 94 days ago and has been reposted twice."
SITE_PAGE = f"""<!doctype html><meta name="viewport" content="width=1280">
<body style="font: 20px sans-serif; margin: 40px">
<h1>Acme Careers — sign in to apply</h1>
<p>Prove you are a person: type the characters below.</p>
<p style="font: 64px monospace; letter-spacing: 16px; background: #eee; padding: 24px;
   transform: skewX(-12deg); width: 320px">{CAPTCHA}</p>
{"<p>Application form field</p><input style='width: 600px; height: 40px'>" * 40}
</body>"""


def capture_site_page(browser, path) -> None:
    """The site's page as a driver captures it: a full-page screenshot, far taller than wide."""

    def take():
        page = browser.chromium.new_context(viewport=DESKTOP).new_page()
        page.set_content(SITE_PAGE)
        page.screenshot(path=path, full_page=True)
        page.context.close()

    path.parent.mkdir(parents=True, exist_ok=True)
    browser.run(take)


def test_a_captcha_answered_on_a_phone_lets_the_application_go_on_to_its_approval(
    engine, browser, shots, tmp_path
):
    media = tmp_path / "media"
    capture_site_page(browser, media / "screenshots" / "captcha.png")
    user, _ = make_user("ada")
    Profile.objects.filter(user=user).update(first_name="Ada", email="ada@example.com")
    simulate = {
        "steps": STEPS,
        # Long enough for the page after the answer to find the form still being filled in.
        "step_seconds": 0.3,
        "submit_seconds": 1.0,
        "needs_person": {
            "step": "login",
            "kind": "captcha",
            "prompt": "The site shows a CAPTCHA: type the characters you see in the picture.",
            "answer": CAPTCHA,
            "screenshot": "screenshots/captcha.png",
        },
        "questions": [
            {
                "key": "visa",
                "label": "Will you need visa sponsorship?",
                "kind": "choice",
                "options": ["Yes", "No"],
                "required": True,
            }
        ],
        "unplaced": [{"field": "phone", "label": "Phone", "why": "no field on the page took it"}],
        "warnings": [REPOST],
    }
    [task] = queue_tasks(user, urls("acme", 1), simulate=simulate)
    task = wait_for_state(task, TaskState.WAITING_FOR_PERSON)
    token = link_token_of(task)

    with web_process(tmp_path / "web.log", env={"MEDIA_ROOT": str(media)}) as base:
        link = f"{base}/approve/{token}/"
        assert shoot(browser, base, f"/approve/{token}/", shots, "handoff") == [200, 200]
        page = browser.page(PHONE)

        def answer():
            assert page.goto(link).status == 200
            assert page.get_by_text("The site asks you to solve a CAPTCHA").is_visible()
            frame = page.locator(".shot")
            frame.locator("img").wait_for()
            page.wait_for_function("document.querySelector('.shot img').complete")
            tall = frame.evaluate("frame => frame.scrollHeight > frame.clientHeight * 2")
            full_size = page.get_by_role("link", name="Open the full-size screenshot").is_visible()
            page.fill("#answer-field", CAPTCHA)
            with page.expect_navigation():
                page.get_by_role("button", name="Send").click()
            return tall, full_size, page.locator("#live").inner_text()

        tall, full_size, shown = browser.run(answer)
        assert tall and full_size
        assert "Thanks — filling in the application" in shown

        def wait_for_the_approval():
            # The page reloads itself once the form is ready for a decision.
            page.locator("#decide").wait_for(timeout=30_000)
            page.screenshot(path=shots / "ready-live-390.png", full_page=True)
            warning_above = page.evaluate(
                "document.querySelector('.warnings').getBoundingClientRect().top < "
                "document.querySelector('button.approve').getBoundingClientRect().top"
            )
            return warning_above, page.locator("ul.unplaced").inner_text()

        def approve():
            page.select_option("select[name='question:visa']", "No")
            with page.expect_navigation():
                page.get_by_role("button", name="Approve").click()
            page.get_by_text(re.compile(r"Submitted at \d\d:\d\d:\d\d")).wait_for(timeout=30_000)
            return scroll_width(page)

        warning_above, unplaced = browser.run(wait_for_the_approval)
        assert shoot(browser, base, f"/approve/{token}/", shots, "ready") == [200, 200]
        width = browser.run(approve)
        assert warning_above
        assert "Not filled: Phone — no field on the page took it" in unplaced
        assert width <= PHONE["width"]
        assert browser.console_errors == []
        browser.run(lambda: page.context.close())
        assert shoot(browser, base, f"/approve/{token}/", shots, "after-handoff") == [200, 200]

    task = ApplicationTask.objects.get(pk=task.pk)
    assert task.state == TaskState.SUBMITTED
    assert clicks(task) == 1
    assert task.checkpoint["handoff"]["answer"] == CAPTCHA
    assert task.checkpoint["values"]["answers"]["Will you need visa sponsorship?"] == "No"
    assert Profile.objects.get(user=user).answers == {"Will you need visa sponsorship?": "No"}
