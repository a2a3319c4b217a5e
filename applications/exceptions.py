from config.exceptions import ApplicationError, Conflict


class DuplicateApplication(Conflict):
    """The user already applied to this posting, or an application to it is under way."""

    def __init__(self, *, status: str, application_id: int | None, detail: str) -> None:
        super().__init__(detail, extra={"status": status, "application_id": application_id})
        self.status = status
        self.application_id = application_id


class InvalidJobUrls(ApplicationError):
    code = "invalid_url"


class TaskActionNotAllowed(Conflict):
    code = "transition_not_allowed"


class TaskLost(Exception):
    """The row changed under a running worker (cancelled, or taken over by another message):
    the worker stops quietly."""


class SubmitUnderWay(Exception):
    """A paused task's user still has the approved work it yielded to unsubmitted: the session
    is that submit's, and the task resumes once it is over."""

    def __init__(self, user_id: int) -> None:
        super().__init__(f"User {user_id} has a submit under way.")
        self.user_id = user_id
