"""When a worker may be interrupted. `revoke(terminate=True, signal="SIGUSR1")` raises
SoftTimeLimitExceeded inside the task wherever it happens to be; a task accepts that only
inside a driver step, where the pause path can take over cleanly. Everywhere else — its own
bookkeeping, and the whole of a submit — the signal waits (blocked, not lost) until the work
is recorded."""

import signal
from collections.abc import Iterator
from contextlib import contextmanager

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
