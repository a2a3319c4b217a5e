"""Greenhouse's current hosted form (job-boards.greenhouse.io/<company>/jobs/<id>): a page driven
by script, as Greenhouse's React board is. Markup contract:

- `GET /greenhouse/<company>/jobs/<id>`: `<h1 class="job-title">` the title, `.company-name` the
  company, the description, then `<form id="application-form" novalidate>` with no action.
- Fields by `id`, each with a `<label for>`, and NO `name` attributes: `first_name` ("First
  Name", required), `last_name` ("Last Name", required), `email` ("Email", required), `phone`
  ("Phone"), beside it a country picker `<button type="button" id="country" role="combobox">`
  (label "Country") showing "United States +1" (COUNTRIES); `question_1` ("LinkedIn Profile",
  text), `question_2` ("Are you legally authorized to work in the United States?", combobox,
  required, Yes/No), `question_3` ("How did you hear about us?", text, optional).
- A combobox is `<input role="combobox" id=... aria-expanded="false" aria-controls="<id>-listbox"
  aria-autocomplete="list">`. Its `<ul role="listbox" id="<id>-listbox">` with `<li role="option">`
  children exists in the DOM only while it is open (a click, or typing, which filters the
  options; ArrowDown/ArrowUp/Enter/Escape work too) and is removed when it closes. Choosing an
  option sets the input's value to the option's text.
- Résumé and cover letter: `<input type="file" id="resume" hidden>` (label "Resume/CV", required)
  and `id="cover_letter"` (label "Cover Letter"), each behind a visible `<button type="button"
  class="attach" data-input="resume">Attach</button>` that clicks the input; the chosen file's
  name shows in `#resume-filename` / `#cover_letter-filename`.
- EEO section (optional), comboboxes: `gender` ("Gender"), `hispanic_ethnicity` ("Are you
  Hispanic/Latino?"), `veteran_status` ("Veteran Status"), `disability_status` ("Disability
  Status"); each offers a decline option (EEO_OPTIONS).
- `<button type="submit">Submit application</button>`: the script POSTs multipart (the values by
  id, `country`, the files; header `X-CSRFToken` from `<meta name="csrf-token">`,
  `Accept: application/json`) to `/greenhouse/<company>/jobs/<id>/apply`. 200 `{"ok": true,
  "submission": id, "redirect": ".../confirmation"}` and the page goes there ("Thank you for
  applying" in `<h1>`; no `#application_confirmation` here). 400 `{"error": "invalid", "errors":
  {id: message}}`: each message shown inline in `<p class="field-error" id="<id>-error">`, and
  `#form-error` says "Please fix the errors below." 409 already applied and 401 session expired
  (views.common) show their `detail` in `#form-error`.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from demo_board.postings import Posting
from demo_board.services import AlreadyApplied, Upload, submission_record, upload_error
from demo_board.views.common import (
    already_applied,
    applied_here,
    choice_error,
    field_errors,
    remember_application,
    session_required,
)

COUNTRIES = [
    "United States +1",
    "Canada +1",
    "United Kingdom +44",
    "Germany +49",
    "France +33",
    "India +91",
    "Australia +61",
]
YES_NO = ["Yes", "No"]
EEO_OPTIONS = {
    "gender": ["Male", "Female", "Non-binary", "Decline to self-identify"],
    "hispanic_ethnicity": ["Yes", "No", "Decline to self-identify"],
    "veteran_status": [
        "I am not a protected veteran",
        "I identify as one or more of the classifications of protected veteran",
        "I don't wish to answer",
    ],
    "disability_status": [
        "Yes, I have a disability (or previously had a disability)",
        "No, I do not have a disability",
        "I do not want to answer",
    ],
}
EEO_LABELS = {
    "gender": "Gender",
    "hispanic_ethnicity": "Are you Hispanic/Latino?",
    "veteran_status": "Veteran Status",
    "disability_status": "Disability Status",
}
TEXT_FIELDS = ["first_name", "last_name", "email", "phone", "question_1", "question_3"]


def _posting(company: str, job_id: int) -> Posting:
    return Posting("greenhouse", company, str(job_id))


@require_GET
@session_required(as_json=True)
def job_page(request: HttpRequest, company: str, job_id: int) -> HttpResponse:
    posting = _posting(company, job_id)
    eeo = [
        {"id": name, "label": EEO_LABELS[name], "options": options}
        for name, options in EEO_OPTIONS.items()
    ]
    options = {"country": COUNTRIES, "question_2": YES_NO, **EEO_OPTIONS}
    return render(
        request,
        "demo_board/greenhouse.html",
        {
            "posting": posting,
            "eeo": eeo,
            "options": options,
            "apply_url": reverse("greenhouse-apply", args=[company, job_id]),
        },
    )


@require_POST
@session_required(as_json=True)
def apply(request: HttpRequest, company: str, job_id: int) -> JsonResponse:
    posting = _posting(company, job_id)
    values = {name: request.POST.get(name, "").strip() for name in TEXT_FIELDS}
    values["country"] = request.POST.get("country", "").strip() or COUNTRIES[0]
    values["question_2"] = request.POST.get("question_2", "").strip()
    for name in EEO_OPTIONS:
        values[name] = request.POST.get(name, "").strip()

    errors = field_errors(values, required=["first_name", "last_name", "email"], email="email")
    checks = {
        "country": choice_error(values["country"], COUNTRIES, required=True),
        "question_2": choice_error(values["question_2"], YES_NO, required=True),
        **{
            name: choice_error(values[name], options, required=False)
            for name, options in EEO_OPTIONS.items()
        },
        "resume": upload_error(request.FILES.get("resume"), required=True),
        "cover_letter": upload_error(request.FILES.get("cover_letter"), required=False),
    }
    errors.update({name: message for name, message in checks.items() if message})
    if errors:
        return JsonResponse(
            {"error": "invalid", "detail": "Please fix the errors below.", "errors": errors},
            status=400,
        )

    uploads = [
        Upload(name, request.FILES[name])
        for name in ("resume", "cover_letter")
        if name in request.FILES
    ]
    try:
        submission = submission_record(
            posting=posting,
            form="greenhouse",
            email=values["email"],
            values=values,
            uploads=uploads,
        )
    except AlreadyApplied as error:
        return already_applied(request, error, as_json=True)
    remember_application(request, posting, submission.id)
    confirmation = reverse("greenhouse-confirmation", args=[company, job_id])
    return JsonResponse({"ok": True, "submission": submission.id, "redirect": confirmation})


@require_GET
def confirmation(request: HttpRequest, company: str, job_id: int) -> HttpResponse:
    posting = _posting(company, job_id)
    if not applied_here(request, posting):
        return redirect(posting.path)
    return render(request, "demo_board/greenhouse_confirmation.html", {"posting": posting})
