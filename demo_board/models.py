"""What the board keeps: every application it received (the witness that nothing was sent twice),
the verification codes it "e-mailed", and the CAPTCHA challenges it showed."""

from django.db import models


class Submission(models.Model):
    """One application received. A posting takes one application per e-mail address: the
    unique constraint settles two submissions racing each other."""

    style = models.CharField(max_length=20)
    company = models.CharField(max_length=100)
    job_id = models.CharField(max_length=100)
    # Which form it came through: greenhouse (current hosted), greenhouse_embed, lever, ashby,
    # careers, verified.
    form = models.CharField(max_length=30)
    email = models.CharField(max_length=254)
    # The fields as the form posted them, by the form's own names (files apart).
    values = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["style", "company", "job_id", "email"], name="one_application_per_email"
            )
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.style}/{self.company}/{self.job_id} by {self.email}"


class SubmittedFile(models.Model):
    submission = models.ForeignKey(Submission, related_name="files", on_delete=models.CASCADE)
    field = models.CharField(max_length=200)
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Relative to DEMO_BOARD_UPLOADS.
    stored = models.CharField(max_length=500)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class VerificationCode(models.Model):
    """A code "sent" by e-mail: listed in the operator's outbox, valid only in the session that
    asked for it."""

    posting = models.CharField(max_length=300)
    email = models.CharField(max_length=254)
    code = models.CharField(max_length=6)
    session_key = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"code for {self.email}"


class CaptchaChallenge(models.Model):
    posting = models.CharField(max_length=300)
    session_key = models.CharField(max_length=40)
    answer = models.CharField(max_length=10)
    # Tried already: a challenge is good for one answer, right or wrong.
    used = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"challenge for {self.posting}"
