from django.db import models

from jobs.canonical import MAX_KEY_LENGTH, MAX_NAME_LENGTH, MAX_TITLE_LENGTH, MAX_URL_LENGTH


class ApplicantTrackingSystem(models.TextChoices):
    GREENHOUSE = "greenhouse", "Greenhouse"
    LEVER = "lever", "Lever"
    ASHBY = "ashby", "Ashby"
    WORKDAY = "workday", "Workday"
    OTHER = "", "Other site"


class JobPosting(models.Model):
    """One posting, whatever link it was found by: `canonical_key` is the same for every link
    to it (see jobs.canonical), and unique, so a posting is stored once."""

    canonical_key = models.CharField(max_length=MAX_KEY_LENGTH, unique=True)
    url = models.URLField(max_length=MAX_URL_LENGTH)
    ats = models.CharField(
        "applicant tracking system",
        max_length=20,
        choices=ApplicantTrackingSystem.choices,
        blank=True,
        default=ApplicantTrackingSystem.OTHER,
    )
    external_id = models.CharField(max_length=MAX_NAME_LENGTH, blank=True, default="")
    company = models.CharField(max_length=MAX_NAME_LENGTH, blank=True, default="")
    title = models.CharField(max_length=MAX_TITLE_LENGTH, blank=True, default="")
    location = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        label = " — ".join(part for part in (self.company, self.title) if part)
        return label or self.canonical_key
