"""One posting to apply to within a run: its states, transitions and history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from applications.models.runs import ApplicationRun
from core.rows import StoredValuesMixin
from jobs.models import JobPosting


class TaskState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    WAITING_FOR_PERSON = "waiting_for_person", "Waiting for the person"
    PENDING_APPROVAL = "pending_approval", "Pending approval"
    APPROVED = "approved", "Approved"
    SUBMITTING = "submitting", "Submitting"
    SUBMITTED = "submitted", "Submitted"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


FINAL_STATES = frozenset(
    {
        TaskState.SUBMITTED,
        TaskState.FAILED,
        TaskState.SKIPPED,
        TaskState.REJECTED,
        TaskState.EXPIRED,
        TaskState.CANCELLED,
    }
)
ACTIVE_STATES = frozenset(set(TaskState) - FINAL_STATES)

# The message id of a queued task that waits for a free session of its user: no message of it
# is in the broker yet (applications.services, "Sessions").
WAITING = ""
# Queued tasks waiting for a session; tasks that hold one, or whose message will take one.
WAITS_FOR_SESSION = Q(state=TaskState.QUEUED, celery_task_id=WAITING)
HOLDS_SESSION = Q(state=TaskState.RUNNING) | (
    Q(state=TaskState.QUEUED) & ~Q(celery_task_id=WAITING)
)

# A submit in progress is never interrupted, so SUBMITTING cannot be cancelled.
CANCELLABLE_STATES = [
    TaskState.QUEUED,
    TaskState.RUNNING,
    TaskState.WAITING_FOR_PERSON,
    TaskState.PENDING_APPROVAL,
    TaskState.APPROVED,
]


class TaskPriority(models.IntegerChoices):
    NORMAL = 50, "Normal"
    BOOSTED = 100, "Boosted"


class ApplicationTask(StoredValuesMixin, FSMModelMixin, models.Model):
    """One posting to apply to within a run. `state` only changes through the transitions below,
    called by applications.services.transitions.task_transition, which writes them as an UPDATE
    conditional on the state they started from (core.rows says how), so that of two concurrent
    writers only one succeeds."""

    # Every change of state rewrites the row's index entries, several times per posting: an
    # index that another one already covers is left out (the run by the (run, job) constraint,
    # the user by task_user_state_idx).
    run = models.ForeignKey(
        ApplicationRun, on_delete=models.CASCADE, related_name="tasks", db_index=False
    )
    job = models.ForeignKey(JobPosting, on_delete=models.PROTECT, related_name="tasks")
    # The run's user, kept on the task so that per-user queries (ownership, session slots)
    # need no join.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="application_tasks",
        db_index=False,
    )
    state = FSMField(default=TaskState.QUEUED, choices=TaskState.choices, protected=True)
    priority = models.PositiveSmallIntegerField(
        choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    checkpoint = models.JSONField(
        default=dict,
        blank=True,
        help_text="Where a paused or recovered task resumes: the steps done, the values filled.",
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Times the task was claimed to be prepared (a pause is not one)."
    )
    submit_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Times a worker took up the task's submit."
    )
    # A JSON list rather than an array column: PostgreSQL's bulk insert of new tasks (UNNEST)
    # takes JSON, not arrays, and an ingestion inserts up to 10,000 tasks in one statement.
    yield_to = models.JSONField(
        default=list,
        blank=True,
        help_text="The ids of the user's approved tasks this paused task gave its session to: "
        "it resumes once they are submitted.",
    )
    last_error = models.TextField(blank=True, default="")
    celery_task_id = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="The id of the task's one live message. Empty while the task is queued and "
        "waits for a free session of its user (no message published yet).",
    )
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    pause_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when approved work needs this task's slot; the task yields at its next "
        "step boundary.",
    )
    not_before = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A queued task waiting for its site's next window of applications is not "
        "handed a session before this time.",
    )
    wait_reason = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="Why the task waits until not_before, for its card.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-priority", "queued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "job"], name="task_unique_job_per_run"),
        ]
        indexes = [
            # "Next task": state, priority desc, queued_at asc.
            models.Index(fields=["state", "-priority", "queued_at"], name="task_next_idx"),
            # Per-user views and session-slot counts.
            models.Index(fields=["user", "state"], name="task_user_state_idx"),
            # A user's tasks waiting for a free session, next first; and those holding one
            # (running, or queued with a message): what a session dispatch reads.
            models.Index(
                fields=["user", "-priority", "queued_at", "id"],
                name="task_waiting_idx",
                condition=WAITS_FOR_SESSION,
            ),
            models.Index(
                fields=["user"],
                name="task_session_idx",
                condition=HOLDS_SESSION,
            ),
        ]

    def __str__(self) -> str:
        return f"Task {self.pk} ({self.state})"

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def warnings(self) -> list[str]:
        """What the person should know before deciding (a repost, say): `checkpoint["warnings"]`.
        A task with warnings is never approved without a person."""
        checkpoint = self.checkpoint if isinstance(self.checkpoint, dict) else {}
        found = checkpoint.get("warnings")
        return [str(warning) for warning in found] if isinstance(found, list) else []

    @property
    def waits_for_session(self) -> bool:
        """Queued without a message: the user's sessions are all in use, and this task is
        published when one is given back."""
        return self.state == TaskState.QUEUED and self.celery_task_id == WAITING

    @transition(field=state, source=TaskState.QUEUED, target=TaskState.RUNNING)
    def claim(self) -> None:
        now = timezone.now()
        self.attempts += 1
        self.started_at = now
        self.heartbeat_at = now
        if self.yield_to:
            # Whatever it yielded to before is behind it now.
            self.yield_to = []
        if self.not_before is not None or self.wait_reason:
            # Its site's window has come.
            self.not_before = None
            self.wait_reason = ""

    @transition(field=state, source=TaskState.RUNNING, target=TaskState.QUEUED)
    def requeue(self, *, boost: bool = False, yield_to: list[int] | None = None) -> None:
        """Back to the queue from its checkpoint: paused for approved work (boosted, and
        yielding to the user's approved tasks), or found stale."""
        if boost:
            self.priority = TaskPriority.BOOSTED
        if yield_to is not None:
            self.yield_to = yield_to
        self.queued_at = timezone.now()
        self.heartbeat_at = None
        self.pause_requested_at = None

    @transition(field=state, source=TaskState.RUNNING, target=TaskState.QUEUED)
    def wait_for_site(self, *, until=None, why: str = "") -> None:
        """Back to the queue, without a message, until its site takes applications again
        (applications.services.pacing). The claim it came from is not counted as an attempt."""
        self.attempts = max(0, self.attempts - 1)
        self.not_before = until
        self.wait_reason = why
        self.heartbeat_at = None
        self.pause_requested_at = None

    @transition(field=state, source=TaskState.RUNNING, target=TaskState.WAITING_FOR_PERSON)
    def hand_off(self) -> None:
        """A step needs what only the person can give (a code, a CAPTCHA, a login): the task
        waits for the answer holding neither a worker slot nor its user's session, its step's
        progress in the checkpoint."""
        self.heartbeat_at = None
        self.pause_requested_at = None

    @transition(field=state, source=TaskState.WAITING_FOR_PERSON, target=TaskState.QUEUED)
    def answered(self) -> None:
        """The person answered: back to the queue ahead of normal work, to redo the step that
        asked, with the answer in the checkpoint's `handoff`."""
        self.priority = TaskPriority.BOOSTED
        self.queued_at = timezone.now()

    @transition(field=state, source=TaskState.RUNNING, target=TaskState.PENDING_APPROVAL)
    def prepared(self) -> None:
        self.heartbeat_at = None
        self.pause_requested_at = None

    @transition(field=state, source=TaskState.PENDING_APPROVAL, target=TaskState.APPROVED)
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=[TaskState.PENDING_APPROVAL, TaskState.WAITING_FOR_PERSON],
        target=TaskState.REJECTED,
    )
    def reject(self) -> None:
        self.finished_at = timezone.now()

    @transition(
        field=state,
        source=[
            TaskState.RUNNING,
            TaskState.WAITING_FOR_PERSON,
            TaskState.PENDING_APPROVAL,
            TaskState.APPROVED,
            TaskState.SUBMITTING,
        ],
        target=TaskState.EXPIRED,
    )
    def expire(self) -> None:
        """The approval's deadline passed, or the job site's session ended (before any click)."""
        self.finished_at = timezone.now()
        self.heartbeat_at = None
        self.pause_requested_at = None

    @transition(field=state, source=TaskState.APPROVED, target=TaskState.SUBMITTING)
    def start_submit(self) -> None:
        self.heartbeat_at = timezone.now()
        self.submit_attempts = 1

    @transition(field=state, source=TaskState.SUBMITTING, target=TaskState.SUBMITTED)
    def mark_submitted(self) -> None:
        self.finished_at = timezone.now()
        self.heartbeat_at = None

    @transition(
        field=state,
        source=[TaskState.RUNNING, TaskState.APPROVED, TaskState.SUBMITTING],
        target=TaskState.FAILED,
    )
    def fail(self) -> None:
        self.finished_at = timezone.now()
        self.heartbeat_at = None
        self.pause_requested_at = None

    # From SUBMITTING only before the click: the posting no longer passes the profile's rules,
    # or the site says the application exists already (applications.services.rechecks).
    @transition(
        field=state,
        source=[TaskState.QUEUED, TaskState.RUNNING, TaskState.SUBMITTING],
        target=TaskState.SKIPPED,
    )
    def skip(self) -> None:
        self.finished_at = timezone.now()
        self.heartbeat_at = None
        self.pause_requested_at = None

    @transition(field=state, source=CANCELLABLE_STATES, target=TaskState.CANCELLED)
    def cancel(self) -> None:
        self.finished_at = timezone.now()
        self.heartbeat_at = None
        self.not_before = None
        self.wait_reason = ""

    @transition(field=state, source=[TaskState.FAILED, TaskState.EXPIRED], target=TaskState.QUEUED)
    def retry(self) -> None:
        """Start over: the checkpoint is dropped and the attempts counted anew."""
        self.checkpoint = {}
        self.attempts = 0
        self.submit_attempts = 0
        self.yield_to = []
        self.last_error = ""
        self.priority = TaskPriority.NORMAL
        self.queued_at = timezone.now()
        self.finished_at = None

    @transition(field=state, source=TaskState.FAILED, target=TaskState.QUEUED)
    def resume(self) -> None:
        """Continue from the checkpoint, ahead of fresh work."""
        self.attempts = 0
        self.last_error = ""
        self.priority = TaskPriority.BOOSTED
        self.queued_at = timezone.now()
        self.finished_at = None


class TaskEvent(models.Model):
    """One append-only row per change of a task: who or what, from, to, why."""

    task = models.ForeignKey(ApplicationTask, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=TaskState.choices)
    to_state = models.CharField(max_length=20, choices=TaskState.choices)
    transition = models.CharField(max_length=40)
    actor = models.CharField(max_length=150, help_text="A user name, or system:<component>.")
    reason = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Task events are append-only.")
        super().save(*args, **kwargs)
