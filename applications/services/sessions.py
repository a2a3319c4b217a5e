"""The per-user session hand-out.

A user has at most MAX_SESSIONS_PER_USER browser sessions at once (DESIGN.md, "Slots"), so the
broker holds at most that many prepare messages of theirs: a queued task either has its message
(`celery_task_id`) or waits in the database without one (WAITING) until a session of its user
is given back, when the hand-out gives the next one (by priority, then age) a message id and
publishes it. The broker's queue therefore interleaves users: one user's 10,000 postings do not
hold everyone else's back, and an approval seldom finds its user's session taken by the next
posting in line. A paused task keeps its user's session (its message is published at once); it
resumes before the user's waiting work.
"""

from __future__ import annotations

from django.db import transaction

from applications import statements
from config import dispatch


def sessions_hand_out(*, user_id: int) -> int:
    """Publish as many of the user's waiting tasks as their free sessions allow (on commit of
    the caller's transaction). Run whenever a session may have been given back; idempotent, and
    safe at any time. Returns how many were handed a session."""
    hand_out = statements.HandOut(user_id=user_id)
    statements.write_hand_out(hand_out)
    publish_handed_out(hand_out)
    return len(hand_out.messages)


def hand_out_on_commit(user_id: int) -> None:
    """Hand out the user's free sessions once the caller's transaction commits (when its
    changes can be seen by every worker)."""
    transaction.on_commit(lambda: sessions_hand_out(user_id=user_id))


def publish_handed_out(hand_out: statements.HandOut) -> None:
    """Publish the prepare messages of the tasks a hand-out gave a session (on commit)."""
    dispatch.publish_prepare(hand_out.messages)
