"""A run of one posting of each form style (Greenhouse's current and older forms, Lever,
Ashby, a generic multi-step form): each is prepared by a worker in Chromium, shown on its review
page with the screenshot of the filled form, approved there by clicking Approve in the browser,
and submitted; the board then holds exactly one application per posting, with the profile's
values and its résumé."""

from __future__ import annotations

import hashlib

from applications.models import ApplicationTask, TaskState
from tests.engine.browsers import browser, shots
from tests.engine.helpers import wait_for_state

from .conftest import RESUME, applicant, apply_to
from .people import STYLES, approve_in_the_browser, board_link, review_link

__all__ = ["browser", "shots"]  # fixtures

ANSWER = "The B-tree: it keeps a disk busy with whole pages."


def test_every_style_is_submitted_once_with_the_profiles_values_and_resume(
    applying, board, web, browser, shots
):
    profile = applicant(
        "grace",
        answers={
            "Are you legally authorized to work in the United States?": "Yes",
            "Do you require visa sponsorship?": "No",
            "Are you open to working on-site three days a week?": "Yes",
            "What is your favourite data structure, and why?": ANSWER,
        },
    )
    links = {style: board_link(board.url, style) for style in STYLES}
    tasks = dict(zip(links, apply_to(profile, list(links.values())), strict=True))

    for style, task in tasks.items():
        task = wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=90)
        assert task.checkpoint["screenshot"], style
        # A form may not ask for everything (Ashby's takes no links), but every one takes these.
        unplaced = {entry["field"] for entry in task.checkpoint.get("unplaced", [])}
        assert not unplaced & {"first_name", "last_name", "email", "resume"}, (style, unplaced)
        shown = approve_in_the_browser(
            browser, review_link(web, task), shots=shots, name=f"style-{style}"
        )
        assert "Submitted" in shown
        wait_for_state(task, TaskState.SUBMITTED, timeout=60)

    resume_sha256 = hashlib.sha256(RESUME.read_bytes()).hexdigest()
    for style, link in links.items():
        received = board.submissions(link)
        assert len(received) == 1, (style, received)
        [application] = received
        assert application["email"] == profile.email, style
        values = " ".join(str(value) for value in application["values"].values())
        assert profile.last_name in values, (style, application["values"])
        assert [file["sha256"] for file in application["files"]] == [resume_sha256], style
    assert all(
        state == TaskState.SUBMITTED
        for state in ApplicationTask.objects.filter(run=profile.user.runs.get()).values_list(
            "state", flat=True
        )
    )
