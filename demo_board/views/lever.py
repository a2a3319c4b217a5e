"""Lever (jobs.lever.co/<company>/<uuid>). Markup contract:

- `GET /lever/<company>/<uuid>`: `<h1 class="posting-headline">` the title, `.company-name` the
  company, the description, and `<a class="postings-btn" href=".../apply">Apply for this job</a>`.
- `GET /lever/<company>/<uuid>/apply`: `<form id="application-form" method="post"
  enctype="multipart/form-data">` with `<label for>`ed fields: `name` ("Full name", required),
  `email` ("Email", required), `phone` ("Phone"), `org` ("Current company"), `location`
  ("Current location"), `urls[LinkedIn]` ("LinkedIn URL"), `urls[GitHub]` ("GitHub URL"),
  `resume` (a visible file input, "Resume/CV", required); custom questions
  `cards[<card uuid>][field0]` (textarea, "Why do you want to work here?", optional) and
  `cards[<card uuid>][field1]` (radio Yes/No, required, legend "Do you require visa
  sponsorship?"). The card uuid is fixed per posting (`uuid5(URL, "<posting path>#card")`), and is
  also in the form's `data-card-id`.
- Postings of the company `wayne` add `<div id="captcha" class="h-captcha">` holding an inline SVG
  of five characters (pixels and noise lines, no text) and `captcha_answer` ("Type the characters
  you see"). A wrong or missing answer: the form again (status 400) with "Please complete the
  CAPTCHA" and a new picture; each picture is good for one answer, and reloading the form
  shows the same one until it is tried.
- `<button type="button" id="btn-submit">Submit application</button>`: its script submits the form.
- Errors: status 400, the form again with `<div class="error-message" id="<name>-error">` under
  each bad field and `#form-errors` listing them.
- Success: 303 to `.../apply/thanks`: `<div class="application-confirmation">` with
  `<h3>Application submitted!</h3>`.
"""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from demo_board.postings import Posting
from demo_board.services import (
    Upload,
    captcha_challenge_for,
    captcha_challenge_solve,
    session_key_of,
    upload_error,
)
from demo_board.views.common import (
    application_send,
    choice_error,
    confirmation_page,
    field_errors,
    session_required,
)

TEXT_FIELDS = ["name", "email", "phone", "org", "location", "urls[LinkedIn]", "urls[GitHub]"]
CAPTCHA_ERROR = "Please complete the CAPTCHA"


def _posting(company: str, job_id: UUID) -> Posting:
    return Posting("lever", company, str(job_id))


def card_names(posting: Posting) -> tuple[str, str]:
    card = posting.field_id("card")
    return f"cards[{card}][field0]", f"cards[{card}][field1]"


@require_GET
@session_required()
def posting_page(request: HttpRequest, company: str, job_id: UUID) -> HttpResponse:
    posting = _posting(company, job_id)
    apply_url = reverse("lever-apply", args=[company, job_id])
    return render(
        request, "demo_board/lever_posting.html", {"posting": posting, "apply_url": apply_url}
    )


def _form(request: HttpRequest, posting: Posting, *, values=None, errors=None, status=200):
    why, sponsorship = card_names(posting)
    context = {
        "posting": posting,
        "card_id": posting.field_id("card"),
        "why": why,
        "sponsorship": sponsorship,
        "values": values or {},
        "errors": errors or {},
        # Bracketed names cannot be read in a template.
        "linkedin_value": (values or {}).get("urls[LinkedIn]", ""),
        "github_value": (values or {}).get("urls[GitHub]", ""),
        "why_value": (values or {}).get(why, ""),
        "sponsorship_value": (values or {}).get(sponsorship, ""),
        "sponsorship_error": (errors or {}).get(sponsorship, ""),
    }
    if posting.captcha:
        _, context["captcha_svg"] = captcha_challenge_for(
            posting=posting, session_key=session_key_of(request)
        )
    return render(request, "demo_board/lever_apply.html", context, status=status)


@require_http_methods(["GET", "POST"])
@session_required()
def apply(request: HttpRequest, company: str, job_id: UUID) -> HttpResponse:
    posting = _posting(company, job_id)
    if request.method == "GET":
        return _form(request, posting)

    why, sponsorship = card_names(posting)
    values = {name: request.POST.get(name, "").strip() for name in [*TEXT_FIELDS, why]}
    values[sponsorship] = request.POST.get(sponsorship, "")
    errors = field_errors(values, required=["name", "email"], email="email")
    checks = {
        sponsorship: choice_error(values[sponsorship], ["Yes", "No"], required=True),
        "resume": upload_error(request.FILES.get("resume"), required=True),
    }
    if posting.captcha and not captcha_challenge_solve(
        posting=posting,
        session_key=session_key_of(request),
        answer=request.POST.get("captcha_answer", ""),
    ):
        checks["captcha_answer"] = CAPTCHA_ERROR
    errors.update({name: message for name, message in checks.items() if message})
    if errors:
        return _form(request, posting, values=values, errors=errors, status=400)
    return application_send(
        request,
        posting=posting,
        form="lever",
        email=values["email"],
        values=values,
        uploads=[Upload("resume", request.FILES["resume"])],
        confirmation=reverse("lever-thanks", args=[company, job_id]),
    )


@require_GET
def thanks(request: HttpRequest, company: str, job_id: UUID) -> HttpResponse:
    return confirmation_page(request, _posting(company, job_id), "demo_board/lever_thanks.html")
