"""Pages every style shares: the job list, the lookup, and the answers for a dead session, a bad
CSRF token and a repeated application.

Texts the adapters read (exact):
- Session gone, on a POST that takes an application: status 401, `<h1>Your session has
  expired</h1>`; the script-driven forms (Greenhouse current, Ashby) get JSON
  `{"error": "session_expired", "detail": ...}`.
- CSRF token missing or wrong: status 403, `<h1>Forbidden</h1>` (JSON `{"error": "csrf_failed"}`
  when the request asks for JSON).
- A repeat (same posting, same e-mail): status 409, `<h1>You have already applied to this
  job</h1>` and `<p id="already-applied">You applied on <time datetime=ISO>YYYY-MM-DD</time>.</p>`;
  JSON `{"error": "already_applied", "detail": "You have already applied to this job (on
  YYYY-MM-DD).", "applied_at": ISO, "submission": id}`.
- Lookup, `GET /lookup/?posting=<posting link or path>&email=<e-mail>`:
  `<div id="lookup-result" data-found="true" data-submission-id="<id>" data-created-at="<ISO>">`
  with `<h1>Application found</h1>`, or `data-found="false"` with `<h1>No application found</h1>`;
  a link that is no posting of the board: status 400, `data-found="unknown"`,
  `<h1>Unknown posting</h1>`.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from demo_board.postings import STYLE_NAMES, Posting, example_postings, posting_from_path
from demo_board.services import (
    ALREADY_APPLIED,
    AlreadyApplied,
    Upload,
    submission_find,
    submission_record,
)

SESSION_EXPIRED = "Your session has expired"


def session_required(*, as_json: bool = False):
    """Marks a view that takes applications: BoardSessionMiddleware starts the session on its
    pages and refuses its POSTs once the session is gone."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        wrapped.board_session_required = "json" if as_json else "html"
        return wrapped

    return decorate


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def message_page(
    request: HttpRequest, *, title: str, lines: list[str], status: int = 200, **extra
) -> HttpResponse:
    return render(
        request,
        "demo_board/message.html",
        {"heading": title, "lines": lines, **extra},
        status=status,
    )


def session_expired(request: HttpRequest, *, as_json: bool) -> HttpResponse:
    detail = "Your session has expired. Open the posting again and start over."
    if as_json:
        return JsonResponse({"error": "session_expired", "detail": detail}, status=401)
    return message_page(
        request,
        title=SESSION_EXPIRED,
        lines=["Your application was not sent. Open the posting again and start over."],
        status=401,
        box_id="session-expired",
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    detail = "The form's security token is missing or wrong. Reload the page and try again."
    if wants_json(request):
        return JsonResponse({"error": "csrf_failed", "detail": detail}, status=403)
    return message_page(request, title="Forbidden", lines=[detail], status=403, box_id="csrf")


def already_applied(request: HttpRequest, error: AlreadyApplied, *, as_json: bool) -> HttpResponse:
    submission = error.submission
    if as_json:
        return JsonResponse(
            {
                "error": "already_applied",
                "detail": error.detail,
                "applied_at": submission.created_at.isoformat(),
                "submission": submission.id,
            },
            status=409,
        )
    return render(
        request,
        "demo_board/already_applied.html",
        {"heading": ALREADY_APPLIED, "submission": submission},
        status=409,
    )


REQUIRED = "This field is required."


def field_errors(values: dict[str, str], *, required: list[str], email: str = "") -> dict:
    """{field: message} for the required fields left blank and an e-mail that is not one."""
    errors = {name: REQUIRED for name in required if not values.get(name, "").strip()}
    if email and email not in errors:
        try:
            validate_email(values.get(email, "").strip())
        except ValidationError:
            errors[email] = "Enter a valid e-mail address."
    return errors


def choice_error(value: str, choices: list[str] | tuple[str, ...], *, required: bool) -> str:
    if not value:
        return "Please select an option." if required else ""
    return "" if value in choices else "Please select one of the options."


def remember_application(request: HttpRequest, posting: Posting, submission_id: int) -> None:
    """The confirmation page shows only in the session that applied."""
    request.session[f"applied:{posting.path}"] = submission_id


def applied_here(request: HttpRequest, posting: Posting) -> bool:
    return f"applied:{posting.path}" in request.session


def application_send(
    request: HttpRequest,
    *,
    posting: Posting,
    form: str,
    email: str,
    values: dict,
    uploads: list[Upload],
    confirmation: str = "",
    as_json: bool = False,
    progress_key: str = "",
) -> HttpResponse:
    """Record a valid application and answer as the form expects: a redirect to its
    confirmation page, or for the script-driven forms JSON `{"ok", "submission", "redirect"}`;
    the already-applied answer when the posting has this address's application already.
    `progress_key`: where a multi-page form keeps its progress in the session, dropped once the
    application is recorded (the form starts afresh)."""
    try:
        submission = submission_record(
            posting=posting, form=form, email=email, values=values, uploads=uploads
        )
    except AlreadyApplied as error:
        return already_applied(request, error, as_json=as_json)
    remember_application(request, posting, submission.id)
    if progress_key:
        request.session.pop(progress_key, None)
    if as_json:
        answer = {"ok": True, "submission": submission.id}
        return JsonResponse({**answer, "redirect": confirmation} if confirmation else answer)
    return redirect(confirmation)


def confirmation_page(request: HttpRequest, posting: Posting, template: str) -> HttpResponse:
    """A form's confirmation page, in the session that applied; elsewhere, the posting."""
    if not applied_here(request, posting):
        return redirect(posting.path)
    return render(request, template, {"posting": posting})


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    rows = [
        {"posting": posting, "link": link, "style": STYLE_NAMES[posting.style]}
        for posting, link in example_postings()
    ]
    return render(request, "demo_board/job_list.html", {"rows": rows})


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    posting = posting_from_path(request.GET.get("posting", ""))
    email = request.GET.get("email", "")
    if posting is None:
        return render(request, "demo_board/lookup.html", {"found": "unknown"}, status=400)
    submission = submission_find(posting=posting, email=email) if email.strip() else None
    return render(
        request,
        "demo_board/lookup.html",
        {
            "found": "true" if submission else "false",
            "posting": posting,
            "email": email,
            "submission": submission,
        },
    )
