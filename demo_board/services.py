"""What the board does when it is sent something: record an application (once per posting and
e-mail address), "send" a verification code, show and check a CAPTCHA, and the operator's resets."""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from demo_board import captcha
from demo_board.models import CaptchaChallenge, Submission, SubmittedFile, VerificationCode
from demo_board.postings import Posting

ALREADY_APPLIED = "You have already applied to this job"


class AlreadyApplied(Exception):
    """The posting has an application from this e-mail address already."""

    def __init__(self, submission: Submission):
        super().__init__(submission.id)
        self.submission = submission

    @property
    def detail(self) -> str:
        return f"{ALREADY_APPLIED} (on {self.submission.created_at:%Y-%m-%d})."


@dataclass(frozen=True)
class Upload:
    field: str
    file: UploadedFile


def normalized_email(email: str) -> str:
    return email.strip().lower()


def submission_find(*, posting: Posting, email: str) -> Submission | None:
    return Submission.objects.filter(
        style=posting.style,
        company=posting.company_slug,
        job_id=posting.job_id,
        email=normalized_email(email),
    ).first()


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "file"


def submission_record(
    *, posting: Posting, form: str, email: str, values: dict, uploads: list[Upload]
) -> Submission:
    """Record one application with its files, or raise AlreadyApplied. The row and the files go
    together: a file that cannot be written leaves no row behind."""
    existing = submission_find(posting=posting, email=email)
    if existing is not None:
        raise AlreadyApplied(existing)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                style=posting.style,
                company=posting.company_slug,
                job_id=posting.job_id,
                form=form,
                email=normalized_email(email),
                values=values,
            )
            for upload in uploads:
                _store(submission, upload)
    except IntegrityError:
        # Another request recorded the same application between the look-up and the insert.
        raise AlreadyApplied(submission_find(posting=posting, email=email)) from None
    return submission


def _store(submission: Submission, upload: Upload) -> SubmittedFile:
    folder = settings.UPLOADS_DIR / str(submission.id)
    folder.mkdir(parents=True, exist_ok=True)
    relative = f"{submission.id}/{_safe_name(upload.field)}-{_safe_name(upload.file.name)}"
    digest = hashlib.sha256()
    size = 0
    with (settings.UPLOADS_DIR / relative).open("wb") as target:
        for chunk in upload.file.chunks():
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return SubmittedFile.objects.create(
        submission=submission,
        field=upload.field,
        name=upload.file.name,
        size=size,
        sha256=digest.hexdigest(),
        stored=relative,
    )


def upload_error(file: UploadedFile | None, *, required: bool) -> str:
    """Why an uploaded file is refused, or ""."""
    if file is None or not file.name:
        return "Please attach a file." if required else ""
    if file.size == 0:
        return "The file is empty."
    if file.size > settings.MAX_UPLOAD_BYTES:
        return "The file is too large."
    return ""


def session_key_of(request) -> str:
    if request.session.session_key is None:
        request.session.save()
    return request.session.session_key


def verification_code_send(*, posting: Posting, email: str, session_key: str) -> VerificationCode:
    """ "E-mail" a 6-digit code: it is kept for the operator's outbox, for this session only."""
    return VerificationCode.objects.create(
        posting=posting.path,
        email=normalized_email(email),
        code=f"{secrets.randbelow(10**6):06d}",
        session_key=session_key,
    )


def verification_code_check(*, posting: Posting, email: str, session_key: str, code: str) -> bool:
    """Whether `code` is the newest one sent to `email` for this posting in this session."""
    newest = VerificationCode.objects.filter(
        posting=posting.path, email=normalized_email(email), session_key=session_key
    ).first()
    return newest is not None and secrets.compare_digest(newest.code, code.strip())


def captcha_challenge_for(*, posting: Posting, session_key: str) -> tuple[CaptchaChallenge, str]:
    """The session's challenge for this posting and its picture: the one shown before until it
    has been tried (reloading the form does not change the characters), else a new one."""
    challenge = CaptchaChallenge.objects.filter(
        posting=posting.path, session_key=session_key, used=False
    ).first() or CaptchaChallenge.objects.create(
        posting=posting.path, session_key=session_key, answer=captcha.new_answer()
    )
    return challenge, captcha.render_svg(challenge.answer)


def captcha_challenge_solve(*, posting: Posting, session_key: str, answer: str) -> bool:
    """Whether `answer` reads the newest challenge shown to this session. A challenge is good
    for one try: a wrong answer gets a new picture."""
    newest = CaptchaChallenge.objects.filter(
        posting=posting.path, session_key=session_key, used=False
    ).first()
    if newest is None:
        return False
    CaptchaChallenge.objects.filter(id=newest.id).update(used=True)
    return secrets.compare_digest(newest.answer.upper(), answer.strip().upper())


def sessions_expire() -> int:
    """End every visitor's session now (their next POST answers 'session expired')."""
    return Session.objects.filter(expire_date__gt=timezone.now()).update(expire_date=timezone.now())


def board_reset() -> None:
    """Forget everything: applications and their files, codes, challenges and sessions."""
    with transaction.atomic():
        Submission.objects.all().delete()
        VerificationCode.objects.all().delete()
        CaptchaChallenge.objects.all().delete()
        Session.objects.all().delete()
    for child in settings.UPLOADS_DIR.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
