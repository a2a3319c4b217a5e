from rest_framework import status

from config.exceptions import ApplicationError, Conflict


class ApprovalClosed(Conflict):
    """The approval was already decided (or expired) before this decision."""

    code = "approval_closed"


class ApprovalExpired(ApplicationError):
    code = "approval_expired"
    status_code = status.HTTP_410_GONE


class ApprovalNotFound(ApplicationError):
    """No approval request has this id for this user, or this link."""

    code = "not_found"
    status_code = status.HTTP_404_NOT_FOUND


class PolicyInvalid(ApplicationError):
    """A policy or an auto-approve rule that cannot work as given."""

    code = "invalid"
    status_code = status.HTTP_400_BAD_REQUEST


class NotAnApprover(ApplicationError):
    """The person deciding is not one of the request's approvers."""

    code = "not_an_approver"
    status_code = status.HTTP_403_FORBIDDEN


class RuleNameTaken(Conflict):
    """The user has an auto-approve rule of that name already."""

    code = "rule_name_taken"


class ApprovalNotReady(Conflict):
    """The request's application is not ready for this decision: it waits for the person's
    answer (a code, a CAPTCHA, a login) or is still being prepared."""

    code = "not_ready"


class AnswersMissing(ApplicationError):
    """An approval without an answer to every required question of the form (or with an
    answer the question does not take); `missing` names them."""

    code = "answers_missing"
    status_code = status.HTTP_400_BAD_REQUEST
