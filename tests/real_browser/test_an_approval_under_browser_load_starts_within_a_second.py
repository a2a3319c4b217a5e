"""An approval that arrives while both worker slots run browser prepares — one of another user,
one of the approver's own, which holds their one session: the submit starts within a second,
because the approver's prepare yields at its next page action; not by the revoke, which would
come only after PREEMPT_GRACE_SECONDS (2 s here). These workers pause between page actions as
a person would, so that a prepare lasts long enough to be running when the approval comes."""

import time

from applications.models import ApplicationTask, TaskState
from applications.services.preemption import PAUSED_FOR_APPROVED_WORK
from tests.engine.conftest import wait_until
from tests.engine.helpers import approve, events, wait_for_state
from workers.processes import engine_layout

from .conftest import applicant, apply_to, workers_of_its_own
from .people import api_client, board_link


def started_submit_at(task: ApplicationTask) -> float | None:
    found = task.events.filter(transition="start_submit").values_list("created_at", flat=True)
    return found[0].timestamp() if found else None


def test_the_submit_starts_within_a_second_through_the_pause_between_page_actions(
    applying, board, media, tmp_path
):
    approver, other = applicant("pia"), applicant("quinn")
    with workers_of_its_own(
        applying,
        board,
        media,
        tmp_path,
        layout=engine_layout(2),
        BROWSER_ACTION_PAUSE_SECONDS="0.2,0.4",
    ):
        [to_approve] = apply_to(approver, [board_link(board.url, "greenhouse")])
        wait_for_state(to_approve, TaskState.PENDING_APPROVAL, timeout=90)
        [own] = apply_to(approver, [board_link(board.url, "greenhouse")])
        [busy] = apply_to(other, [board_link(board.url, "lever")])

        def both_run() -> bool:
            running = ApplicationTask.objects.filter(pk__in=[own.pk, busy.pk], state="running")
            return running.count() == 2

        wait_until(both_run, timeout=60, interval=0.02, message="both slots never ran")
        time.sleep(1.0)  # well into their page actions

        approve(api_client(approver.user), to_approve)
        answered = time.time()
        wait_until(lambda: started_submit_at(to_approve), timeout=10, interval=0.01)
        waited = started_submit_at(to_approve) - answered

        wait_for_state(to_approve, TaskState.SUBMITTED, timeout=60)
        wait_for_state(own, TaskState.PENDING_APPROVAL, timeout=90)
        wait_for_state(busy, TaskState.PENDING_APPROVAL, timeout=90)

    assert waited < 1.0, f"the submit started {waited:.2f} s after the approval"
    [paused] = events(own, "requeue")
    assert paused.reason == PAUSED_FOR_APPROVED_WORK
    assert events(busy, "requeue") == []
