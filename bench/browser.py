"""Real applications in a real browser: prepare and submit demo-board postings of mixed form
styles in Chromium with two worker slots, and approvals that arrive while every slot runs a
browser prepare.

    .venv/bin/python bench/browser.py --out bench/results/browser.json

The engine runs as in production (`main`: approvals + default, two slots; `reserve`:
approvals only, one slot; `maintenance`), with the Playwright driver, against the demo board
started as its own process (tests/board.py). Human pauses between page actions are off in the
measured runs, so that the figures are the browser's and the engine's.

- `prepare_p50_s`, `prepare_p95_s`: from a task's claim to PENDING_APPROVAL, for POSTINGS
  postings (Greenhouse both forms, Lever, Ashby, the multi-step form) of four users (one browser
  session each), so that both slots work.
- `submit_p50_s`, `submit_p95_s`: from the approve call's response to SUBMITTED (the click
  confirmed from the page), the approvals made one after another.
- `worker_peak_rss_mb`: the most memory the `main` worker's process tree (the worker, its pool
  processes, their Playwright drivers and Chromium) held at once, sampled every 0.2 s.
- `chromium_processes_after`: Chromium and Playwright-driver processes (zombies too) left once
  the workers have stopped.
- `approval_start_p95_s`: APPROVALS_UNDER_LOAD approvals, each made while both `default` slots
  run browser prepares, one of them the approver's own (their one session): from the approve
  call's response to SUBMITTING, which the approver's own prepare must first yield to at its
  next page action. These workers pause 0.2-0.4 s between page actions, as a person would, so
  that a prepare lasts long enough to be running when the approval comes.

Baseline, same run: the same postings prepared with Chromium launched for each task and closed
after it (bench/naive_browser.py), `prepare_p50_s`.
"""

import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from approval_setup import make_user

POSTINGS = 20
USERS = 4
APPROVALS_UNDER_LOAD = 10
CAP_S = 60.0
PROCESS_NAMES = ("chromium", "chrome", "headless_shell", "node")
STYLES = [
    "/greenhouse/acme-robotics/jobs/{number}",
    "/greenhouse/embed/job_app?for=initrode&token={number}",
    "/lever/globex/{uuid}",
    "/ashby/initech/{uuid}",
    "/careers/hooli/platform-engineer-{number}",
]
ANSWERS = {
    "Are you legally authorized to work in the United States?": "Yes",
    "Do you require visa sponsorship?": "No",
    "Are you open to working on-site three days a week?": "Yes",
    "What is your favourite data structure, and why?": "The B-tree: it keeps disks busy.",
}


def links(board_url: str, count: int, start: int) -> list[str]:
    return [
        board_url + STYLES[number % len(STYLES)].format(number=start + number, uuid=uuid.uuid4())
        for number in range(count)
    ]


def applicant(name: str):
    from django.core.files.base import ContentFile

    from applications.models import Profile

    user, client = make_user(name)
    profile = Profile.objects.get(user=user)
    profile.first_name, profile.last_name = "Ada", name.title()
    profile.email = f"{name}@bench.example"
    profile.phone = "+1 415 555 0100"
    profile.location, profile.current_company = "London", "Analytical Engines"
    profile.links = ["https://www.linkedin.com/in/ada"]
    profile.answers = ANSWERS
    profile.resume.save(f"{name}.pdf", ContentFile((common.ROOT / RESUME).read_bytes()))
    profile.save()
    return user, client


RESUME = "applications/demo/dana-demo-resume.pdf"


def queue(user, urls: list[str]) -> list[int]:
    from applications.models import ApplicationTask
    from applications.services import run_create

    result = run_create(user=user, job_urls=urls)
    assert result.run is not None, result.warnings
    return list(
        ApplicationTask.objects.filter(run=result.run).order_by("pk").values_list("pk", flat=True)
    )


