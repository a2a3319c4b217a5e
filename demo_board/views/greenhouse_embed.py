"""Greenhouse's older embedded form (boards.greenhouse.io/embed/job_app?for=<company>&token=<id>):
a plain form that the page's script submits. It is the same posting as
`/greenhouse/<company>/jobs/<id>` (one application per e-mail across both forms). Markup contract:

- `GET /greenhouse/embed/job_app?for=<company>&token=<id>`: `<h1 class="app-title">` the title,
  `.company-name` the company, the description, then `<form id="application_form" method="post"
  enctype="multipart/form-data" action="<same link>">` with `<label for>`ed fields named
  `job_application[first_name]` ("First Name", required), `job_application[last_name]` ("Last
  Name", required), `job_application[email]` ("Email", required), `job_application[phone]`
  ("Phone"), `job_application[resume]` (file, "Resume/CV", required),
  `job_application[answers_attributes][0][text_value]` ("LinkedIn Profile"),
  `job_application[answers_attributes][1][boolean_value]` (a `<select>`: "" "--", "1" Yes, "0" No;
  required; "Are you legally authorized to work in the United States?"). Ids are the names with
  brackets turned into underscores (`job_application_first_name`, ...).
- `<input type="button" id="submit_app" value="Submit Application">`: its script submits the form.
- Errors: status 400, the form again with `<span class="error" id="<id>_error">` after each bad
  field and `#error_summary` "Please complete the required fields."
- Success: 303 to `/greenhouse/embed/job_app/confirmation?for=&token=`, whose
  `<div id="application_confirmation">` holds `<h1>Thank you for applying.</h1>`.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from demo_board.postings import Posting, posting_from_path
from demo_board.services import AlreadyApplied, Upload, submission_record, upload_error
from demo_board.views.common import (
    already_applied,
    applied_here,
    choice_error,
    field_errors,
    remember_application,
    session_required,
)

PREFIX = "job_application"
FIRST, LAST, EMAIL, PHONE = (
    f"{PREFIX}[{name}]" for name in ("first_name", "last_name", "email", "phone")
)
RESUME = f"{PREFIX}[resume]"
LINKEDIN = f"{PREFIX}[answers_attributes][0][text_value]"
AUTHORIZED = f"{PREFIX}[answers_attributes][1][boolean_value]"


def field_id(name: str) -> str:
    return name.replace("][", "_").replace("[", "_").replace("]", "")


def _posting(request: HttpRequest) -> Posting:
    posting = posting_from_path(request.get_full_path())
    if posting is None:
        raise Http404("No such posting.")
    return posting


def _page(request: HttpRequest, posting: Posting, *, values=None, errors=None, status=200):
    fields = {
        key: {"name": name, "id": field_id(name), "error": (errors or {}).get(name, "")}
        for key, name in {
            "first": FIRST,
            "last": LAST,
            "email": EMAIL,
            "phone": PHONE,
            "resume": RESUME,
            "linkedin": LINKEDIN,
            "authorized": AUTHORIZED,
        }.items()
    }
    for field in fields.values():
        field["value"] = (values or {}).get(field["name"], "")
    context = {"posting": posting, "fields": fields, "errors": errors or {}}
    return render(request, "demo_board/greenhouse_embed.html", context, status=status)


@require_http_methods(["GET", "POST"])
@session_required()
def job_app(request: HttpRequest) -> HttpResponse:
    posting = _posting(request)
    if request.method == "GET":
        return _page(request, posting)

    values = {
        name: request.POST.get(name, "").strip() for name in (FIRST, LAST, EMAIL, PHONE, LINKEDIN)
    }
    values[AUTHORIZED] = request.POST.get(AUTHORIZED, "")
    errors = field_errors(values, required=[FIRST, LAST, EMAIL], email=EMAIL)
    checks = {
        AUTHORIZED: choice_error(values[AUTHORIZED], ["1", "0"], required=True),
        RESUME: upload_error(request.FILES.get(RESUME), required=True),
    }
    errors.update({name: message for name, message in checks.items() if message})
    if errors:
        return _page(request, posting, values=values, errors=errors, status=400)
    try:
        submission = submission_record(
            posting=posting,
            form="greenhouse_embed",
            email=values[EMAIL],
            values=values,
            uploads=[Upload(RESUME, request.FILES[RESUME])],
        )
    except AlreadyApplied as error:
        return already_applied(request, error, as_json=False)
    remember_application(request, posting, submission.id)
    query = f"?for={posting.company_slug}&token={posting.job_id}"
    return redirect(reverse("greenhouse-embed-confirmation") + query, permanent=False)


@require_GET
def confirmation(request: HttpRequest) -> HttpResponse:
    posting = posting_from_path(
        reverse("greenhouse-embed") + "?" + request.META.get("QUERY_STRING", "")
    )
    if posting is None:
        raise Http404("No such posting.")
    if not applied_here(request, posting):
        return redirect(posting.embed_path)
    return render(request, "demo_board/greenhouse_embed_confirmation.html", {"posting": posting})
