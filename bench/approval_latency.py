"""Approval latency: from the approve call's response to SUBMITTING, with every slot that
consumes `default` busy and 10,000 normal tasks queued, against plain FIFO Celery.

    .venv/bin/python bench/approval_latency.py --out bench/results/approval_latency.json

The engine runs as in production: `main` (approvals + default, two slots), `reserve`
(approvals only, one slot), `maintenance`. The queued normal tasks belong to as many users, one
each, so that the broker holds them all (a user's work beyond their one session waits in the
database). Every approved task's user has a task of their own running (simulated, 50 ms steps,
boosted past the queue so that it starts), so each approval goes through the pause path: the
submit waits for that user's session slot, which the running task yields at its next step
boundary.

A third case holds the reserve: its one slot runs another user's slow submit (45 s) while both
`default` slots run long tasks, and 20 approvals are made one after another by a user with no
running task of their own, so that every one must make a running task yield
(`p95_ms_reserve_busy`).

The baseline uses the same workers and simulated tasks with no priority and no preemption: the
approved task's submit message joins the `default` queue behind 100 normal tasks, first in,
first out. A wait is capped at 60 s (a capped wait counts as 60 s).
"""

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from approval_setup import (
    CAP_S,
    make_user,
    queue,
    queue_normal_work,
    wait_for_pending,
    wait_for_submitting,
)

APPROVALS = 50
DEPTH = 10_000
SHALLOW_DEPTH = 10
STEP_SECONDS = 0.05
LONG_TASK_STEPS = 3000
BASELINE_DEPTH = 100
BASELINE_APPROVALS = 10


