"""A worker's pool process killed with SIGKILL while it submits in Chromium — right after the
board has received the application, before the worker could record it: the message goes back
to the queue, the next attempt finds the task SUBMITTING, asks the board (its lookup page)
before any click, finds the application, and records it. The board still holds exactly one."""

import os
import signal

from applications.models import TaskState
from tests.engine.conftest import wait_until
from tests.engine.helpers import approve, events, wait_for_state

from .conftest import applicant, apply_to, workers_of_its_own
from .people import api_client, board_link

ALONE = "alone"


def test_the_submit_killed_after_its_click_is_found_on_the_site_and_not_clicked_again(
    applying, board, media, tmp_path
):
    profile = applicant("joan")
    link = board_link(board.url, "lever")
    layout = {ALONE: ["-Q", "approvals,default", "-c", "1"]}
    with workers_of_its_own(applying, board, media, tmp_path, layout=layout) as pool:
        [task] = apply_to(profile, [link])
        wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=60)
        [pid] = pool.pool_pids(ALONE)

        approve(api_client(profile.user), task)
        wait_until(lambda: board.submissions(link), interval=0.005, message="no submission")
        os.kill(pid, signal.SIGKILL)

        task = wait_for_state(task, TaskState.SUBMITTED, timeout=90)

    assert len(board.submissions(link)) == 1
    # Killed before it could record the click: a second attempt, which asked the site first.
    attempts = [event.reason for event in events(task, "submit_attempt")]
    assert attempts, "the submit was recorded before the kill: nothing was recovered"
    assert all("asked before any click" in reason for reason in attempts), attempts
