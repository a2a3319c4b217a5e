"""`BrowserDriver`: the Driver (workers.drivers) that fills and submits applications in Chromium.

Each call reads what it needs from the database on the task's thread (workers.browser.run),
then hands the page work to this process's browser thread (workers.browser.runtime) and waits.
A task run has its own browser context, kept across its steps and closed by `finish`; a resumed
or recovered run starts a new one from the storage state sealed in its checkpoint and goes on
from the page the checkpoint names.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from applications.models import ApplicationTask
from workers.browser.actions import Actions
from workers.browser.adapters import adapter_for
from workers.browser.run import TaskRun, task_run_read
from workers.browser.runtime import WorkStopped, browser_thread
from workers.browser.sites import same_site
from workers.browser.state import state_unseal
from workers.drivers import StepFailed, StepResult
from workers.interrupts import WorkerStopping

logger = logging.getLogger(__name__)

STEPS = ("open", "fill", "review")
SUBMIT_STEP = "submit"
VIEWPORT = {"width": 1280, "height": 900}
# Blocked requests remembered per context (shown in the checkpoint), at most.
BLOCKED_KEPT = 20


@dataclass
class RunContext:
    """A task run's browser context and page (on the browser's thread only)."""

    message_id: str
    context: Any
    page: Any
    blocked: list[str] = field(default_factory=list)


class BrowserDriver:
    def __init__(self) -> None:
        # Task id → its run's context. Touched on the browser's thread only.
        self._contexts: dict[int, RunContext] = {}
        # A context and page opened ahead, never used, for the next run that has no session to
        # restore: opening one (Chromium starts a renderer for its page) is a good part of a
        # short prepare, and is done while the engine does its bookkeeping between tasks.
        self._spare: tuple[Any, Any] | None = None

    def steps(self, task: ApplicationTask) -> list[str]:
        return list(STEPS)

    def run_step(self, task: ApplicationTask, step: str) -> StepResult:
        if step not in STEPS:
            raise StepFailed(f"The browser has no step {step!r}.")
        run = task_run_read(task=task)
        adapter = adapter_for(run.posting_url)

        def work(browser: Any) -> StepResult:
            entry = self._context(browser, run, purpose=run.message_id)
            actions = Actions(entry.page, run=run, stop=stop, step=step)
            if step != "open" and entry.page.url == "about:blank":
                # A new context for a run resumed after a pause: back where the checkpoint is.
                actions.resumed = True
                actions.goto(run.browser.get("url") or adapter.form_url(run))
                adapter.reach_form(actions)
            getattr(adapter, step)(actions)
            result = actions.progress(blocked=list(entry.blocked))
            return result

        stop = threading.Event()
        return self._on_browser(task, work, stop)

    def submit(self, task: ApplicationTask) -> None:
        run = task_run_read(task=task)
        adapter = adapter_for(run.posting_url)
        stop = threading.Event()

        def work(browser: Any) -> None:
            entry = self._context(browser, run, purpose=f"{SUBMIT_STEP}:{run.message_id}")
            actions = Actions(entry.page, run=run, stop=stop, step=SUBMIT_STEP, pausable=False)
            adapter.submit(actions, run.applicant)

        self._on_browser(task, work, stop)

    def was_submitted(self, task: ApplicationTask) -> bool | None:
        run = task_run_read(task=task)
        return adapter_for(run.posting_url).lookup(run)

    def finish(self, task: ApplicationTask) -> None:
        task_id = task.pk
        runtime = browser_thread()
        dropped = runtime.run(lambda browser: self._drop(task_id))
        if dropped is not None and not dropped.message_id.startswith(SUBMIT_STEP):
            # After a prepare, the next task is most likely another prepare (a submit restores
            # its task's session, and has no use for a spare).
            runtime.post(self._open_spare)

    # --- Helpers -----------------------------------------------------------------------------

    def _on_browser(self, task: ApplicationTask, work: Any, stop: threading.Event) -> Any:
        """Run page work on the browser's thread. Interrupted meanwhile, the step's context is
        dropped (on that thread, once the work stopped) before the interruption goes on."""
        task_id = task.pk
        runtime = browser_thread()
        try:
            return runtime.run(work, stop=stop)
        except (SoftTimeLimitExceeded, WorkerStopping):
            runtime.post(lambda browser: self._drop(task_id))
            raise
        except WorkStopped as error:
            raise StepFailed(str(error)) from error
        except Exception as error:
            if _is_playwright_error(error):
                raise StepFailed(f"The page did not do what was expected: {error}") from error
            raise

    def _context(self, browser: Any, run: TaskRun, *, purpose: str) -> RunContext:
        entry = self._contexts.get(run.task_id)
        if entry is not None and entry.message_id == purpose and not entry.page.is_closed():
            return entry
        self._drop(run.task_id)
        state = state_unseal(run.browser.get("state"))
        spare, self._spare = self._spare, None
        if state is None and spare is not None and not spare[1].is_closed():
            context, page = spare
        else:
            if spare is not None:
                self._close(spare[0])
            context = browser.new_context(storage_state=state, viewport=VIEWPORT)
            page = None
        context.set_default_timeout(settings.BROWSER_ACTION_TIMEOUT_SECONDS * 1000)
        context.set_default_navigation_timeout(settings.BROWSER_NAVIGATION_TIMEOUT_SECONDS * 1000)
        entry = RunContext(message_id=purpose, context=context, page=None)

        def guard(route: Any) -> None:
            if same_site(run.posting_url, route.request.url):
                route.continue_()
                return
            if len(entry.blocked) < BLOCKED_KEPT:
                entry.blocked.append(route.request.url)
            route.abort("blockedbyclient")

        context.route("**/*", guard)
        entry.page = page or context.new_page()
        self._contexts[run.task_id] = entry
        return entry

    def _drop(self, task_id: int) -> RunContext | None:
        entry = self._contexts.pop(task_id, None)
        if entry is not None:
            self._close(entry.context)
        return entry

    def _open_spare(self, browser: Any) -> None:
        if self._spare is None or self._spare[1].is_closed():
            context = browser.new_context(viewport=VIEWPORT)
            self._spare = (context, context.new_page())

    def _close(self, context: Any) -> None:
        try:
            context.close()
        except Exception:
            logger.warning("could not close a browser context", exc_info=True)


def _is_playwright_error(error: BaseException) -> bool:
    from playwright.sync_api import Error

    return isinstance(error, Error)
