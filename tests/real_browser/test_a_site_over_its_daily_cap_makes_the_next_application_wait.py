"""Pacing: the board's site, named `localhost` here, takes one application per minute
(SITE_LIMITS in conftest): of two postings there, of two applicants queued together, one is
prepared and the other waits for the next minute, saying why on its card."""

import time

from applications.models import ApplicationTask, TaskState
from tests.engine.conftest import wait_until
from tests.engine.helpers import wait_for_state

from .conftest import PACED_HOST, applicant, apply_to
from .people import board_link


def on_the_paced_host(link: str) -> str:
    return link.replace("127.0.0.1", PACED_HOST, 1)


def test_the_second_application_waits_and_says_why(applying, board):
    people = [applicant("rosa"), applicant("sofia")]
    # Both within one minute's window.
    if time.time() % 60 > 40:
        time.sleep(61 - time.time() % 60)
    tasks = [
        apply_to(person, [on_the_paced_host(board_link(board.url, "multi-step"))])[0]
        for person in people
    ]

    waiting = wait_until(
        lambda: ApplicationTask.objects.filter(
            pk__in=[task.pk for task in tasks], not_before__isnull=False
        ).first(),
        timeout=30,
        message="neither task waited",
    )
    [going] = [task for task in tasks if task.pk != waiting.pk]
    assert waiting.state == TaskState.QUEUED
    assert f"{PACED_HOST} takes 1 application per minute" in waiting.wait_reason
    going = wait_for_state(going, TaskState.PENDING_APPROVAL, timeout=60)
    assert going.not_before is None
