"""A generic form behind an e-mailed verification code (`/verified/<company>/<slug>`). The code
is "sent" by keeping it for the operator's outbox (`GET /_board/outbox/?email=`); it is good
only in the session that asked for it, and only the newest one is. Markup contract (every
stage is `<form id="verified-form" method="post">` under `<h1 class="job-title">` and
`.company-name`):

- Stage email: `email` (label "Email") and `<button type="submit" name="action"
  value="send">Send code</button>`.
- Stage code: `<p id="code-sent">We sent a code to <email></p>`, `code` (id
  `verification_code`, label "Verification code"), buttons "Verify" (`action=verify`), "Send a
  new code" (`action=send`) and "Use another e-mail" (`action=change`). A wrong code: status
  400, `<p class="error" id="code-error">That code is not right. Check the e-mail and try
  again.</p>`.
- Stage application (after the right code): `first_name` (label "First name", required),
  `last_name` (label "Last name", required), `#email` read-only showing the verified address
  (the one recorded, whatever is posted), `phone` (only `aria-label="Phone number"`), `resume`
  (file, label "Résumé", required), `about` (textarea, only `placeholder="Tell us a little about
  yourself"`), `<button type="submit" name="action" value="submit">Submit application</button>`.
  Errors: status 400, `<p class="error" id="<name>-error">`. Success: 303 to `.../done`,
  `<h1>Application received</h1>`.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from demo_board.postings import Posting
from demo_board.services import (
    Upload,
    normalized_email,
    session_key_of,
    upload_error,
    verification_code_check,
    verification_code_send,
)
from demo_board.views.common import (
    application_send,
    confirmation_page,
    field_errors,
    session_required,
)

WRONG_CODE = "That code is not right. Check the e-mail and try again."


def _posting(company: str, slug: str) -> Posting:
    return Posting("verified", company, slug)


def _render(request, posting, state, *, errors=None, values=None, status=200) -> HttpResponse:
    if state.get("verified"):
        stage = "application"
    elif state.get("email"):
        stage = "code"
    else:
        stage = "email"
    context = {
        "posting": posting,
        "stage": stage,
        "email": state.get("email", ""),
        "values": values or {},
        "errors": errors or {},
    }
    return render(request, "demo_board/verified.html", context, status=status)


@require_http_methods(["GET", "POST"])
@session_required()
def form(request: HttpRequest, company: str, slug: str) -> HttpResponse:
    posting = _posting(company, slug)
    key = f"verified:{posting.path}"
    state = request.session.get(key) or {}
    if request.method == "GET":
        return _render(request, posting, state)

    action = request.POST.get("action")
    if action == "send" and not state.get("verified"):
        email = request.POST.get("email", state.get("email", "")).strip()
        errors = field_errors({"email": email}, required=["email"], email="email")
        if errors:
            return _render(request, posting, {}, errors=errors, status=400)
        verification_code_send(posting=posting, email=email, session_key=session_key_of(request))
        request.session[key] = {"email": normalized_email(email), "verified": False}
        return redirect("verified", company, slug)
    if action == "change" and not state.get("verified"):
        request.session[key] = {}
        return redirect("verified", company, slug)
    if action == "verify" and state.get("email") and not state.get("verified"):
        if not verification_code_check(
            posting=posting,
            email=state["email"],
            session_key=session_key_of(request),
            code=request.POST.get("code", ""),
        ):
            return _render(request, posting, state, errors={"code": WRONG_CODE}, status=400)
        request.session[key] = {**state, "verified": True}
        return redirect("verified", company, slug)
    if action == "submit" and state.get("verified"):
        return _submit(request, posting, state, key)
    return redirect("verified", company, slug)


def _submit(request: HttpRequest, posting: Posting, state: dict, key: str) -> HttpResponse:
    values = {
        name: request.POST.get(name, "").strip()
        for name in ("first_name", "last_name", "phone", "about")
    }
    values["email"] = state["email"]
    errors = field_errors(values, required=["first_name", "last_name"])
    if message := upload_error(request.FILES.get("resume"), required=True):
        errors["resume"] = message
    if errors:
        return _render(request, posting, state, errors=errors, values=values, status=400)
    return application_send(
        request,
        posting=posting,
        form="verified",
        email=state["email"],
        values=values,
        uploads=[Upload("resume", request.FILES["resume"])],
        confirmation=reverse("verified-done", args=[posting.company_slug, posting.job_id]),
        progress_key=key,
    )


@require_GET
def done(request: HttpRequest, company: str, slug: str) -> HttpResponse:
    return confirmation_page(request, _posting(company, slug), "demo_board/received.html")
