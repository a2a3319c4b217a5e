"""Throughput: 5,000 postings end to end to SUBMITTED with zero-time steps, each approved as soon
as it is pending, against bare Celery running a chain of two no-op tasks per posting.

    .venv/bin/python bench/throughput.py --out bench/results/throughput.json

Both run on the same Redis with the same worker processes: `main` (two slots), `reserve` (one)
and `maintenance` (one). The engine's run starts with ingestion (50 users x 100 postings through
`run_create`) and ends when the last task is SUBMITTED; the benchmark approves through
`approval_decide`, as the approve endpoint does, polling for pending approvals. The baseline
runs first, on a quiet machine; its run starts with the first publish and ends when the last
chain's second task has run.

Where the time goes: the CPU seconds each process group used during the engine's run
(PostgreSQL, Redis, workers, the approving benchmark), and, in-process, the queries per posting
and a cProfile of the worker's code paths for a sample of postings.
"""

import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

POSTINGS = 5_000
USERS = 50
PROFILED_POSTINGS = 200
STEPS = ["open", "login", "fill", "answer", "review"]
# How often the benchmark, standing in for the user, looks for approvals to give, and counts
# the submitted tasks.
POLL_SECONDS = 0.02
COUNT_SECONDS = 0.1


def cpu_seconds_by_group(worker_pids: set[int]) -> dict[str, float]:
    """CPU seconds (user + system) used so far by PostgreSQL, Redis, the Celery workers (the
    given main processes and their children) and this process."""
    ticks = os.sysconf("SC_CLK_TCK")
    groups = {"postgres": 0.0, "redis": 0.0, "workers": 0.0, "benchmark": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        pid, parent = int(entry.name), int(fields[1])
        used = (int(fields[11]) + int(fields[12])) / ticks
        if name.startswith("postgres"):
            groups["postgres"] += used
        elif name.startswith("redis"):
            groups["redis"] += used
        elif pid in worker_pids or parent in worker_pids:
            groups["workers"] += used
        elif pid == os.getpid():
            groups["benchmark"] += used
    return groups


def ingest(postings: int) -> None:
    from applications.services import applicant_create, run_create

    per_user = postings // USERS
    for number in range(USERS):
        user, _ = applicant_create(username=f"user{number}", password="bench-password")
        links = [
            f"https://boards.greenhouse.io/co{number}/jobs/{posting}" for posting in range(per_user)
        ]
        run_create(user=user, job_urls=links)


def approve_pending() -> int:
    """Approve every approval now pending; returns how many."""
    from approvals.models import ApprovalRequest, ApprovalStatus
    from approvals.services import approval_decide

    pending = list(
        ApprovalRequest.objects.filter(status=ApprovalStatus.PENDING).select_related("user")
    )
    for approval in pending:
        approval_decide(approval_id=approval.pk, user=approval.user, approve=True)
    return len(pending)


def engine_run(workers, postings: int) -> dict:
    from applications.models import ApplicationTask, TaskEvent, TaskState

    common.reset_engine(workers)
    worker_pids = {process.pid for process in workers.processes.values()}
    cpu_before = cpu_seconds_by_group(worker_pids)
    started = time.perf_counter()
    ingest(postings)
    submitted = 0
    deadline = started + 1200
    counted_at = 0.0
    while submitted < postings:
        if approve_pending() == 0:
            time.sleep(POLL_SECONDS)
        # Counting is the benchmark's own work, not the engine's: done a few times a second.
        now = time.perf_counter()
        if now - counted_at >= COUNT_SECONDS:
            submitted = ApplicationTask.objects.filter(state=TaskState.SUBMITTED).count()
            counted_at = now
        if now > deadline:
            raise AssertionError(f"only {submitted} of {postings} submitted in 20 minutes")
    wall = counted_at - started
    cpu_after = cpu_seconds_by_group(worker_pids)
    not_submitted = ApplicationTask.objects.exclude(state=TaskState.SUBMITTED).count()
    assert not_submitted == 0, f"{not_submitted} tasks did not end SUBMITTED"
    pauses = TaskEvent.objects.filter(transition="requeue").count()
    return {
        "wall_s": wall,
        "cpu_s": {name: round(cpu_after[name] - cpu_before[name], 1) for name in cpu_before},
        "pauses": pauses,
    }


def baseline_run(log_dir: Path, postings: int) -> float:
    """Bare Celery: `postings` chains of two no-op tasks; seconds from the first publish to the
    last task."""
    from celery import chain
    from django.conf import settings

    os.environ["BARE_BROKER_URL"] = settings.REDIS_URL
    import bare_celery

    from workers.processes import WorkerPool, engine_layout, wait_until

    counter = bare_celery.done_counter
    layout = {
        name: ["-Q", bare_celery.QUEUE, *arguments[2:]]
        for name, arguments in engine_layout().items()
    }
    pool = WorkerPool(
        log_dir / "bare",
        layout=layout,
        env={"PYTHONPATH": str(common.ROOT / "bench"), "BARE_BROKER_URL": settings.REDIS_URL},
        app=bare_celery.app,
        app_module="bare_celery",
    )
    (log_dir / "bare").mkdir(exist_ok=True)
    pool.start()
    try:
        counter.delete(bare_celery.DONE_KEY)
        started = time.perf_counter()
        with bare_celery.app.producer_or_acquire() as producer:
            for number in range(postings):
                chain(bare_celery.first.si(number), bare_celery.second.si(number)).apply_async(
                    producer=producer
                )
        wait_until(
            lambda: int(counter.get(bare_celery.DONE_KEY) or 0) >= postings,
            timeout=1200,
            interval=0.01,
            message="the bare chains did not all run",
        )
        return time.perf_counter() - started
    finally:
        pool.stop()


def profile_in_process() -> dict:
    """Run PROFILED_POSTINGS postings through the worker's own code paths in this process (no
    broker hop), counting queries and profiling: what one posting costs, and where."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from applications.models import ApplicationTask
    from applications.services import applicant_create, run_create
    from approvals.services import approval_decide
    from workers.services import prepare_application, submit_application

    user, _ = applicant_create(username="profiled", password="bench-password")
    links = [f"https://boards.greenhouse.io/prof/jobs/{n}" for n in range(PROFILED_POSTINGS)]
    run = run_create(user=user, job_urls=links).run
    # The messages are published on commit; they are not consumed here (workers are stopped).
    tasks = list(ApplicationTask.objects.filter(run=run).order_by("pk"))
    queries = {"prepare": 0, "approve": 0, "submit": 0}
    profiler = cProfile.Profile()
    started = time.perf_counter()
    for task in tasks:
        # The user's next task got its message id when the one before it was prepared.
        message_id = task.__class__.objects.values_list("celery_task_id", flat=True).get(pk=task.pk)
        with CaptureQueriesContext(connection) as captured:
            profiler.enable()
            prepare_application(task_id=task.pk, message_id=message_id)
            profiler.disable()
        queries["prepare"] += len(captured)
        approval = task.__class__.objects.get(pk=task.pk).approval_request
        with CaptureQueriesContext(connection) as captured:
            profiler.enable()
            approval_decide(approval_id=approval.pk, user=user, approve=True)
            profiler.disable()
        queries["approve"] += len(captured)
        message_id = task.__class__.objects.values_list("celery_task_id", flat=True).get(pk=task.pk)
        with CaptureQueriesContext(connection) as captured:
            profiler.enable()
            submit_application(task_id=task.pk, message_id=message_id)
            profiler.disable()
        queries["submit"] += len(captured)
    wall = time.perf_counter() - started
    return {
        "postings": PROFILED_POSTINGS,
        "ms_per_posting": round(wall / PROFILED_POSTINGS * 1000, 2),
        "queries_per_posting": {
            name: round(count / PROFILED_POSTINGS, 1) for name, count in queries.items()
        },
        "share_of_time": time_shares(profiler),
        "top": top_functions(profiler),
    }


def time_shares(profiler: cProfile.Profile) -> dict[str, float]:
    """The profiled time split by where it was spent (own time of each function, grouped by
    the library it belongs to)."""
    stats = pstats.Stats(profiler)
    groups = {
        "postgres (psycopg, waiting on the server)": ("psycopg",),
        "django orm (query building, model instances)": ("django/db",),
        "redis and kombu (publishing, slot and step keys)": ("redis/", "kombu/", "amqp/"),
        "celery (building messages)": ("celery/",),
        "django-fsm (transitions)": ("django_fsm",),
        "applyline code": ("applications/", "approvals/", "workers/", "config/", "jobs/"),
    }
    totals = dict.fromkeys(groups, 0.0)
    totals["other (python, stdlib)"] = 0.0
    overall = 0.0
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():
        overall += own
        for group, markers in groups.items():
            if any(marker in filename for marker in markers):
                totals[group] += own
                break
        else:
            totals["other (python, stdlib)"] += own
    return {group: round(own / overall, 3) for group, own in totals.items() if overall}


def top_functions(profiler: cProfile.Profile, count: int = 12) -> list[str]:
    output = io.StringIO()
    stats = pstats.Stats(profiler, stream=output)
    stats.sort_stats("tottime").print_stats(count)
    lines = [line.strip() for line in output.getvalue().splitlines() if line.strip()]
    header = next(n for n, line in enumerate(lines) if line.startswith("ncalls"))
    return lines[header + 1 : header + 1 + count]


def main() -> None:
    arguments = common.parser(__doc__.splitlines()[0], "throughput.json")
    arguments.add_argument("--postings", type=int, default=POSTINGS)
    arguments = arguments.parse_args()
    os.environ["SIMULATED_STEP_SECONDS"] = "0"
    common.setup_engine_django()
    log_dir = Path(tempfile.mkdtemp(prefix="applyline-bench-"))
    try:
        # The baseline first, on a quiet machine: run after the engine, it would share the
        # machine with PostgreSQL's clean-up of the engine's writes (autovacuum).
        baseline_wall = baseline_run(log_dir, arguments.postings)
        print(f"baseline: {baseline_wall:.1f} s", flush=True)
        workers = common.start_workers(log_dir, env={"SIMULATED_STEP_SECONDS": "0"})
        try:
            engine = engine_run(workers, arguments.postings)
            print("engine:", engine, flush=True)
        finally:
            try:
                common.reset_engine(workers)
            finally:
                workers.stop()
        profile = profile_in_process()
        jobs_per_s = arguments.postings / engine["wall_s"]
        baseline_jobs_per_s = arguments.postings / baseline_wall
        common.write_result(
            out=arguments.out,
            benchmark="throughput",
            params={
                "postings": arguments.postings,
                "users": USERS,
                "steps": STEPS,
                "step_seconds": 0,
                "workers": "main x2, reserve x1, maintenance x1 (both runs)",
                "baseline": "bare Celery, chain(first.si(n), second.si(n)) per posting",
                "logs": str(log_dir),
            },
            results={
                "jobs_per_s": round(jobs_per_s, 1),
                "wall_s": round(engine["wall_s"], 1),
                "share_of_baseline": round(jobs_per_s / baseline_jobs_per_s, 3),
                "pauses": engine["pauses"],
                "cpu_s_during_run": engine["cpu_s"],
                "profile": profile,
            },
            baseline={
                "jobs_per_s": round(baseline_jobs_per_s, 1),
                "wall_s": round(baseline_wall, 1),
            },
            goals={"share_of_baseline": (">=", 0.25)},
        )
    finally:
        from workers.processes import clear_broker_keys

        clear_broker_keys(common.redis_client())
        common.teardown_django()


if __name__ == "__main__":
    main()
