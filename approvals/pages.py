"""The review page behind every approval link, `/approve/<token>/`, for people without an
account: the link is the credential. GET and HEAD change nothing but one "viewed" audit row
(mail scanners and link previews open links before people do); Approve and Reject are POSTs
with Django's CSRF protection, answered with a redirect to the same page (POST-redirect-GET).
The page follows the request and its task live: `events/` (approvals.page_events) says that
something changed, and the page then reads `status/` (JSON, with the status block rendered)
and shows it.

Every answer here says no-store, noindex, and sends no referrer to other sites, so that the
token in the address stays out of caches, search engines and the posting's site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_fsm import ConcurrentTransition

from approvals import selectors, services
from approvals.exceptions import (
    AnswersMissing,
    ApprovalClosed,
    ApprovalExpired,
    ApprovalNotFound,
    ApprovalNotReady,
    NotAnApprover,
)
from approvals.models import AuditAction
from approvals.selectors import Phase, Review
from approvals.services.audit import Via, audit_record

# What a page answers in each phase (a page of an open request answers 200).
PHASE_STATUS = {Phase.EXPIRED: 410, Phase.CANCELLED: 410, Phase.NOT_ALLOWED: 403}
MAX_COMMENT_LENGTH = 2000
# The name of a question's field in the approve form: this prefix and the question's key.
QUESTION_FIELD = "question:"
# The values a page lists first, in this order.
FIRST_FIELDS = ("first_name", "last_name", "name", "email", "phone")


def private_answer(response: HttpResponse, *, forms: bool = False) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    # No referrer at all, except from a page that carries the decision forms: from a
    # no-referrer page, browsers send `Origin: null` with a form's POST, which Django's CSRF
    # check refuses. `same-origin` still sends nothing to another site (the posting's, whose
    # link is rel="noreferrer" too).
    response["Referrer-Policy"] = "same-origin" if forms else "no-referrer"
    return response


def _urls(token: str) -> dict[str, str]:
    return {
        "page": reverse("review", args=[token]),
        "status": reverse("review-status", args=[token]),
        "events": reverse("review-events", args=[token]),
        "screenshot": reverse("review-screenshot", args=[token]),
    }


def _context(review: Review) -> dict[str, Any]:
    return {
        "review": review,
        "approval": review.approval,
        "task": review.task,
        "posting": review.posting,
        "phase": review.phase,
        "Phase": Phase,
    }


def _label(name: str) -> str:
    return str(name).replace("_", " ").strip().capitalize()


def _shown(values: dict[str, Any]) -> list[dict[str, Any]]:
    """The values filled, as the page lists them: a label, and a value or (for a group such as
    the answers) its items; the applicant's name and contact first, groups last (the database
    keeps no order of its own)."""

    def order(name: str) -> tuple[bool, int, str]:
        first = FIRST_FIELDS.index(name) if name in FIRST_FIELDS else len(FIRST_FIELDS)
        return isinstance(values[name], dict), first, name

    rows = []
    for name in sorted(values, key=order):
        value = values[name]
        if isinstance(value, dict):
            group = [(str(key), _text(item)) for key, item in value.items()]
            rows.append({"label": _label(name), "group": group})
        else:
            rows.append({"label": _label(name), "value": _text(value)})
    return rows


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else str(value)


def _render(
    request: HttpRequest,
    review: Review,
    token: str,
    *,
    problem: str = "",
    status: int = 0,
    posted: dict[str, str] | None = None,
    missing: list[str] | None = None,
) -> HttpResponse:
    """The page. After an approval refused for its answers, the questions show what was posted
    (`posted`, by question) and which are still to answer (`missing`)."""
    questions = [
        {
            **question,
            "value": (posted or {}).get(question["label"], question["value"]),
            "missing": question["label"] in (missing or []),
        }
        for question in review.questions
    ]
    context = {
        **_context(review),
        "urls": _urls(token),
        "problem": problem,
        "values": _shown(review.values),
        "questions": questions,
    }
    status = status or PHASE_STATUS.get(review.phase, 200)
    response = HttpResponse(
        render_to_string("approvals/review.html", context, request), status=status
    )
    return private_answer(response, forms=review.can_decide or review.can_answer)


def _not_found(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(render_to_string("approvals/not_found.html", {}, request), status=404)
    return private_answer(response)


@require_http_methods(["GET", "HEAD", "POST"])
def review_page(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        return _decide(request, token)
    try:
        review = selectors.review_by_token(token)
    except ApprovalNotFound:
        return _not_found(request)
    audit_record(review.approval, AuditAction.VIEWED, actor=review.link.label, via=Via.of(request))
    return _render(request, review, token)


def _decide(request: HttpRequest, token: str) -> HttpResponse:
    decision = request.POST.get("decision")
    comment = request.POST.get("comment", "").strip()
    problem, status, posted, missing = "", 0, None, None
    if decision not in ("approve", "reject", "answer"):
        problem, status = "Choose Approve or Reject.", 400
    elif len(comment) > MAX_COMMENT_LENGTH:
        problem, status = f"A comment has at most {MAX_COMMENT_LENGTH} characters.", 400
    else:
        try:
            if decision == "answer":
                services.approval_answer_by_token(
                    token=token, answer=request.POST.get("answer", ""), via=Via.of(request)
                )
            else:
                posted = _answers_posted(request, token) if decision == "approve" else {}
                services.approval_decide_by_token(
                    token=token,
                    approve=decision == "approve",
                    comment=comment,
                    via=Via.of(request),
                    answers=posted,
                )
        except ApprovalNotFound:
            return _not_found(request)
        except AnswersMissing as error:
            problem, status = error.detail, error.status_code
            missing = error.extra.get("missing", [])
        except (ApprovalClosed, ApprovalExpired, ApprovalNotReady, NotAnApprover) as error:
            problem, status = error.detail, error.status_code
        except ConcurrentTransition:
            problem, status = "Someone decided at the same moment; this is their decision.", 409
        else:
            return private_answer(HttpResponseRedirect(reverse("review", args=[token])))
    try:
        review = selectors.review_by_token(token)
    except ApprovalNotFound:
        return _not_found(request)
    return _render(
        request, review, token, problem=problem, status=status, posted=posted, missing=missing
    )


def _answers_posted(request: HttpRequest, token: str) -> dict[str, str]:
    """The questions' answers of an approve form (fields `question:<key>`), by question label,
    as the decision takes them."""
    fields = {
        name.removeprefix(QUESTION_FIELD): value
        for name, value in request.POST.items()
        if name.startswith(QUESTION_FIELD)
    }
    if not fields:
        return {}
    review = selectors.review_by_token(token)
    return {
        question["label"]: fields[question["key"]].strip()
        for question in review.questions
        if question["key"] in fields
    }


def review_status(review: Review, request: HttpRequest | None = None) -> dict[str, Any]:
    """The request and its task as the page shows them, with the status block rendered."""
    task = review.task
    data = {
        "phase": review.phase,
        "status": review.approval.status,
        "task_state": task.state,
        "outcome": review.approval.outcome,
        "last_error": task.last_error,
        "expires_at": review.approval.expires_at.isoformat(),
        "seconds_left": review.seconds_left,
        "decided_at": _iso(review.approval.decided_at),
        "submitted_at": _iso(review.submitted_at),
        "finished_at": _iso(task.finished_at),
        "required": review.required,
        "values_heading": review.values_heading,
        "approvals": review.approvals_given,
        "decisions": [
            {
                "approver": decision.label,
                "approve": decision.approve,
                "comment": decision.comment,
                "decided_at": decision.decided_at.isoformat(),
            }
            for decision in review.decisions
        ],
        "can_decide": review.can_decide,
        "can_answer": review.can_answer,
        "handoff": review.handoff,
        "final": review.is_final,
    }
    data["html"] = render_to_string("approvals/_status.html", _context(review), request)
    return data


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


@require_GET
def review_status_json(request: HttpRequest, token: str) -> HttpResponse:
    """GET /approve/<token>/status/: what the page's status block shows, as JSON. Writes
    nothing (the page asks on every event)."""
    try:
        review = selectors.review_by_token(token)
    except ApprovalNotFound as error:
        return private_answer(
            JsonResponse({"error": error.code, "detail": error.detail}, status=404)
        )
    return private_answer(JsonResponse(review_status(review, request)))


@require_GET
def review_screenshot(request: HttpRequest, token: str) -> HttpResponse:
    """The screenshot of the filled form, behind the link like the page (a MEDIA URL would
    show it to anyone)."""
    try:
        review = selectors.review_by_token(token)
    except ApprovalNotFound:
        return _not_found(request)
    media = Path(settings.MEDIA_ROOT).resolve()
    path = (media / review.screenshot).resolve()
    if not review.screenshot or not path.is_relative_to(media) or not path.is_file():
        return _not_found(request)
    return private_answer(FileResponse(path.open("rb")))
