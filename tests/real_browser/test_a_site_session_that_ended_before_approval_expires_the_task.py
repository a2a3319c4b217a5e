"""The job site's session ends while the application waits for its approval: the submit finds
the site saying so, the task goes EXPIRED with the reason, and nothing reaches the board."""

from applications.models import TaskState
from tests.engine.helpers import approve, wait_for_state

from .conftest import applicant, apply_to
from .people import api_client, board_link, last_reason


def test_the_task_expires_and_nothing_is_submitted(applying, board):
    profile = applicant("hedy")
    link = board_link(board.url, "greenhouse")
    [task] = apply_to(profile, [link])
    wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=60)

    assert board.expire_sessions() >= 1
    approve(api_client(profile.user), task)

    task = wait_for_state(task, TaskState.EXPIRED, timeout=60)
    assert "session" in last_reason(task).lower(), last_reason(task)
    assert board.submissions(link) == []
