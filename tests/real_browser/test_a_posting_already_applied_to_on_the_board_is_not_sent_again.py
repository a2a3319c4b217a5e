"""The applicant applied to a posting on the board themselves, outside Applyline; Applyline's
application to it, prepared and approved, meets the board's "already applied" and sends nothing
more: the task is SKIPPED with the site's words, the posting is marked applied, and the board
still holds the one application."""

from applications.models import Application, TaskState
from tests.demo_board.visitors import Visitor, apply_greenhouse
from tests.engine.helpers import approve, wait_for_state

from .conftest import applicant, apply_to
from .people import api_client, board_link, last_reason


def test_no_second_application_reaches_the_board(applying, board):
    profile = applicant("karen")
    link = board_link(board.url, "greenhouse")
    by_hand = apply_greenhouse(Visitor(board.url), link.removeprefix(board.url), profile.email)
    assert by_hand.status_code == 200, by_hand.text
    [task] = apply_to(profile, [link])
    wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=60)

    approve(api_client(profile.user), task)

    task = wait_for_state(task, TaskState.SKIPPED, timeout=60)
    assert "already applied" in last_reason(task).lower(), last_reason(task)
    assert len(board.submissions(link)) == 1
    assert Application.objects.get(user=profile.user, job=task.job).has_been_applied_to