def measure(workers, depth: int) -> dict:
    """Approve APPROVALS tasks one after another, each while its user's own task is running,
    with `depth` normal tasks queued. Returns the latencies and what else was seen."""
    from django.utils import timezone

    from applications.models import ApplicationTask, TaskEvent, TaskState
    from applications.services import task_boost
    from workers.processes import wait_until

    common.reset_engine(workers)
    approvers = [make_user("approver-a"), make_user("approver-b")]
    to_approve = {
        user.pk: queue(user, f"approve-{user.pk}", APPROVALS // 2, {"steps": ["fill"]})
        for user, _ in approvers
    }
    wait_for_pending([pk for pks in to_approve.values() for pk in pks])
    normal = queue_normal_work(depth, prefix=f"other-{depth}-")
    # Each approver's own long task, boosted past the queued normal work so that it runs
    # (queued after it, it would wait behind all of it).
    long_steps = [f"step{number}" for number in range(LONG_TASK_STEPS)]
    running = {
        user.pk: queue(user, f"long-{user.pk}", 1, {"steps": long_steps})[0]
        for user, _ in approvers
    }
    for task in ApplicationTask.objects.filter(pk__in=running.values()):
        task_boost(task=task, actor="benchmark")

    def is_running(task_id: int) -> bool:
        return ApplicationTask.objects.filter(
            pk=task_id, state=TaskState.RUNNING, pause_requested_at__isnull=True
        ).exists()

    latencies, from_request = [], []
    window_started = timezone.now()
    for number in range(APPROVALS):
        user, client = approvers[number % 2]
        task_id = to_approve[user.pk][number // 2]
        try:
            wait_until(lambda user=user: is_running(running[user.pk]), timeout=30)
        except AssertionError:
            task = ApplicationTask.objects.get(pk=running[user.pk])
            raise AssertionError(
                f"approval {number}: the approver's own task is {task.state}, "
                f"{[(e.transition, e.reason) for e in task.events.all()]}"
            ) from None
        approval_id = ApplicationTask.objects.values_list("approval_request__id", flat=True).get(
            pk=task_id
        )
        requested = time.time()
        response = client.post(f"/api/approvals/{approval_id}/approve/")
        answered = time.time()
        assert response.status_code == 200, response.content
        latencies.append(wait_for_submitting(task_id, answered))
        from_request.append(wait_for_submitting(task_id, requested))

    approved = [pk for pks in to_approve.values() for pk in pks]
    wait_until(
        lambda: (
            ApplicationTask.objects.filter(pk__in=approved, state=TaskState.SUBMITTED).count()
            == len(approved)
        ),
        timeout=60,
        message="the approved tasks were not all submitted",
    )
    window_ended = timezone.now()
    long_tasks = ApplicationTask.objects.filter(pk__in=running.values())
    return {
        "latencies": latencies,
        "from_request": from_request,
        # Normal tasks claimed while the approvals were made and submitted.
        "normal_started": TaskEvent.objects.filter(
            task_id__in=normal,
            transition="claim",
            created_at__range=(window_started, window_ended),
        ).count(),
        "pauses": sum(task.events.filter(transition="requeue").count() for task in long_tasks),
        "long_task_steps_done": sum(
            len(task.checkpoint.get("steps_done", [])) for task in long_tasks
        ),
    }


RESERVE_BUSY_APPROVALS = 20
SLOW_SUBMIT_SECONDS = 45.0


def measure_reserve_busy(workers) -> list[float]:
    """Approve RESERVE_BUSY_APPROVALS tasks one after another while the reserve slot is held by
    another user's slow submit and both `default` slots run long tasks of two more users: no
    reserve slot is free, so each approval must make one running task yield. Returns the
    latencies."""
    from applications.models import ApplicationTask, TaskState
    from workers.processes import wait_until

    common.reset_engine(workers)
    approver, client = make_user("approver-busy")
    to_approve = queue(approver, "busy-approve", RESERVE_BUSY_APPROVALS, {"steps": ["fill"]})
    slow_user, slow_client = make_user("slow-submitter")
    [slow] = queue(
        slow_user, "slow-submit", 1, {"steps": ["fill"], "submit_seconds": SLOW_SUBMIT_SECONDS}
    )
    wait_for_pending([*to_approve, slow])
    long_steps = [f"step{number}" for number in range(LONG_TASK_STEPS)]
    for name in ("busy-long-a", "busy-long-b"):
        user, _ = make_user(name)
        queue(user, name, 1, {"steps": long_steps})

    def default_slots_busy() -> bool:
        running = ApplicationTask.objects.filter(
            state=TaskState.RUNNING, pause_requested_at__isnull=True
        )
        return running.count() >= 2

    wait_until(default_slots_busy, timeout=30, message="the default slots are not busy")
    approval_id = ApplicationTask.objects.values_list("approval_request__id", flat=True).get(
        pk=slow
    )
    assert slow_client.post(f"/api/approvals/{approval_id}/approve/").status_code == 200
    wait_until(
        lambda: ApplicationTask.objects.filter(pk=slow, state=TaskState.SUBMITTING).exists(),
        message="the slow submit did not start",
    )

    latencies = []
    for task_id in to_approve:
        wait_until(default_slots_busy, timeout=30, message="the default slots are not busy")
        if not ApplicationTask.objects.filter(pk=slow, state=TaskState.SUBMITTING).exists():
            raise AssertionError("the slow submit ended before the approvals were measured")
        approval_id = ApplicationTask.objects.values_list("approval_request__id", flat=True).get(
            pk=task_id
        )
        response = client.post(f"/api/approvals/{approval_id}/approve/")
        answered = time.time()
        assert response.status_code == 200, response.content
        latencies.append(wait_for_submitting(task_id, answered))
        wait_until(
            lambda task_id=task_id: ApplicationTask.objects.filter(
                pk=task_id, state=TaskState.SUBMITTED
            ).exists(),
            message=f"task {task_id} was not submitted",
        )
    return latencies


def approve_without_preemption(task_id: int) -> None:
    """The baseline's approval: APPROVED, and the submit message sent to `default` at normal
    priority — plain FIFO Celery, no reserve, no pause requests."""
    from celery import current_app
    from django.db import transaction

    from applications.models import ApplicationTask
    from applications.services import task_transition
    from approvals.models import ApprovalRequest
    from config import dispatch

    with transaction.atomic():
        approval = ApprovalRequest.objects.select_for_update().get(task_id=task_id)
        approval.approve(by=None)
        approval.save()
        task = ApplicationTask.objects.select_for_update().get(pk=task_id)
        task.celery_task_id = dispatch.new_message_id()
        task_transition(task=task, transition="approve", actor="benchmark", reason="approved")
        message_id = task.celery_task_id
    current_app.send_task(
        dispatch.SUBMIT_TASK,
        args=[task_id],
        task_id=message_id,
        queue=dispatch.QUEUE_DEFAULT,
        priority=dispatch.BROKER_PRIORITY_NORMAL,
    )


def baseline(workers) -> list[float]:
    from applications.models import ApplicationTask, TaskState
    from workers.processes import wait_until

    common.reset_engine(workers)
    user, _ = make_user("baseline")
    to_approve = queue(user, "baseline", BASELINE_APPROVALS, {"steps": ["fill"]})
    wait_for_pending(to_approve)
    queue_normal_work(BASELINE_DEPTH, prefix="baseline-other")
    wait_until(
        lambda: ApplicationTask.objects.filter(state=TaskState.RUNNING).count() >= 2,
        message="the default slots are not busy",
    )
    approved_at = {}
    for task_id in to_approve:
        approve_without_preemption(task_id)
        approved_at[task_id] = time.time()
    return [wait_for_submitting(task_id, approved_at[task_id]) for task_id in to_approve]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def main() -> None:
    arguments = common.parser(__doc__.splitlines()[0], "approval_latency.json").parse_args()
    common.setup_engine_django()
    log_dir = Path(tempfile.mkdtemp(prefix="applyline-bench-"))
    workers = common.start_workers(log_dir, env={"SIMULATED_STEP_SECONDS": str(STEP_SECONDS)})
    try:
        shallow = measure(workers, SHALLOW_DEPTH)
        reserve_busy = measure_reserve_busy(workers)
        deep = measure(workers, DEPTH)
        fifo = baseline(workers)
        latencies = deep["latencies"]
        p95 = common.percentile(latencies, 0.95)
        p95_shallow = common.percentile(shallow["latencies"], 0.95)
        baseline_p95 = common.percentile(fifo, 0.95)
        common.write_result(
            out=arguments.out,
            benchmark="approval_latency",
            params={
                "approvals": APPROVALS,
                "queued_normal_tasks": DEPTH,
                "shallow_queue": SHALLOW_DEPTH,
                "reserve_busy": (
                    f"{RESERVE_BUSY_APPROVALS} approvals while the reserve slot runs a "
                    f"{SLOW_SUBMIT_SECONDS:.0f} s submit and both default slots run long tasks"
                ),
                "step_seconds": STEP_SECONDS,
                "workers": "main: approvals+default x2, reserve: approvals x1, maintenance x1",
                "baseline": (
                    f"{BASELINE_APPROVALS} approvals sent to default at normal priority "
                    f"behind {BASELINE_DEPTH} normal tasks, no preemption, cap "
                    f"{CAP_S:.0f} s"
                ),
                "logs": str(log_dir),
            },
            results={
                "p50_ms": ms(common.percentile(latencies, 0.5)),
                "p95_ms": ms(p95),
                "max_ms": ms(max(latencies)),
                "p95_ms_depth10": ms(p95_shallow),
                "p95_ms_depth10000": ms(p95),
                "p95_ms_from_request": ms(common.percentile(deep["from_request"], 0.95)),
                "p95_ms_reserve_busy": ms(common.percentile(reserve_busy, 0.95)),
                "p50_ms_reserve_busy": ms(common.percentile(reserve_busy, 0.5)),
                "baseline_p95_over_p95": round(baseline_p95 / max(p95, 0.001), 1),
                "depth10000_over_depth10": round(p95 / max(p95_shallow, 0.001), 2),
                "pauses": deep["pauses"],
                "normal_tasks_started": deep["normal_started"],
            },
            baseline={
                "p95_ms": ms(baseline_p95),
                "p50_ms": ms(common.percentile(fifo, 0.5)),
                "capped": sum(1 for wait in fifo if wait >= CAP_S),
            },
            goals={
                "p95_ms": ("<", 100),
                "p95_ms_reserve_busy": ("<", 100),
                "baseline_p95_over_p95": (">=", 50),
                "depth10000_over_depth10": ("<=", 1.5),
            },
        )
    finally:
        try:
            common.reset_engine(workers)
        finally:
            workers.stop()
            common.teardown_django()


if __name__ == "__main__":
    main()
