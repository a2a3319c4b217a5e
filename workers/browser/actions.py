"""Every page action of a step (a navigation, a fill, a click, an upload, a choice) goes through
`Actions`, which before each one:

1. looks for a pause request for this run (Redis only) and for the task's thread having given up
   on the step (a revoke, a stopping worker): a pause ends the step with its progress so far
   (StepYielded), so that the task pauses within a fraction of a second, not at the step's end;
2. for the actions that reach the site (a navigation, a click, which may send a form), waits
   for its turn there (pacing); typing into a page asks nothing of the site;
3. waits a moment, as a person would (BROWSER_ACTION_PAUSE_SECONDS).

It runs on the browser's thread, and so never touches the ORM.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

from django.conf import settings

from applications.services.pacing import site_of, site_request_turn
from applications.services.preemption import pause_signalled
from workers.browser.run import TaskRun
from workers.browser.runtime import WorkStopped
from workers.browser.state import state_seal
from workers.drivers import StepResult, StepYielded

SCREENSHOTS = "screenshots"


class Actions:
    def __init__(
        self, page: Any, *, run: TaskRun, stop: threading.Event, step: str, pausable: bool = True
    ) -> None:
        self.page = page
        # A submit is never paused: it goes on to its click.
        self.pausable = pausable
        self.run = run
        self.stop = stop
        self.step = step
        self.site = site_of(run.posting_url)
        # The step's progress: values filled and checkpoint keys set so far.
        self.values: dict[str, Any] = {}
        self.checkpoint: dict[str, Any] = {}
        self.count = 0
        # The step runs in a new context, the page reopened from the checkpoint: what earlier
        # steps typed into it is gone.
        self.resumed = False

    # --- Before every action -----------------------------------------------------------------

    def before(self, *, reaches_site: bool = False) -> None:
        self._look_for_interruptions()
        if reaches_site:
            site_request_turn(self.site)
        low, high = settings.BROWSER_ACTION_PAUSE_SECONDS
        if high > 0:
            self.stop.wait(random.uniform(low, high))
            self._look_for_interruptions()
        self.count += 1

    def _look_for_interruptions(self) -> None:
        if self.stop.is_set():
            raise WorkStopped("the task stopped waiting for this step")
        if self.pausable and pause_signalled(
            task_id=self.run.task_id, message_id=self.run.message_id
        ):
            raise StepYielded(self.progress())

    # --- Progress ----------------------------------------------------------------------------

    def browser_state(self, **extra: Any) -> dict[str, Any]:
        """`checkpoint["browser"]`: the sealed storage state and the page reached."""
        browser = {**self.run.browser, **self.checkpoint.get("browser", {})}
        browser.update(
            state=state_seal(self.page.context.storage_state()), url=self.page.url, **extra
        )
        return browser

    def progress(self, **browser: Any) -> StepResult:
        checkpoint = {**self.checkpoint, "browser": self.browser_state(**browser)}
        return StepResult(values=dict(self.values), checkpoint=checkpoint)

    def screenshot(self, name: str, *, full_page: bool = True) -> str:
        """A screenshot (of the full page, or of what is in view) under
        MEDIA_ROOT/screenshots/; its path relative to MEDIA_ROOT (what the review page
        serves)."""
        relative = Path(SCREENSHOTS) / f"task-{self.run.task_id}-{name}.png"
        path = Path(settings.MEDIA_ROOT) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=full_page)
        return str(relative)

    # --- The actions -------------------------------------------------------------------------

    def goto(self, url: str) -> Any:
        self.before(reaches_site=True)
        return self.page.goto(url, wait_until="domcontentloaded")

    def fill(self, locator: Any, value: str) -> None:
        self.before()
        locator.fill(value)

    def type(self, locator: Any, value: str) -> None:
        self.before()
        locator.press_sequentially(value)

    def click(self, locator: Any) -> None:
        self.before(reaches_site=True)
        locator.click()

    def press(self, locator: Any, key: str) -> None:
        self.before()
        locator.press(key)

    def upload(self, locator: Any, path: str) -> None:
        self.before()
        locator.set_input_files(path)

    def select(self, locator: Any, label: str) -> None:
        self.before()
        locator.select_option(label=label)

    def check(self, locator: Any) -> None:
        self.before()
        locator.check()
