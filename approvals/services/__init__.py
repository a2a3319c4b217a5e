"""Writes of the approvals domain, one module per job:

- `opening`: a prepared task's request, under the policy in force, with one link per approver.
- `deciding`: an approver's decision, by link or signed in; the quorum.
- `closing`: a request's end written with its task's transition (the submit published).
- `handoffs`: a step that needs the person (a code, a CAPTCHA, a login) asks them by the
  request's links; their answer puts the task back in the queue.
- `questions`: the form's questions the profile could not answer, answered with an approval.
- `timeouts`: the deadline's action (approve, reject, escalate) and the reminder, by the sweeps.
- `cancelling`: a cancelled task's request.
- `policies`: a user's and a run's approval policy, checked, and the copy a request keeps.
- `rules`: auto-approve rules, tried when a request is made, and saving them.
- `conditions`: a rule's conditions: their fields, how each operator compares, what is refused.
- `notifying`: telling approvers (e-mail, webhooks, Slack, Apprise, in the app): one row and
  one message per recipient, sent once, retried with backoff.
- `channels`: how each channel sends one notification.
- `endpoints`: a user's webhooks, Slack and Apprise URLs.
- `audit`: the append-only log's rows.
- `tokens`: link tokens, hashed and sealed.
"""

from approvals.services.deciding import approval_decide, approval_decide_by_token, link_by_token
from approvals.services.handoffs import approval_answer_by_token, approval_ask_person
from approvals.services.notifying import (
    NotificationRetry,
    notification_mark_read,
    notification_send,
    notifications_resend_lost,
)
from approvals.services.opening import Opening, approval_create, approval_new, approval_request_open
from approvals.services.policies import policy_get, policy_in_force, policy_save
from approvals.services.timeouts import approvals_remind_due, approvals_time_out_due

__all__ = [
    "NotificationRetry",
    "Opening",
    "approval_answer_by_token",
    "approval_ask_person",
    "approval_create",
    "approval_decide",
    "approval_decide_by_token",
    "approval_new",
    "approval_request_open",
    "approvals_remind_due",
    "approvals_time_out_due",
    "link_by_token",
    "notification_mark_read",
    "notification_send",
    "notifications_resend_lost",
    "policy_get",
    "policy_in_force",
    "policy_save",
]
