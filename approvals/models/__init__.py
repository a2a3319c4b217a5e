"""The approvals domain's rows, one module per kind:

- requests: ApprovalRequest (its state machine), ApprovalLink (one link per approver, the
  token stored as a hash) and ApprovalDecision (one per approver);
- policies: ApprovalPolicy, who approves and what a timeout does (a user's defaults, or a run's);
- audit: AuditEntry, the append-only log of everything that happened to a request;
- rules: AutoApproveRule, a user's conditions under which a request is approved at once.
- notifications: Notification (one message to one recipient) and NotificationEndpoint (a user's
  webhooks, Slack and Apprise URLs).
"""

from approvals.models.audit import AuditAction, AuditEntry, AuditQuerySet
from approvals.models.notifications import (
    EndpointKind,
    Notification,
    NotificationChannel,
    NotificationEndpoint,
    NotificationKind,
    NotificationStatus,
)
from approvals.models.policies import ApprovalPolicy, NotifyChannel, TimeoutAction
from approvals.models.requests import (
    OPEN_STATUSES,
    ApprovalDecision,
    ApprovalLink,
    ApprovalRequest,
    ApprovalStatus,
    token_hash,
)
from approvals.models.rules import AutoApproveRule

__all__ = [
    "OPEN_STATUSES",
    "ApprovalDecision",
    "ApprovalLink",
    "ApprovalPolicy",
    "ApprovalRequest",
    "ApprovalStatus",
    "AuditAction",
    "AuditEntry",
    "AuditQuerySet",
    "AutoApproveRule",
    "EndpointKind",
    "Notification",
    "NotificationChannel",
    "NotificationEndpoint",
    "NotificationKind",
    "NotificationStatus",
    "NotifyChannel",
    "TimeoutAction",
    "token_hash",
]
