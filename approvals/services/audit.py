"""The audit log's rows: every creation, view, decision, timeout, escalation, cancellation and
notification of a request, with who and from where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from approvals.models import ApprovalRequest, AuditEntry

SYSTEM_ACTOR = "system:approvals"
SWEEP_ACTOR = "system:sweep"


@dataclass(frozen=True)
class Via:
    """Where an action came from: the client's address and user agent (empty for the system)."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def of(cls, request: HttpRequest | None) -> Via:
        if request is None:
            return cls()
        return cls(
            ip=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
        )


SYSTEM = Via()


def audit_entry(
    approval: ApprovalRequest,
    action: str,
    *,
    actor: str,
    via: Via = SYSTEM,
    old_status: str = "",
    new_status: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """An audit row, not yet saved: the caller writes it with the change it records (in the
    same statement where it can)."""
    return AuditEntry(
        request=approval,
        action=action,
        actor=actor[:300],
        ip=via.ip,
        user_agent=via.user_agent,
        old_status=old_status,
        new_status=new_status,
        comment=comment,
        data=data or {},
    )


def audit_record(approval: ApprovalRequest, action: str, **fields: Any) -> AuditEntry:
    entry = audit_entry(approval, action, **fields)
    entry.save()
    return entry
