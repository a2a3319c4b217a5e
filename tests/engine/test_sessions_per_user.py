"""With real workers, a user's work takes one browser session at a time, and other users' work
does not wait behind it."""

import itertools

from applications.models import ApplicationTask, TaskState

from .helpers import events, make_user, queue_tasks, urls, wait_for_state

STEPS = ["open", "login", "fill", "answer", "review"]
INSTANT = {"steps": STEPS, "step_seconds": 0}


def test_a_users_work_takes_one_session_at_a_time_and_other_users_do_not_wait_behind_it(engine):
    many, _ = make_user("fay")
    theirs = queue_tasks(many, urls("phi", 8), simulate={"steps": STEPS, "step_seconds": 0.03})
    other, _ = make_user("gus")
    [single] = queue_tasks(other, urls("psi", 1), simulate=INSTANT)

    wait_for_state(single, TaskState.PENDING_APPROVAL)
    assert ApplicationTask.objects.filter(user=many, state=TaskState.QUEUED).count() >= 5

    for task in theirs:
        wait_for_state(task, TaskState.PENDING_APPROVAL)
    sessions = sorted(
        (events(task, "claim")[0].created_at, events(task, "prepared")[0].created_at)
        for task in theirs
    )
    for (_, ended), (started, _) in itertools.pairwise(sessions):
        assert started >= ended  # never two of the user's tasks running at once
