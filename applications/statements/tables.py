"""What the statements share: the tables' quoted names, the posting's columns a worker reads
with its claim, and the states and keys several statements use."""

from __future__ import annotations

from applications.models import (
    ApplicationTask,
    TaskState,
)
from core import rows
from jobs.models import JobPosting

# The states of an approved task on its way to the final click.
SUBMIT_STATES = (TaskState.APPROVED, TaskState.SUBMITTING)
# First key of the PostgreSQL advisory lock that serializes one user's ingestions.
INGESTION_LOCK_NAMESPACE = 7301


def tasks_table() -> str:
    return rows.quote(ApplicationTask._meta.db_table)


def jobs_table() -> str:
    return rows.quote(JobPosting._meta.db_table)


# The posting's columns a worker needs, read with its task's claim: `job_company`, `job_title`
# and `job_url` (the rules before the click, reposts, the site's pace).
POSTING_COLUMNS = "job.company AS job_company, job.title AS job_title, job.url AS job_url"


def submits_of(user: str) -> str:
    """A SELECT of the ids of a user's tasks on their way to the click (SUBMIT_STATES is its one
    parameter). `user`: an SQL expression."""
    return (
        f"SELECT submit.id FROM {tasks_table()} submit "
        f"WHERE submit.user_id = {user} AND submit.state = ANY(%s)"
    )
