"""What a step needs from the database, read on the task's thread (the ORM's) into plain data
before the page work goes to the browser's thread, where the ORM refuses to run."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from applications.models import ApplicationTask, Profile

PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "links", "answers")


@dataclass(frozen=True)
class Applicant:
    """The values a form is filled with: the profile's, with what the checkpoint already holds
    (answers the person gave on the review page, values filled before) taking precedence."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    links: tuple[str, ...] = ()
    answers: dict[str, str] = field(default_factory=dict)
    resume_path: str = ""
    resume_name: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class TaskRun:
    task_id: int
    message_id: str
    posting_url: str
    applicant: Applicant
    checkpoint: dict[str, Any]

    @property
    def browser(self) -> dict[str, Any]:
        return self.checkpoint.get("browser") or {}

    def handoff_answer(self, *, kind: str, step: str | None = None) -> str | None:
        """The person's answer to a hand-off of this kind (of this step, when given), when
        they gave one."""
        handoff = self.checkpoint.get("handoff") or {}
        if handoff.get("kind") != kind or not handoff.get("answer"):
            return None
        if step is not None and handoff.get("step") != step:
            return None
        return str(handoff["answer"])


def task_run_read(*, task: ApplicationTask) -> TaskRun:
    """Everything the page work of a step needs, as plain data."""
    profile = (
        Profile.objects.filter(user_id=task.user_id).values(*PROFILE_FIELDS, "resume").first() or {}
    )
    checkpoint = copy.deepcopy(task.checkpoint or {})
    filled = checkpoint.get("values") or {}
    resume_path = resume_name = ""
    if profile.get("resume"):
        resume = Profile._meta.get_field("resume").storage
        resume_path = resume.path(profile["resume"])
        resume_name = profile["resume"].rsplit("/", 1)[-1]
    answers = {**(profile.get("answers") or {}), **(filled.get("answers") or {})}
    applicant = Applicant(
        **{
            name: str(filled.get(name) or profile.get(name) or "")
            for name in ("first_name", "last_name", "email", "phone")
        },
        links=tuple(profile.get("links") or ()),
        answers={str(label): str(value) for label, value in answers.items()},
        resume_path=resume_path,
        resume_name=resume_name,
    )
    return TaskRun(
        task_id=task.pk,
        message_id=task.celery_task_id,
        posting_url=task.job.url,
        applicant=applicant,
        checkpoint=checkpoint,
    )
