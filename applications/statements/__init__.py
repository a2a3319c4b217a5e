"""Every hand-written SQL statement of the applications domain, one function each, in one
package with a module per job: reads (claims, running work, submits under way, recent
submissions), writes (step boundaries, heartbeats, pause requests, the lock), sessions (the
hand-out), transitions (a transition with the rows of its new state), and tables (what they
share).

These run on the path every posting takes, several times per posting, so each is one round
trip. Each function says what it reads or writes and which test pins the number of statements
of the path it is on; the services call them and decide what the results mean. The column
layout comes from the models (core.rows), and the conditions that define "waiting for a
session" and "holding one" are the models' WAITS_FOR_SESSION and HOLDS_SESSION, written out
here once (tests/test_session_hand_out.py checks that both agree).
"""

from applications.statements.reads import (
    ascii_key,
    read_for_prepare_claim,
    read_for_submit_claim,
    read_locked,
    read_recent_submissions_like,
    read_running_of_user,
    read_running_with_submit_counts,
    read_submits_under_way,
)
from applications.statements.sessions import HandOut, write_hand_out
from applications.statements.tables import INGESTION_LOCK_NAMESPACE, SUBMIT_STATES
from applications.statements.transitions import Along, write_transition
from applications.statements.writes import (
    application_lock_upsert,
    lock_ingestions_of,
    write_heartbeat,
    write_pause_requests,
    write_step_boundary,
)

__all__ = [
    "INGESTION_LOCK_NAMESPACE",
    "SUBMIT_STATES",
    "Along",
    "HandOut",
    "application_lock_upsert",
    "ascii_key",
    "lock_ingestions_of",
    "read_for_prepare_claim",
    "read_for_submit_claim",
    "read_locked",
    "read_recent_submissions_like",
    "read_running_of_user",
    "read_running_with_submit_counts",
    "read_submits_under_way",
    "write_hand_out",
    "write_heartbeat",
    "write_pause_requests",
    "write_step_boundary",
    "write_transition",
]
