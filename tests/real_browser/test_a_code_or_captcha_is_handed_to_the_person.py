"""A posting behind an e-mailed code, and one with a CAPTCHA: the prepare stops at the page
that asks, and the task waits for the person without a worker slot; the person's answer, typed
on the review page in Chromium, lets it go on from that step; then it is approved and submitted
once. The board plays the rest of the world: its outbox holds the code "e-mailed" to the
applicant, and its operator API reads the CAPTCHA a person would read off the picture."""

import pytest

from applications.models import TaskState
from tests.engine.browsers import browser
from tests.engine.conftest import wait_until
from tests.engine.helpers import wait_for_state

from .conftest import applicant, apply_to
from .people import answer_in_the_browser, approve_in_the_browser, board_link, review_link

__all__ = ["browser"]  # fixtures


def what_the_person_reads(board, style: str, profile, link: str) -> str:
    if style == "verified":
        return board.outbox(profile.email)[0]["code"]
    return board.captcha(posting=link)


@pytest.mark.parametrize("style", ["verified", "captcha"])
def test_the_persons_answer_lets_the_task_go_on_and_it_submits_once(
    applying, board, web, browser, style
):
    profile = applicant(f"mary-{style}")
    link = board_link(board.url, style)
    [task] = apply_to(profile, [link])
    task = wait_for_state(task, TaskState.WAITING_FOR_PERSON, timeout=60)
    assert task.checkpoint["handoff"]["kind"] == ("code" if style == "verified" else "captcha")
    assert task.checkpoint["screenshot"]
    # No slot held: no worker runs anything while the person is asked.
    wait_until(applying.idle, timeout=10, message="a worker still runs the task")

    shown = answer_in_the_browser(
        browser, review_link(web, task), what_the_person_reads(board, style, profile, link)
    )
    assert "Thanks" in shown, shown
    task = wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=60)
    approve_in_the_browser(browser, review_link(web, task))

    wait_for_state(task, TaskState.SUBMITTED, timeout=60)
    assert len(board.submissions(link)) == 1
