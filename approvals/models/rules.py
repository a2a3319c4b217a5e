"""Auto-approve rules: a user's conditions on a prepared application under which it is approved
at once, with no person involved (approvals.services.rules evaluates and checks them)."""

from django.conf import settings
from django.db import models


class AutoApproveRule(models.Model):
    """One of a user's rules. `conditions` is a list of {"field", "op", "value"}, every one of
    which must hold; the first enabled rule that matches, by `position` then id, approves the
    request, and the audit row names it (actor `rule:<name>`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auto_approve_rules"
    )
    name = models.CharField(max_length=100)
    conditions = models.JSONField(
        default=list,
        help_text='Every one must hold, e.g. [{"field": "posting.company", "op": "==", '
        '"value": "Acme"}].',
    )
    enabled = models.BooleanField(default=True)
    position = models.PositiveIntegerField(
        default=0, help_text="Rules are tried in this order (then by age); the first match wins."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="one_rule_name_per_user")
        ]
        indexes = [
            # The read in every prepare: a user's enabled rules, in order.
            models.Index(
                fields=["user", "position", "id"],
                name="rule_enabled_idx",
                condition=models.Q(enabled=True),
            )
        ]

    def __str__(self) -> str:
        return f"Rule {self.name!r} of {self.user_id}"
