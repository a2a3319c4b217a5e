"""A worker stopped gracefully pauses the work it runs before it exits: the task goes back to
the queue from its checkpoint under a new message, and the next worker resumes it without
redoing a step. Stopped the three usual ways: SIGTERM to the worker (docker stop, systemd,
kill), Ctrl-C on a worker in a terminal (SIGINT to its whole process group, pool processes
included), and Ctrl-C on `make demo` (honcho sends SIGTERM to each process's group and SIGKILL
five seconds later)."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from applications.models import ApplicationTask, TaskState
from applications.services import task_transition
from applications.services.preemption import PAUSED_FOR_STOP
from config.celery import app
from workers.interrupts import STOP_SIGNAL, listen_for_stop
from workers.services import prepare_application

from .conftest import WORKER_ENV, wait_until
from .helpers import events, make_user, queue_tasks, step_log, urls, wait_for_state

ROOT = Path(__file__).resolve().parents[2]
STEPS = ["open", "login", "fill", "answer", "review"]
SLOW = {"steps": STEPS, "step_seconds": 1}
INSTANT = {"steps": STEPS, "step_seconds": 0}
# A worker's blocking pop already under way when its consumer is cancelled ends within kombu's
# BRPOP timeout (1 s).
BRPOP_SECONDS = 1.5
# Well within honcho's five seconds between SIGTERM and SIGKILL.
PAUSE_WITHIN_SECONDS = 4


def worker_command(name: str) -> list[str]:
    return [
        *(sys.executable, "-m", "celery", "-A", "config", "worker", "-n", f"{name}@%h"),
        *("-Q", "default", "-c", "1", "--loglevel", "INFO", "--without-mingle", "--without-gossip"),
    ]


def worker_env() -> dict[str, str]:
    return {**os.environ, **WORKER_ENV, "REDIS_URL": settings.REDIS_URL}


def wait_for_ping(name: str) -> None:
    node = f"{name}@{socket.gethostname()}"
    wait_until(
        lambda: app.control.ping(destination=[node], timeout=0.5),
        timeout=60,
        message=f"worker {node} did not answer a ping",
    )


def start_worker(name: str, log_dir: Path) -> subprocess.Popen:
    """One worker consuming default with one slot, in a process group of its own (as a shell
    starts a command), logging to `log_dir`."""
    log = open(log_dir / f"worker-{name}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        worker_command(name),
        cwd=ROOT,
        env=worker_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        process_group=0,
    )
    wait_for_ping(name)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


@pytest.fixture
def only_private_workers_prepare(engine, tmp_path):
    """The session's workers stop taking prepare messages for the test: the workers it starts
    and stops itself are the only ones."""
    main = engine.node("main")
    app.control.cancel_consumer("default", destination=[main], reply=True)
    time.sleep(BRPOP_SECONDS)
    started: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        started.append(start_worker(name, tmp_path))
        return started[-1]

    yield start
    for process in started:
        stop(process)
    app.control.add_consumer("default", destination=[main], reply=True)


def running_with_steps_done(task: ApplicationTask) -> ApplicationTask:
    wait_until(
        lambda: ApplicationTask.objects.filter(
            pk=task.pk, state=TaskState.RUNNING, checkpoint__steps_done__0__isnull=False
        ).exists(),
        message=f"task {task.pk} never ran a step",
    )
    return ApplicationTask.objects.get(pk=task.pk)


def assert_paused_for_the_stop(task: ApplicationTask, running: ApplicationTask) -> None:
    paused = wait_for_state(task, TaskState.QUEUED, timeout=PAUSE_WITHIN_SECONDS)
    done = paused.checkpoint["steps_done"]
    assert done == STEPS[: len(done)]
    assert len(done) >= len(running.checkpoint["steps_done"])
    assert len(done) < len(STEPS)
    assert paused.celery_task_id not in ("", running.celery_task_id)
    assert paused.priority == 100
    assert events(task)[-1].reason == PAUSED_FOR_STOP


def assert_resumed_without_redoing_a_step(task: ApplicationTask) -> None:
    prepared = wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=30)
    assert prepared.checkpoint["steps_done"] == STEPS
    assert step_log(task) == STEPS
    assert [event.transition for event in events(task)] == [
        "claim",
        "requeue",
        "claim",
        "prepared",
    ]


def test_a_worker_sent_sigterm_pauses_its_task_before_it_exits(only_private_workers_prepare):
    user, _ = make_user("stella")
    stopping = only_private_workers_prepare("stopping")
    [task] = queue_tasks(user, urls("stop-term", 1), simulate=SLOW)
    running = running_with_steps_done(task)

    stopping.send_signal(signal.SIGTERM)

    assert_paused_for_the_stop(task, running)
    assert stopping.wait(10) == 0
    only_private_workers_prepare("resuming")
    assert_resumed_without_redoing_a_step(task)


def test_ctrl_c_on_a_worker_pauses_its_task_before_it_exits(only_private_workers_prepare):
    user, _ = make_user("sid")
    stopping = only_private_workers_prepare("stopping")
    [task] = queue_tasks(user, urls("stop-int", 1), simulate=SLOW)
    running = running_with_steps_done(task)

    # What the terminal sends on Ctrl-C: SIGINT to every process of the foreground group.
    os.killpg(stopping.pid, signal.SIGINT)

    assert_paused_for_the_stop(task, running)
    # Celery exits with EX_FAILURE after a Ctrl-C; what matters is that it was not killed.
    assert stopping.wait(10) >= 0
    only_private_workers_prepare("resuming")
    assert_resumed_without_redoing_a_step(task)


def test_a_worker_told_to_stop_at_once_still_pauses_its_task(
    only_private_workers_prepare, tmp_path
):
    user, _ = make_user("quinn")
    stopping = only_private_workers_prepare("stopping")
    [task] = queue_tasks(user, urls("stop-quit", 1), simulate=SLOW)
    running = running_with_steps_done(task)

    # A cold shutdown: Celery stops its pool, which sends the pool processes SIGTERM.
    stopping.send_signal(signal.SIGQUIT)

    assert_paused_for_the_stop(task, running)
    assert stopping.wait(10) >= 0
    assert "raised:" not in (tmp_path / "worker-stopping.log").read_text()
    only_private_workers_prepare("resuming")
    assert_resumed_without_redoing_a_step(task)


def test_ctrl_c_on_honcho_pauses_a_workers_task_before_it_is_killed(
    only_private_workers_prepare, tmp_path
):
    user, _ = make_user("hana")
    procfile = tmp_path / "Procfile"
    procfile.write_text("worker: " + " ".join(worker_command("stopping")) + "\n")
    output = open(tmp_path / "honcho.log", "w")  # noqa: SIM115
    honcho = subprocess.Popen(
        [str(Path(sys.executable).parent / "honcho"), "start", "-f", str(procfile), "-d", ROOT],
        cwd=ROOT,
        env=worker_env(),
        stdout=output,
        stderr=subprocess.STDOUT,
        process_group=0,
    )
    try:
        wait_for_ping("stopping")
        [task] = queue_tasks(user, urls("stop-honcho", 1), simulate=SLOW)
        running = running_with_steps_done(task)

        honcho.send_signal(signal.SIGINT)

        assert_paused_for_the_stop(task, running)
        honcho.wait(15)
    finally:
        stop(honcho)
    # The worker exited on its own, before honcho's SIGKILL.
    assert "sending SIGKILL" not in (tmp_path / "honcho.log").read_text()
    only_private_workers_prepare("resuming")
    assert_resumed_without_redoing_a_step(task)


# In-process: the worker's services against the real database and Redis, no worker needed.


@contextlib.contextmanager
def stop_signals_sent() -> Iterator[None]:
    """Send this process the pool's stop signal every 0.1 s, as a stopping worker's main process
    would (once) at any moment; outside a task it is ignored, as in a pool process."""
    previous = signal.getsignal(STOP_SIGNAL)
    listen_for_stop()
    done = threading.Event()

    def send() -> None:
        while not done.wait(0.1):
            os.kill(os.getpid(), STOP_SIGNAL)

    sender = threading.Thread(target=send)
    sender.start()
    try:
        yield
    finally:
        done.set()
        sender.join()
        signal.signal(STOP_SIGNAL, previous)


def test_a_paused_task_waiting_for_its_users_submit_pauses_again_when_its_worker_stops(owner):
    approved, waiting = queue_tasks(owner, urls("stop-wait", 2), simulate=INSTANT)
    assert prepare_application(task_id=approved.pk, message_id=approved.celery_task_id)
    task_transition(task=ApplicationTask.objects.get(pk=approved.pk), transition="approve")
    # Paused earlier for the approved task, and published again: it waits for that submit.
    ApplicationTask.objects.filter(pk=waiting.pk).update(
        celery_task_id="message-1", yield_to=[approved.pk]
    )

    started = time.monotonic()
    with stop_signals_sent():
        assert prepare_application(task_id=waiting.pk, message_id="message-1") == "paused"

    assert time.monotonic() - started < 5
    waiting = ApplicationTask.objects.get(pk=waiting.pk)
    assert waiting.state == TaskState.QUEUED
    assert waiting.celery_task_id not in ("", "message-1")
    assert waiting.yield_to == [approved.pk]
    assert events(waiting)[-1].reason == PAUSED_FOR_STOP
    assert step_log(waiting) == []
