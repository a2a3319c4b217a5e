"""Drivers fill in and submit an application. The engine calls a driver between its own
bookkeeping; a driver knows nothing of queues or states.

`SimulatedDriver` stands in for a browser in tests and benchmarks: each step takes a set time
and can be told to fail, and the "job site" it submits to is a Redis set, so that whether an
application exists can be asked afterwards, as a real site adapter would.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import redis
from django.conf import settings
from django.utils.module_loading import import_string

from applications.models import ApplicationTask, Profile


class StepFailed(Exception):
    """A step could not be done; the task fails with this message."""


class SimulatedBrowserError(Exception):
    """What the simulated driver raises where a browser would fail unexpectedly (a crash, a
    lost connection): an error the engine knows nothing about."""


@dataclass
class StepResult:
    """What a step leaves behind. `values`: what it filled in, merged into the checkpoint's
    `values`. `checkpoint`: other checkpoint keys it sets, each replaced whole — `browser` (the
    page reached and the encrypted storage state), `screenshot` (a path under MEDIA_ROOT),
    `questions` (required questions the profile could not answer), `unplaced` (profile values
    no field on the page took), `posting` (company and title as the page gives them)."""

    values: dict[str, Any] = field(default_factory=dict)
    checkpoint: dict[str, Any] = field(default_factory=dict)


class StepYielded(Exception):
    """A pause request seen between page actions: the step stopped early, its progress so far
    in `progress`, to be recorded before the task pauses; the step itself is redone on resume,
    from that progress."""

    def __init__(self, progress: StepResult) -> None:
        super().__init__("paused between page actions")
        self.progress = progress


class NeedsPerson(Exception):
    """The page asks for what only the person can give: `kind` is "code" (an e-mailed or
    two-factor code), "captcha" or "login"; `prompt` says what to do, shown on the review page
    with the screenshot in `progress.checkpoint["screenshot"]`. The task waits for the answer
    without a worker slot, then redoes this step with `checkpoint["handoff"]["answer"]`."""

    def __init__(self, *, kind: str, prompt: str, progress: StepResult) -> None:
        super().__init__(prompt)
        self.kind = kind
        self.prompt = prompt
        self.progress = progress


class SiteSessionExpired(StepFailed):
    """The site's session ended (signed out, timed out) and cannot be restored: the task goes
    EXPIRED with this message, and nothing is submitted."""


class AlreadyAppliedOnSite(StepFailed):
    """The site says this application exists already (applied outside Applyline, or by an
    earlier click): no second submission; the message carries the site's words."""


class Driver(Protocol):
    def steps(self, task: ApplicationTask) -> list[str]: ...

    def run_step(self, task: ApplicationTask, step: str) -> StepResult:
        """Do one step (or, after a pause, the rest of it, from the checkpoint). Raises
        StepFailed, StepYielded, NeedsPerson, SiteSessionExpired or AlreadyAppliedOnSite."""

    def submit(self, task: ApplicationTask) -> None:
        """The final click, confirmed from the page. Raises SiteSessionExpired or
        AlreadyAppliedOnSite before any click when the page says so."""

    def was_submitted(self, task: ApplicationTask) -> bool | None:
        """Ask the site whether the application exists: True, False, or None when it cannot
        tell."""

    def finish(self, task: ApplicationTask) -> None:
        """The task's prepare or submit is over, however it ended: let go of what it held
        (its browser context)."""


@functools.cache
def get_driver() -> Driver:
    return import_string(settings.APPLICATION_DRIVER)()


# Keys of the simulated site, in the Redis of REDIS_URL.
SIM_STEP_LOG = "applyline:sim:steps:{task_id}"
SIM_SUBMITTED = "applyline:sim:submitted"
SIM_CLICKS = "applyline:sim:clicks:{task_id}"
SIM_STARTED = "applyline:sim:started:{task_id}:{step}"
SIM_SUBMIT_RAISED = "applyline:sim:submit-raised:{task_id}"
SIM_TTL_SECONDS = 24 * 3600
# The simulated step that fills in the form, and the profile fields it fills (with the saved
# answers).
FILL_STEP = "fill"
FILLED_FIELDS = ("first_name", "last_name", "email", "phone", "location", "current_company")
# The checkpoint keys the simulated `fill` step reports from its options.
SIM_REPORTED = ("questions", "unplaced", "warnings")


