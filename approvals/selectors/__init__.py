"""Reads of the approvals domain, one module per job:

- `requests`: a user's requests (list, one, the detail with decisions, links and audit log),
  auto-approve rules, runs, in-app notifications and notification endpoints, each scoped to
  the user asking;
- `review`: what a link's review page shows, scoped to the link (the token is the credential);
- `stats`: statistics over a date range.
"""

from approvals.selectors.requests import (
    OPEN,
    approval_detail,
    approval_get,
    approval_list,
    endpoint_list,
    notification_get,
    notification_list,
    rule_get,
    rule_list,
    run_of,
)
from approvals.selectors.review import FINAL_PHASES, Phase, Review, review_by_token
from approvals.selectors.stats import ApprovalStats, approval_stats

__all__ = [
    "FINAL_PHASES",
    "OPEN",
    "ApprovalStats",
    "Phase",
    "Review",
    "approval_detail",
    "approval_get",
    "approval_list",
    "approval_stats",
    "endpoint_list",
    "notification_get",
    "notification_list",
    "review_by_token",
    "rule_get",
    "rule_list",
    "run_of",
]
