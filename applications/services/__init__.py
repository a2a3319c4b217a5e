"""Writes of the applications domain, one module per job:

- `transitions`: the one way a task changes state (task_transition) and its table.
- `ingestion`: links in, tasks queued (run_create, run_add_jobs, job_apply).
- `preferences`: the postings a user's preferences exclude.
- `locks`: the per-user (user, posting) duplicate lock.
- `sessions`: the per-user session hand-out (who goes next when a session is given back).
- `queueing`: a task back into the queue.
- `task_actions`: cancel, retry, resume, boost.
- `preparing`: a worker claims a prepare message, records steps, stops at PENDING_APPROVAL.
- `preemption`: pause requests, yielding, the grace and the revoke, the wake-ups.
- `submitting`: a worker claims a submit message and makes the final click, at most once.
- `heartbeat`: a submit's heartbeat while its click runs.
- `failures`: the one failure path and the one attempt limit.
- `sweeps`: the beat's recovery of stale tasks and lost messages.
- `rechecks`: the profile's rules checked again right before the final click.
- `site_answers`: what the site says before any click (its session ended, applied already).
- `reposts`: a posting applied to before under another link is held with a warning.
- `pacing`: requests and applications per job site, across every worker (Redis).
- `applicants`: a user with a profile and a token.

The hand-written SQL they run is in applications.statements. The names below are the ones the
API, the admin, the approvals app and the workers call.
"""

from applications.services.applicants import applicant_create
from applications.services.failures import task_fail
from applications.services.ingestion import IngestResult, job_apply, run_add_jobs, run_create
from applications.services.locks import (
    application_claim,
    application_mark_applied,
    application_release,
)
from applications.services.pacing import site_of, site_request_turn, tasks_release_due
from applications.services.preemption import task_pause, task_request_pause_for
from applications.services.sessions import sessions_hand_out
from applications.services.sweeps import tasks_reconcile_queued, tasks_recover_stale
from applications.services.task_actions import task_boost, task_cancel, task_resume, task_retry
from applications.services.transitions import task_transition

__all__ = [
    "IngestResult",
    "applicant_create",
    "application_claim",
    "application_mark_applied",
    "application_release",
    "job_apply",
    "run_add_jobs",
    "run_create",
    "sessions_hand_out",
    "site_of",
    "site_request_turn",
    "task_boost",
    "task_cancel",
    "task_fail",
    "task_pause",
    "task_request_pause_for",
    "task_resume",
    "task_retry",
    "task_transition",
    "tasks_reconcile_queued",
    "tasks_recover_stale",
    "tasks_release_due",
]
