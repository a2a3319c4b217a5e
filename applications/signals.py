"""Signals of the applications domain, for the apps that build on it (imports run one way:
approvals knows applications, never the reverse). Sent inside the transaction of the change,
so a receiver's writes commit or roll back with it; publish nothing from a receiver except on
commit."""

from django.dispatch import Signal

# A task was cancelled (task, actor, reason): the approvals app cancels its open request.
task_cancelled = Signal()