class SimulatedDriver:
    """Its `fill` step fills in the applicant's profile (name, e-mail, phone, saved answers),
    which become the checkpoint's `values`. Options come from settings (SIMULATED_STEPS,
    SIMULATED_STEP_SECONDS) and, per task, from `checkpoint["simulate"]`: `steps`,
    `step_seconds`, `fail_at` (a step name), `submit_seconds`, `outcome_unknown` (the site
    cannot tell whether it was submitted), `slow_once` ({step: seconds}: a step that hangs the
    first time it runs only, as a stuck page would), `submit_raises_once` ("before_click" or
    "after_click": the first submit raises, before the click reaches the site or after it has),
    `site_unreachable` (asking the site raises), `session_expired` and `already_applied_on_site`
    (a step name, or "submit": there the site says its session ended, or that the application
    exists, before any click), `posting` ({company, title}: what every step reads off the page,
    as `checkpoint["posting"]`), `needs_person` ({"step", "kind", "prompt", "answer",
    "screenshot"}: the step asks the person, raising NeedsPerson until the checkpoint's
    `handoff` holds an answer for it, and again while that answer is not `answer`, when given),
    and `questions`, `unplaced`, `warnings` (set by the `fill` step, as a browser's adapter
    would report what it could not answer or place)."""

    def __init__(self) -> None:
        self.redis = redis.Redis.from_url(settings.REDIS_URL)

    def _options(self, task: ApplicationTask) -> dict[str, Any]:
        return task.checkpoint.get("simulate", {})

    def steps(self, task: ApplicationTask) -> list[str]:
        return list(self._options(task).get("steps", settings.SIMULATED_STEPS))

    def run_step(self, task: ApplicationTask, step: str) -> StepResult:
        options = self._options(task)
        seconds = float(options.get("step_seconds", settings.SIMULATED_STEP_SECONDS))
        if step in options.get("slow_once", {}) and self._first_run(task, step):
            seconds = float(options["slow_once"][step])
        if seconds > 0:
            time.sleep(seconds)
        if options.get("fail_at") == step:
            raise StepFailed(f"Simulated failure at step {step!r}.")
        self._site_answers(options, step)
        self._ask_person_unless_answered(task, step, options.get("needs_person"))
        key = SIM_STEP_LOG.format(task_id=task.pk)
        if self.redis.rpush(key, step) == 1:
            self.redis.expire(key, SIM_TTL_SECONDS)
        posting = options.get("posting")
        checkpoint = {"posting": dict(posting)} if isinstance(posting, dict) else {}
        if step != FILL_STEP:
            return StepResult(checkpoint=checkpoint)
        reported = {name: options[name] for name in SIM_REPORTED if name in options}
        return StepResult(values=self._filled(task), checkpoint={**checkpoint, **reported})

    def _site_answers(self, options: dict[str, Any], where: str) -> None:
        """What the simulated site says at a step or at the submit, before any click."""
        if options.get("session_expired") == where:
            raise SiteSessionExpired("Simulated: the site signed you out.")
        if options.get("already_applied_on_site") == where:
            raise AlreadyAppliedOnSite("Simulated: you have already applied to this job.")

    def _ask_person_unless_answered(
        self, task: ApplicationTask, step: str, need: dict[str, Any] | None
    ) -> None:
        """The simulated page that asks for a code or a CAPTCHA: NeedsPerson until the hand-off
        of this step is answered (with the expected answer, when one is given)."""
        if not need or need.get("step") != step:
            return
        handoff = task.checkpoint.get("handoff") or {}
        answer = handoff.get("answer") if handoff.get("step") == step else None
        kind = need.get("kind", "code")
        prompt = need.get("prompt", f"Enter the {kind} the site asks for.")
        if answer is not None:
            expected = need.get("answer")
            if expected is None or str(answer).strip() == str(expected):
                return
            prompt = f"The site did not accept {answer!r}. {prompt}"
        progress = StepResult(
            checkpoint={
                "screenshot": need.get("screenshot", ""),
                "browser": {"page": step, "storage_state": f"simulated:{task.pk}"},
            }
        )
        raise NeedsPerson(kind=kind, prompt=prompt, progress=progress)

    def _filled(self, task: ApplicationTask) -> dict[str, Any]:
        """What the simulated form is filled with: the applicant's profile (what they left empty
        is left out), as a browser's
        adapter would type it in (the review page shows these values). Empty without one."""
        profile = (
            Profile.objects.filter(user_id=task.user_id).values(*FILLED_FIELDS, "answers").first()
        )
        if profile is None:
            return {}
        filled = {name: profile[name] for name in FILLED_FIELDS if profile[name]}
        if profile["answers"]:
            filled["answers"] = profile["answers"]
        return filled

    def _first_run(self, task: ApplicationTask, step: str) -> bool:
        key = SIM_STARTED.format(task_id=task.pk, step=step)
        return bool(self.redis.set(key, 1, nx=True, ex=SIM_TTL_SECONDS))

    def submit(self, task: ApplicationTask) -> None:
        options = self._options(task)
        seconds = float(options.get("submit_seconds", 0))
        if seconds > 0:
            time.sleep(seconds)
        self._site_answers(options, "submit")
        raises = options.get("submit_raises_once")
        if raises == "before_click":
            self._raise_once(task, "before the click reached the site")
        pipeline = self.redis.pipeline(transaction=False)
        pipeline.sadd(SIM_SUBMITTED, task.pk)
        pipeline.incr(SIM_CLICKS.format(task_id=task.pk))
        pipeline.execute()
        if raises == "after_click":
            self._raise_once(task, "after the click reached the site")

    def _raise_once(self, task: ApplicationTask, when: str) -> None:
        key = SIM_SUBMIT_RAISED.format(task_id=task.pk)
        if self.redis.set(key, 1, nx=True, ex=SIM_TTL_SECONDS):
            raise SimulatedBrowserError(f"Simulated browser crash {when}.")

    def was_submitted(self, task: ApplicationTask) -> bool | None:
        if self._options(task).get("site_unreachable"):
            raise SimulatedBrowserError("Simulated: the site did not answer.")
        if self._options(task).get("outcome_unknown"):
            return None
        return bool(self.redis.sismember(SIM_SUBMITTED, task.pk))

    def finish(self, task: ApplicationTask) -> None:
        pass
