"""Ashby (jobs.ashbyhq.com/<company>/<uuid>). No `<form>` element anywhere: the script gathers the
fields and POSTs them. Markup contract:

- `GET /ashby/<company>/<uuid>`: `<h1 class="ashby-job-posting-heading">` the title,
  `.company-name` the company, the description, and tabs "Overview" / "Application" (a link to
  `.../application`).
- `GET /ashby/<company>/<uuid>/application`: the title again, and
  `<div class="ashby-application-form-container">` holding entries
  `<div class="ashby-application-form-field-entry" data-field-path="<id>">`, each a `<label for>`
  and its field: `_systemfield_name` ("Name", required), `_systemfield_email` ("Email",
  required), a custom field for the phone whose id is a UUID fixed per posting
  (`uuid5(URL, "<posting path>#phone")`, label "Phone number"), `_systemfield_resume` (a hidden
  file input, label "Resume", required) behind `<button type="button"
  class="ashby-application-form-upload-button">Upload File</button>` (the file's name then shows
  in `#_systemfield_resume-filename`), and a required Yes/No question: `<label
  id="<uuid>-label">Are you open to working on-site three days a week?</label>` over `<div
  role="group" data-field-path="<uuid>">` of two `<button type="button" aria-pressed>`s "Yes" and
  "No" (uuid: `uuid5(URL, "<posting path>#onsite")`).
- `<button type="button" class="ashby-application-form-submit-button">Submit Application</button>`:
  the script POSTs multipart (keys: the field ids; the Yes/No question as its uuid with "Yes" or
  "No"; header `X-CSRFToken` from `<meta name="csrf-token">`, `Accept: application/json`) to
  `.../application`. 200 `{"ok": true, "submission": id}`: the container's fields are removed
  and `<h2 class="ashby-application-form-success-container">Your application was successfully
  submitted</h2>` takes their place. 400 `{"error": "invalid", "errors": {id: message}}`: each
  shown in `<p class="ashby-application-form-error field-error" id="<id>-error">`, and
  `#form-error` says "Please fix the errors below"; 409 and 401 (views.common) show their
  `detail` in `#form-error`.
"""

from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from demo_board.postings import Posting
from demo_board.services import AlreadyApplied, Upload, submission_record, upload_error
from demo_board.views.common import (
    already_applied,
    choice_error,
    field_errors,
    session_required,
)

NAME, EMAIL, RESUME = "_systemfield_name", "_systemfield_email", "_systemfield_resume"


def _posting(company: str, job_id: UUID) -> Posting:
    return Posting("ashby", company, str(job_id))


@require_GET
@session_required(as_json=True)
def posting_page(request: HttpRequest, company: str, job_id: UUID) -> HttpResponse:
    posting = _posting(company, job_id)
    context = {
        "posting": posting,
        "application_url": reverse("ashby-application", args=[company, job_id]),
    }
    return render(request, "demo_board/ashby_posting.html", context)


@require_http_methods(["GET", "POST"])
@session_required(as_json=True)
def application(request: HttpRequest, company: str, job_id: UUID) -> HttpResponse:
    posting = _posting(company, job_id)
    phone, onsite = posting.field_id("phone"), posting.field_id("onsite")
    if request.method == "GET":
        context = {"posting": posting, "phone_id": phone, "onsite_id": onsite}
        return render(request, "demo_board/ashby_application.html", context)

    values = {name: request.POST.get(name, "").strip() for name in (NAME, EMAIL, phone, onsite)}
    errors = field_errors(values, required=[NAME, EMAIL], email=EMAIL)
    checks = {
        onsite: choice_error(values[onsite], ["Yes", "No"], required=True),
        RESUME: upload_error(request.FILES.get(RESUME), required=True),
    }
    errors.update({name: message for name, message in checks.items() if message})
    if errors:
        return JsonResponse(
            {"error": "invalid", "detail": "Please fix the errors below", "errors": errors},
            status=400,
        )
    try:
        submission = submission_record(
            posting=posting,
            form="ashby",
            email=values[EMAIL],
            values=values,
            uploads=[Upload(RESUME, request.FILES[RESUME])],
        )
    except AlreadyApplied as error:
        return already_applied(request, error, as_json=True)
    return JsonResponse({"ok": True, "submission": submission.id})
