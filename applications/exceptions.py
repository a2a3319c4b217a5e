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
