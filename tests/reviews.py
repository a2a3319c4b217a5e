"""Approval requests for the review page's tests, and the rows the page must leave alone."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.test import Client

from applications.models import ApplicationTask, Profile
from applications.services import run_create, task_transition
from approvals.models import AuditAction
from approvals.services import Opening, approval_create, policy_save

URL = "https://jobs.lever.co/acme/1234-abcd?utm_source=mail"


def pending_review(
    user: Any,
    *,
    values: dict | None = None,
    url: str = URL,
    checkpoint: dict | None = None,
    **policy: Any,
) -> Opening:
    """A task of `user`'s for the posting at `url`, prepared with `values` filled in (and the
    other `checkpoint` keys a driver reports), waiting for approval under `policy` (the user's
    defaults); the opening holds every link's token."""
    if policy:
        policy_save(user=user, **policy)
    task = run_create(user=user, job_urls=[url]).tasks[0]
    task_transition(task=task, transition="claim", actor="test")
    task_transition(task=task, transition="prepared", actor="test")
    ApplicationTask.objects.filter(pk=task.pk).update(
        checkpoint={"steps_done": ["open", "fill"], "values": values or {}, **(checkpoint or {})}
    )
    task.refresh_from_db()
    return approval_create(task=task)


def token_of(opening: Opening, username: str) -> str:
    return next(token for link, token in opening.links if link.label == username)


def every_row() -> dict[str, list[dict]]:
    """Every row of the approvals and applications apps (the audit log's "viewed" rows apart),
    to compare before and after."""
    rows = {}
    for label in ("approvals", "applications", "jobs"):
        for model in apps.get_app_config(label).get_models():
            found = model.objects.order_by("pk")
            if model._meta.model_name == "auditentry":
                found = found.exclude(action=AuditAction.VIEWED)
            rows[model._meta.label] = list(found.values())
    return rows


def viewed_rows() -> list[dict]:
    model = apps.get_model("approvals", "AuditEntry")
    return list(model.objects.filter(action=AuditAction.VIEWED).order_by("pk").values())


def post_as_the_page(token: str, data: dict[str, str]):
    """A POST to the review page as its form makes it: the CSRF token the page gave, with the
    cookie it set."""
    page = Client(enforce_csrf_checks=True)
    shown = page.get(f"/approve/{token}/")
    assert shown.status_code == 200, shown.content.decode()
    data = {**data, "csrfmiddlewaretoken": str(shown.context["csrf_token"])}
    return page.post(f"/approve/{token}/", data)


__all__ = [
    "Profile",
    "every_row",
    "pending_review",
    "post_as_the_page",
    "token_of",
    "viewed_rows",
]
