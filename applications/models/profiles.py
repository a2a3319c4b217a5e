"""The applicant: what goes into the forms, and which postings they never want."""

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """The applicant: what goes into the forms, and which postings they never want."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    first_name = models.CharField(max_length=100, blank=True, default="")
    last_name = models.CharField(max_length=100, blank=True, default="")
    email = models.EmailField(blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    location = models.CharField(
        max_length=200, blank=True, default="", help_text="Where the applicant lives: a city."
    )
    current_company = models.CharField(
        max_length=200, blank=True, default="", help_text="The applicant's present employer."
    )
    resume = models.FileField(upload_to="resumes/", blank=True)
    links = models.JSONField(default=list, blank=True, help_text="LinkedIn, GitHub, portfolio.")
    answers = models.JSONField(
        default=dict, blank=True, help_text="Saved answers to common questions, by question."
    )
    company_blocklist = models.JSONField(
        default=list, blank=True, help_text="Company names never to apply to (any case)."
    )
    avoid_title_keywords = models.JSONField(
        default=list, blank=True, help_text="Skip postings whose title contains any of these."
    )
    max_applications_per_company = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 = apply once per company; empty = no limit."
    )

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or str(self.user)
