"""A run: the postings a user asked to apply to together."""

from django.conf import settings
from django.db import models


class ApplicationRun(models.Model):
    """A batch of postings a user asked Applyline to apply to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="runs"
    )
    name = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or f"Run {self.pk}"
