"""One Chromium per process, owned by one thread of its own.

Playwright's sync API is neither thread-safe nor fork-safe, and it runs an event loop on the
thread that uses it, where Django's ORM refuses to run. So each process that drives a browser
(a worker's pool process) has one `BrowserThread`: it starts Playwright and Chromium on its first
piece of work, keeps them for the next, relaunches Chromium when it is no longer connected, and
closes both when the process exits. The task's own thread (the ORM's) hands it work and waits.

After a fork the child has no such thread (threads do not survive a fork): the runtime notices
its pid changed and starts one of its own, never touching the parent's Playwright.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from django.conf import settings

from workers.browser.reaping import children_of
from workers.interrupts import INTERRUPT_SIGNAL

logger = logging.getLogger(__name__)

T = TypeVar("T")
# How often a waiting task thread wakes to let a signal's handler run (a signal the kernel gave
# to another thread is handled by the main thread only at its next wake-up).
WAIT_SLICE_SECONDS = 0.05
CHROMIUM_ARGS = [
    # As root in a container Chromium's sandbox cannot start.
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-extensions",
]


class WorkStopped(Exception):
    """Raised on the browser's thread at a page action once the waiting task gave up on it."""


class BrowserThread:
    """The thread that owns this process's Playwright and Chromium. `run(work)` calls
    `work(browser)` on it and returns what it returns (or raises what it raised)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="browser", daemon=True)
        self._playwright: Any = None
        self._browser: Any = None
        self._driver_pid: int | None = None
        self._closed = threading.Event()
        self.launches = 0
        self._thread.start()

    # --- On the task's thread ----------------------------------------------------------------

    def run(self, work: Callable[[Any], T], *, stop: threading.Event | None = None) -> T:
        """Do `work` on the browser's thread and wait for it. Interrupted while waiting (a
        revoke's SoftTimeLimitExceeded, a WorkerStopping), the work is told to stop at its next
        page action (`stop`), waited for a moment, and the interruption goes on up."""
        future: Future = Future()
        self._jobs.put((work, future))
        try:
            while True:
                try:
                    return future.result(timeout=WAIT_SLICE_SECONDS)
                except TimeoutError:
                    continue
        except BaseException:
            if future.done():
                raise
            if stop is not None:
                stop.set()
            deadline = time.monotonic() + settings.BROWSER_STOP_WAIT_SECONDS
            while not future.done() and time.monotonic() < deadline:
                time.sleep(WAIT_SLICE_SECONDS)
            raise

    def post(self, work: Callable[[Any], Any]) -> None:
        """Queue `work` for the browser's thread without waiting for it (what an interrupted
        step leaves to be cleaned up)."""
        self._jobs.put((work, Future()))

    def close(self) -> None:
        """Close Chromium and Playwright on their thread, and end it; from this process only."""
        if os.getpid() != self.pid or not self._thread.is_alive():
            return
        self._jobs.put(None)
        self._closed.wait(timeout=10)

    def browser_pid(self) -> int | None:
        """The process id of the Playwright driver this thread started (Chromium is its
        child), while it runs."""
        return self._driver_pid

    # --- On the browser's thread -------------------------------------------------------------

    def _loop(self) -> None:
        # A revoke's signal must reach the task's thread, which blocks it outside a step: given
        # to this thread, its handler would run on the task's thread in the middle of its
        # bookkeeping.
        signal.pthread_sigmask(signal.SIG_BLOCK, {INTERRUPT_SIGNAL})
        try:
            while True:
                job = self._jobs.get()
                if job is None:
                    break
                work, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(work(self._connected_browser()))
                except BaseException as error:
                    future.set_exception(error)
        finally:
            self._shut_down()
            self._closed.set()

    def _connected_browser(self) -> Any:
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        if self._playwright is None:
            from playwright.sync_api import sync_playwright

            before = {pid for pid, _, _ in children_of(os.getpid())}
            self._playwright = sync_playwright().start()
            started = [pid for pid, _, _ in children_of(os.getpid()) if pid not in before]
            self._driver_pid = started[0] if started else None
        if self._browser is not None:
            logger.warning("the browser was disconnected; starting another")
        self._browser = self._playwright.chromium.launch(
            executable_path=settings.CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        self.launches += 1
        return self._browser

    def _shut_down(self) -> None:
        for closing in (self._browser, self._playwright):
            if closing is None:
                continue
            try:
                closing.close() if closing is self._browser else closing.stop()
            except Exception:
                logger.warning("could not close the browser cleanly", exc_info=True)
        self._browser = self._playwright = self._driver_pid = None


_current: BrowserThread | None = None
_current_lock = threading.Lock()


def browser_thread() -> BrowserThread:
    """This process's browser thread, started on first use (and again in a forked child)."""
    global _current
    with _current_lock:
        if _current is None or _current.pid != os.getpid():
            # A parent's thread (inherited through a fork) is not ours to close.
            _current = BrowserThread()
        return _current


def close_browser() -> None:
    """Close this process's browser, if it started one (worker_process_shutdown, atexit)."""
    global _current
    with _current_lock:
        current, _current = _current, None
    if current is not None:
        current.close()


atexit.register(close_browser)
