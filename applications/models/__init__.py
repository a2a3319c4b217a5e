"""The applications app's models, one module per kind of row: the applicant (profiles), a run
of postings (runs), each posting's task with its state machine and history (tasks), and the
(user, posting) duplicate lock (locks)."""

from applications.models.locks import Application, ApplicationStatus
from applications.models.profiles import Profile
from applications.models.runs import ApplicationRun
from applications.models.tasks import (
    ACTIVE_STATES,
    CANCELLABLE_STATES,
    FINAL_STATES,
    HOLDS_SESSION,
    WAITING,
    WAITS_FOR_SESSION,
    ApplicationTask,
    TaskEvent,
    TaskPriority,
    TaskState,
)

__all__ = [
    "ACTIVE_STATES",
    "CANCELLABLE_STATES",
    "FINAL_STATES",
    "HOLDS_SESSION",
    "WAITING",
    "WAITS_FOR_SESSION",
    "Application",
    "ApplicationRun",
    "ApplicationStatus",
    "ApplicationTask",
    "Profile",
    "TaskEvent",
    "TaskPriority",
    "TaskState",
]
