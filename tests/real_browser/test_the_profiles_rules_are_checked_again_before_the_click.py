"""Right before the final click the profile's rules are checked again: a company added to the
blocklist after its posting was prepared is SKIPPED with the reason and nothing reaches the
board; and a repost (the same company and title as one applied to lately, under a new link) is
held for the person with its warning on the review page."""

import requests

from applications.models import Profile, TaskState
from tests.engine.helpers import approve, wait_for_state

from .conftest import applicant, apply_to
from .people import api_client, board_link, last_reason, review_link


def test_a_company_blocked_after_preparing_is_skipped_before_the_click(applying, board):
    profile = applicant("nina")
    link = board_link(board.url, "greenhouse")
    [task] = apply_to(profile, [link])
    task = wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=60)
    assert task.checkpoint["posting"]["company"] == "Acme Robotics"

    Profile.objects.filter(pk=profile.pk).update(company_blocklist=["ACME robotics, Inc."])
    approve(api_client(profile.user), task)

    task = wait_for_state(task, TaskState.SKIPPED, timeout=60)
    assert "blocklist" in last_reason(task), last_reason(task)
    assert board.submissions(link) == []


def test_a_repost_under_a_new_link_is_held_with_its_warning(applying, board, web):
    profile = applicant("olga")
    first = board_link(board.url, "greenhouse", number=7_000_001)
    [applied] = apply_to(profile, [first])
    wait_for_state(applied, TaskState.PENDING_APPROVAL, timeout=60)
    approve(api_client(profile.user), applied)
    wait_for_state(applied, TaskState.SUBMITTED, timeout=60)

    # Ten ids on: the same company and title under another link.
    [repost] = apply_to(profile, [board_link(board.url, "greenhouse", number=7_000_011)])
    repost = wait_for_state(repost, TaskState.PENDING_APPROVAL, timeout=60)

    [warning] = repost.checkpoint["warnings"]
    assert "repost" in warning.lower() and "Acme Robotics" in warning
    page = requests.get(review_link(web, repost), timeout=10)
    assert page.status_code == 200
    assert "repost" in page.text.lower()
    assert repost.approval_request.status == "pending"
