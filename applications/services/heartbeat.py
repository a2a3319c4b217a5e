"""A submit's heartbeat while its click runs.

The stale sweep takes a SUBMITTING task whose heartbeat is older than STALE_TASK_SECONDS for
one whose worker is gone, and hands it to a site check; a click that takes longer than that
must therefore keep its heartbeat fresh. One thread per worker process does it, started with
the process's first click and kept: it wakes every HEARTBEAT_SECONDS / 2 and refreshes the
heartbeat of the click under way once that has run for HEARTBEAT_SECONDS / 2, so the heartbeat
of a click is never older than HEARTBEAT_SECONDS. A click shorter than that costs nothing but
two assignments: no thread is started or waited for per click, which on a busy machine would
hold the worker's slot for as long as the scheduler takes to run the thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from applications import statements
from applications.models import ApplicationTask, TaskState

logger = logging.getLogger(__name__)


class _ClickWatch:
    """The click under way in this process (the task, and when it started), and the thread
    that keeps its heartbeat."""

    def __init__(self) -> None:
        self.clicking: tuple[ApplicationTask, float] | None = None
        self.thread: threading.Thread | None = None
        self.owner_pid: int | None = None

    def start_thread(self) -> None:
        # A pool process forked from one that had a thread does not have it: start one anew.
        if self.thread is not None and self.owner_pid == os.getpid() and self.thread.is_alive():
            return
        self.owner_pid = os.getpid()
        self.thread = threading.Thread(target=self._beat, name="click-heartbeat", daemon=True)
        self.thread.start()

    def _beat(self) -> None:
        interval = settings.HEARTBEAT_SECONDS / 2
        while True:
            time.sleep(interval)
            clicking = self.clicking
            if clicking is None or time.monotonic() - clicking[1] < interval:
                continue
            task = clicking[0]
            try:
                close_old_connections()
                statements.write_heartbeat(task, state=TaskState.SUBMITTING, now=timezone.now())
            except Exception:
                logger.exception("task %s: the heartbeat during the click failed", task.pk)


_watch = _ClickWatch()


@contextlib.contextmanager
def task_heartbeat_while_clicking(task: ApplicationTask) -> Iterator[None]:
    """Keep the heartbeat of a SUBMITTING task fresh while the click runs (guarded by its
    message id: a submit taken over by another message is no longer refreshed)."""
    _watch.start_thread()
    _watch.clicking = (task, time.monotonic())
    try:
        yield
    finally:
        _watch.clicking = None
