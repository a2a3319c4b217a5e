"""When a worker may be interrupted, and what a pool process does when its worker stops.

`revoke(terminate=True, signal="SIGUSR1")` raises SoftTimeLimitExceeded inside the task wherever
it happens to be; a task accepts that only inside a driver step, where the pause path can take
over cleanly. Everywhere else — its own bookkeeping, and the whole of a submit — the signal
waits (blocked, not lost) until the work is recorded.

A worker that stops gracefully must not leave its tasks RUNNING for the stale sweep: a prepare
pauses (RUNNING → QUEUED from its checkpoint) and a submit finishes its click. A pool process
hears of the stop in one of two ways:

- SIGTERM to the process itself. honcho (`make demo`), systemd and `kill -- -PGID` signal the
  worker's whole process group; billiard's own handler would end the pool process at once, in
  the middle of the task, so while a task runs the signal is ours.
- SIGUSR2 from the worker's main process, when only that was told (docker stop, `kill PID`):
  config/celery.py sends it as the worker shuts down.

Inside a driver step either one interrupts the step at once (WorkerStopping; the step is redone
on resume), so that the task is paused well within honcho's five seconds before SIGKILL;
elsewhere it is noted, and the task pauses before its next step. A stop is about the task
running when it arrives: an idle pool process ignores SIGUSR2 (SIGTERM ends it, as billiard
means), and the next task starts afresh. A cold shutdown (SIGQUIT, a second Ctrl-C) sends the
pool processes SIGTERM too. A SIGTERM to one busy pool process alone (`revoke(terminate=True)`
with its default signal) pauses its prepare in the same way, and the process carries on.
"""

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

INTERRUPT_SIGNAL = signal.SIGUSR1
STOP_SIGNAL = signal.SIGUSR2
STOP_SIGNALS = (signal.SIGTERM, STOP_SIGNAL)


class WorkerStopping(Exception):
    """Raised inside a driver step when the worker is stopping: the task pauses."""


_in_task = False
_in_step = False
_stopping = False


def _note_stop(signum, frame) -> None:
    global _stopping
    if not _in_task:
        return
    _stopping = True
    if _in_step:
        raise WorkerStopping(f"the worker is stopping (signal {signal.Signals(signum).name})")


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """The whole of a prepare or a submit: the revoke's signal waits, and a stop signal is
    noted (stop_requested)."""
    global _in_task, _stopping
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {INTERRUPT_SIGNAL})
    # Signal handlers belong to the main thread (a pool process runs its tasks there).
    previous_handlers = (
        {number: signal.signal(number, _note_stop) for number in STOP_SIGNALS}
        if threading.current_thread() is threading.main_thread()
        else {}
    )
    _stopping = False
    _in_task = True
    try:
        yield
    finally:
        _in_task = False
        _stopping = False
        for number, handler in previous_handlers.items():
            signal.signal(number, handler)
        # A revoke's signal that arrived meanwhile is delivered here, after the work is recorded.
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)


@contextmanager
def interrupts_allowed() -> Iterator[None]:
    """A driver step: the revoke's signal and a stop interrupt it. A stop noted before the step
    interrupts it before it begins."""
    global _in_step
    previous_mask = signal.pthread_sigmask(signal.SIG_UNBLOCK, {INTERRUPT_SIGNAL})
    _in_step = True
    try:
        if _stopping:
            raise WorkerStopping("the worker is stopping")
        yield
    finally:
        _in_step = False
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)


def stop_requested() -> bool:
    """Whether the worker was told to stop during the task running now."""
    return _stopping


def listen_for_stop() -> None:
    """In a pool process (worker_process_init): SIGUSR2 would end it by default; it is noted
    while a task runs and ignored otherwise."""
    signal.signal(STOP_SIGNAL, _note_stop)


def tell_pool_to_stop(pool_pids: list[int]) -> None:
    """In the worker's main process, as it shuts down: every pool process is told to stop."""
    for pid in pool_pids:
        with suppress(ProcessLookupError):
            os.kill(pid, STOP_SIGNAL)
