"""The operator's JSON API, for tests and the demo (no sign-in: the board holds nothing of
value). It lets a test see what the board received and play the person where a person is
needed (the e-mailed code, the CAPTCHA).

- `GET /_board/health/` → `{"status": "ok"}`.
- `GET /_board/submissions/?posting=<link or path>&email=` → `{"submissions": [{"id", "style",
  "company", "job_id", "form", "posting", "email", "values", "files": [{"field", "name", "size",
  "sha256", "stored"}], "created_at"}]}`, oldest first; every posting without `posting`.
- `GET /_board/outbox/?email=` → `{"messages": [{"id", "email", "posting", "code", "subject",
  "body", "session", "created_at"}]}`, newest first.
- `GET /_board/captcha/?posting=&session=` (`session`: the board_session cookie) →
  `{"challenges": [{"id", "posting", "session", "answer", "used", "created_at"}]}`, newest first.
- `POST /_board/sessions/expire/` → `{"expired": n}`: every session ends now.
- `POST /_board/reset/` → `{"reset": true}`: applications, files, codes, challenges, sessions.
The POSTs need no CSRF token.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from demo_board.models import CaptchaChallenge, Submission, VerificationCode
from demo_board.postings import Posting, posting_from_path
from demo_board.services import board_reset, normalized_email, sessions_expire


def _bad_posting() -> JsonResponse:
    return JsonResponse(
        {"error": "unknown_posting", "detail": "That is no posting of this board."}, status=400
    )


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def submissions(request: HttpRequest) -> JsonResponse:
    rows = Submission.objects.prefetch_related("files")
    if request.GET.get("posting"):
        posting = posting_from_path(request.GET["posting"])
        if posting is None:
            return _bad_posting()
        rows = rows.filter(style=posting.style, company=posting.company_slug, job_id=posting.job_id)
    if request.GET.get("email"):
        rows = rows.filter(email=normalized_email(request.GET["email"]))
    return JsonResponse(
        {
            "submissions": [
                {
                    "id": row.id,
                    "style": row.style,
                    "company": row.company,
                    "job_id": row.job_id,
                    "form": row.form,
                    "posting": Posting(row.style, row.company, row.job_id).path,
                    "email": row.email,
                    "values": row.values,
                    "files": [
                        {
                            "field": file.field,
                            "name": file.name,
                            "size": file.size,
                            "sha256": file.sha256,
                            "stored": file.stored,
                        }
                        for file in row.files.all()
                    ],
                    "created_at": row.created_at.isoformat(),
                }
                for row in rows
            ]
        }
    )


@require_GET
def outbox(request: HttpRequest) -> JsonResponse:
    codes = VerificationCode.objects.all()
    if request.GET.get("email"):
        codes = codes.filter(email=normalized_email(request.GET["email"]))
    return JsonResponse(
        {
            "messages": [
                {
                    "id": code.id,
                    "email": code.email,
                    "posting": code.posting,
                    "code": code.code,
                    "subject": "Your verification code",
                    "body": f"Your code is {code.code}. Enter it on the application page.",
                    "session": code.session_key,
                    "created_at": code.created_at.isoformat(),
                }
                for code in codes
            ]
        }
    )


@require_GET
def captcha_answers(request: HttpRequest) -> JsonResponse:
    challenges = CaptchaChallenge.objects.all()
    if request.GET.get("posting"):
        posting = posting_from_path(request.GET["posting"])
        if posting is None:
            return _bad_posting()
        challenges = challenges.filter(posting=posting.path)
    if request.GET.get("session"):
        challenges = challenges.filter(session_key=request.GET["session"])
    return JsonResponse(
        {
            "challenges": [
                {
                    "id": challenge.id,
                    "posting": challenge.posting,
                    "session": challenge.session_key,
                    "answer": challenge.answer,
                    "used": challenge.used,
                    "created_at": challenge.created_at.isoformat(),
                }
                for challenge in challenges
            ]
        }
    )


@csrf_exempt
@require_POST
def expire_sessions(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"expired": sessions_expire()})


@csrf_exempt
@require_POST
def reset(request: HttpRequest) -> JsonResponse:
    board_reset()
    return JsonResponse({"reset": True})
