"""A generic multi-step form (`/careers/<company>/<slug>`), labelled the many ways sites label
fields. The step reached and the values typed are kept in the session: a step posted moves on,
Back goes back with the values kept. Markup contract:

- Every step: `<h1 class="job-title">` the title, `.company-name` the company, `<form
  id="careers-form" method="post">` with a hidden `step` and `<p id="step-indicator">Step N of
  3</p>`; buttons `<button type="submit" name="action" value="next">Next</button>` and (from step
  2) `<button type="submit" name="action" value="back">Back</button>`; on step 3 `<button
  type="submit" name="action" value="submit">Submit application</button>` instead of Next.
- Step 1, contact details: `first_name` (`<label for>` "First name", required), `last_name`
  (label "Last name", required), `email` (no label, only `placeholder="Email address"`,
  required), `phone` (no label, only `aria-label="Phone number"`).
- Step 2, questions: `favourite_data_structure` (textarea, label "What is your favourite data
  structure, and why?", required), `years_experience` (number, label "Years of professional
  experience"), `relocate` (select "", Yes, No; label "Are you willing to relocate?"),
  `portfolio` (only `placeholder="Portfolio or GitHub link"`).
- Step 3, résumé and review: `resume` (file, label "Résumé", required), `<dl class="review">`
  of the values so far.
- Errors: status 400, the step again with `<p class="error" id="<name>-error">` under each bad
  field. Success: 303 to `.../done`, `<h1>Application received</h1>`.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from demo_board.postings import Posting
from demo_board.services import Upload, upload_error
from demo_board.views.common import (
    application_send,
    choice_error,
    confirmation_page,
    field_errors,
    session_required,
)

STEP_FIELDS = {
    1: ["first_name", "last_name", "email", "phone"],
    2: ["favourite_data_structure", "years_experience", "relocate", "portfolio"],
}
REVIEW_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email address",
    "phone": "Phone number",
    "favourite_data_structure": "Favourite data structure",
    "years_experience": "Years of professional experience",
    "relocate": "Willing to relocate",
    "portfolio": "Portfolio",
}
LAST_STEP = 3


def _posting(company: str, slug: str) -> Posting:
    return Posting("careers", company, slug)


def _step_errors(step: int, values: dict[str, str]) -> dict[str, str]:
    if step == 1:
        return field_errors(values, required=["first_name", "last_name", "email"], email="email")
    if step == 2:
        errors = field_errors(values, required=["favourite_data_structure"])
        years = values.get("years_experience", "")
        if years and not (years.isdigit() and int(years) <= 70):
            errors["years_experience"] = "Enter a whole number of years."
        if message := choice_error(values.get("relocate", ""), ["Yes", "No"], required=False):
            errors["relocate"] = message
        return errors
    return {}


def _render(request, posting, state, *, errors=None, status=200) -> HttpResponse:
    values = state["values"]
    context = {
        "posting": posting,
        "step": state["step"],
        "last_step": LAST_STEP,
        "values": values,
        "errors": errors or {},
        "review": [(REVIEW_LABELS[name], values.get(name, "")) for name in REVIEW_LABELS],
    }
    return render(request, "demo_board/careers.html", context, status=status)


@require_http_methods(["GET", "POST"])
@session_required()
def form(request: HttpRequest, company: str, slug: str) -> HttpResponse:
    posting = _posting(company, slug)
    key = f"careers:{posting.path}"
    state = request.session.get(key) or {"step": 1, "values": {}}
    if request.method == "GET":
        return _render(request, posting, state)

    step = state["step"]
    if request.POST.get("step") != str(step):
        # A page from before (another tab, the browser's back button): show the step reached.
        return redirect("careers", company, slug)
    posted = {name: request.POST.get(name, "").strip() for name in STEP_FIELDS.get(step, [])}
    state["values"].update(posted)
    action = request.POST.get("action")
    if action == "back":
        state["step"] = max(1, step - 1)
        request.session[key] = state
        return redirect("careers", company, slug)
    errors = _step_errors(step, state["values"])
    if action == "next" and step < LAST_STEP:
        if errors:
            return _render(request, posting, state, errors=errors, status=400)
        state["step"] = step + 1
        request.session[key] = state
        return redirect("careers", company, slug)
    if action == "submit" and step == LAST_STEP:
        return _submit(request, posting, state, key)
    return _render(request, posting, state, errors={"action": "Unknown action."}, status=400)


def _submit(request: HttpRequest, posting: Posting, state: dict, key: str) -> HttpResponse:
    values = state["values"]
    errors = {**_step_errors(1, values), **_step_errors(2, values)}
    if message := upload_error(request.FILES.get("resume"), required=True):
        errors["resume"] = message
    if errors:
        return _render(request, posting, state, errors=errors, status=400)
    return application_send(
        request,
        posting=posting,
        form="careers",
        email=values["email"],
        values=values,
        uploads=[Upload("resume", request.FILES["resume"])],
        confirmation=reverse("careers-done", args=[posting.company_slug, posting.job_id]),
        progress_key=key,
    )


@require_GET
def done(request: HttpRequest, company: str, slug: str) -> HttpResponse:
    return confirmation_page(request, _posting(company, slug), "demo_board/received.html")