def event_time(task_id: int, transition: str) -> float | None:
    from applications.models import TaskEvent

    created = (
        TaskEvent.objects.filter(task_id=task_id, transition=transition)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return created.timestamp() if created else None


def wait_for_states(task_ids: list[int], states: set[str], timeout: float) -> None:
    from applications.models import ApplicationTask
    from workers.processes import wait_until

    def done() -> bool:
        found = ApplicationTask.objects.filter(pk__in=task_ids).values_list("state", flat=True)
        return all(state in states for state in found)

    try:
        wait_until(done, timeout=timeout, interval=0.1)
    except AssertionError:
        stuck = ApplicationTask.objects.filter(pk__in=task_ids).exclude(state__in=states)
        raise AssertionError(
            [(task.pk, task.state, task.last_error) for task in stuck[:5]]
        ) from None


def prepare_seconds(task_ids: list[int]) -> list[float]:
    """Claim (the last one, after any pause) to PENDING_APPROVAL, per task."""
    return [event_time(pk, "prepared") - event_time(pk, "claim") for pk in task_ids]


def wait_for_event(task_id: int, transition: str, since: float) -> float:
    while True:
        at = event_time(task_id, transition)
        if at is not None and at >= since - 1:
            return max(0.0, at - since)
        if time.time() - since > CAP_S:
            return CAP_S
        time.sleep(0.005)


def approve(client, task_id: int) -> float:
    """Approve the task's request through the API; the time of the response."""
    from applications.models import ApplicationTask

    approval_id = ApplicationTask.objects.values_list("approval_request__id", flat=True).get(
        pk=task_id
    )
    response = client.post(f"/api/approvals/{approval_id}/approve/")
    assert response.status_code == 200, response.content
    return time.time()


# --- Processes ----------------------------------------------------------------------------


def tree_of(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(parents.get(pid, []))
    return found


def rss_mb(pids: list[int]) -> float:
    total_kib = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
        except OSError:
            continue
    return total_kib / 1024


def browser_processes() -> set[int]:
    """Chromium and Playwright-driver processes on the machine, zombies included."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "comm").read_text().strip().lower()
            except OSError:
                continue
            if any(name in command for name in PROCESS_NAMES):
                found.add(int(entry.name))
    return found


class PeakMemory:
    """The peak RSS of a process tree, sampled on a thread."""

    def __init__(self, root: int) -> None:
        self.root, self.peak, self._stop = root, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, rss_mb(tree_of(self.root)))


def start_workers(log_dir: Path, board_url: str, media: Path, **env: str):
    return common.start_workers(
        log_dir,
        env={
            "APPLICATION_DRIVER": "workers.browser.BrowserDriver",
            "DEMO_BOARD_URL": board_url,
            "MEDIA_ROOT": str(media),
            "BROWSER_ACTION_PAUSE_SECONDS": "0,0",
            "SITE_LIMITS": '{"*": {}}',
            "PYTHONPATH": str(common.ROOT / "bench"),
            **env,
        },
    )


# --- The cases ----------------------------------------------------------------------------


def measure_prepare_and_submit(workers, board_url: str, start: int) -> dict:
    common.reset_engine(workers)
    people = [applicant(f"warm{number}") for number in range(USERS)]
    urls = links(board_url, POSTINGS, start)
    owners = {}
    for number, (user, client) in enumerate(people):
        owners.update(dict.fromkeys(queue(user, urls[number::USERS]), client))
    task_ids = list(owners)
    with PeakMemory(workers.processes["main"].pid) as memory:
        wait_for_states(task_ids, {"pending_approval"}, timeout=600)
        prepares = prepare_seconds(task_ids)
        submits = []
        for pk in task_ids:
            answered = approve(owners[pk], pk)
            submits.append(wait_for_event(pk, "mark_submitted", answered))
    return {"prepares": prepares, "submits": submits, "peak_rss_mb": memory.peak}


def measure_baseline(workers, board_url: str, start: int) -> list[float]:
    common.reset_engine(workers)
    people = [applicant(f"naive{number}") for number in range(USERS)]
    urls = links(board_url, POSTINGS, start)
    task_ids: list[int] = []
    for number, (user, _) in enumerate(people):
        task_ids += queue(user, urls[number::USERS])
    wait_for_states(task_ids, {"pending_approval"}, timeout=900)
    return prepare_seconds(task_ids)


def measure_approvals_under_load(workers, board_url: str, start: int) -> list[float]:
    """Each approver has one prepared task; for each approval, the approver starts a browser
    prepare of their own and another user keeps the other slot busy with one; the approval is
    made once both run."""
    from applications.models import ApplicationTask, TaskState
    from workers.processes import wait_until

    common.reset_engine(workers)
    approvers = [applicant(f"approver{number}") for number in range(APPROVALS_UNDER_LOAD)]
    other, _ = applicant("busy")
    to_approve = {
        user.pk: queue(user, links(board_url, 1, start + 100 * index))[0]
        for index, (user, _) in enumerate(approvers)
    }
    wait_for_states(list(to_approve.values()), {"pending_approval"}, timeout=600)
    latencies = []
    for index, (user, client) in enumerate(approvers):
        own = queue(user, links(board_url, 1, start + 100 * index + 50))[0]
        busy = queue(other, links(board_url, 1, start + 100 * index + 70))[0]

        def both_running(own=own, busy=busy) -> bool:
            running = ApplicationTask.objects.filter(
                pk__in=[own, busy], state=TaskState.RUNNING, pause_requested_at__isnull=True
            )
            return running.count() == 2

        wait_until(both_running, timeout=120, interval=0.02, message="both slots never ran")
        # Well into their page actions.
        time.sleep(0.5)
        answered = approve(client, to_approve[user.pk])
        latencies.append(wait_for_event(to_approve[user.pk], "start_submit", answered))
        wait_for_states([to_approve[user.pk]], {"submitted"}, timeout=120)
        wait_for_states([own, busy], {"pending_approval"}, timeout=300)
    return latencies


def main() -> None:
    arguments = common.parser(__doc__.splitlines()[0], "browser.json").parse_args()
    common.setup_engine_django()
    from tests.board import launch_board

    before = browser_processes()
    board = launch_board()
    folder = Path(tempfile.mkdtemp(prefix="bench-browser-"))
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    from django.conf import settings

    settings.MEDIA_ROOT = folder / "media"
    start = int(time.time()) % 100_000 * 1000
    try:
        workers = start_workers(folder / "warm", board.url, folder / "media")
        try:
            warm = measure_prepare_and_submit(workers, board.url, start)
        finally:
            workers.stop()
        time.sleep(2)
        left = browser_processes() - before

        workers = start_workers(
            folder / "naive",
            board.url,
            folder / "media",
            APPLICATION_DRIVER="naive_browser.BrowserPerTaskDriver",
        )
        try:
            baseline = measure_baseline(workers, board.url, start + 20_000)
        finally:
            workers.stop()

        workers = start_workers(
            folder / "load",
            board.url,
            folder / "media",
            BROWSER_ACTION_PAUSE_SECONDS="0.2,0.4",
        )
        try:
            under_load = measure_approvals_under_load(workers, board.url, start + 40_000)
        finally:
            workers.stop()
    finally:
        board.stop()
        common.teardown_django()

    results = {
        "prepare_p50_s": round(common.median(warm["prepares"]), 3),
        "prepare_p95_s": round(common.percentile(warm["prepares"], 0.95), 3),
        "submit_p50_s": round(common.median(warm["submits"]), 3),
        "submit_p95_s": round(common.percentile(warm["submits"], 0.95), 3),
        "worker_peak_rss_mb": round(warm["peak_rss_mb"], 1),
        "chromium_processes_after": len(left),
        "approval_start_p50_s": round(common.median(under_load), 3),
        "approval_start_p95_s": round(common.percentile(under_load, 0.95), 3),
    }
    baseline_figures = {"prepare_p50_s": round(common.median(baseline), 3)}
    results["warm_speedup"] = round(baseline_figures["prepare_p50_s"] / results["prepare_p50_s"], 2)
    common.write_result(
        out=arguments.out,
        benchmark="browser",
        params={
            "postings": POSTINGS,
            "users": USERS,
            "styles": [style.split("/")[1] for style in STYLES],
            "main_slots": 2,
            "approvals_under_load": APPROVALS_UNDER_LOAD,
        },
        results=results,
        baseline=baseline_figures,
        goals={
            "prepare_p95_s": ("<", 3.0),
            "submit_p95_s": ("<", 1.5),
            "warm_speedup": (">=", 2.0),
            "chromium_processes_after": ("==", 0),
            "approval_start_p95_s": ("<", 1.0),
        },
    )


if __name__ == "__main__":
    main()
