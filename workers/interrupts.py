"""When a worker may be interrupted. `revoke(terminate=True, signal="SIGUSR1")` raises
SoftTimeLimitExceeded inside the task wherever it happens to be; a task accepts that only
inside a driver step, where the pause path can take over cleanly. Everywhere else — its own
bookkeeping, and the whole of a submit — the signal waits (blocked, not lost) until the work
is recorded."""

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress

INTERRUPT_SIGNAL = signal.SIGUSR1


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {INTERRUPT_SIGNAL})
    try:
        yield
    finally:
        # A signal that arrived meanwhile is delivered here, after the work is recorded.
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def interrupts_allowed() -> Iterator[None]:
    previous = signal.pthread_sigmask(signal.SIG_UNBLOCK, {INTERRUPT_SIGNAL})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# A worker stopping gracefully (SIGTERM or Ctrl-C on the worker, `make demo` stopped) tells its
# pool processes with this signal: a task they run pauses at its next step boundary (RUNNING →
# QUEUED from its checkpoint) instead of being left RUNNING for the stale sweep.
STOP_SIGNAL = signal.SIGUSR2
_stopping = False


def _note_stop(signum, frame) -> None:
    global _stopping
    _stopping = True


def listen_for_stop() -> None:
    """In a pool process: note the stop signal (worker_process_init)."""
    signal.signal(STOP_SIGNAL, _note_stop)


def stop_requested() -> bool:
    return _stopping


def tell_pool_to_stop(pool_pids: list[int]) -> None:
    """In the worker's main process, as it shuts down: every pool process is told to stop."""
    for pid in pool_pids:
        with suppress(ProcessLookupError):
            os.kill(pid, STOP_SIGNAL)
