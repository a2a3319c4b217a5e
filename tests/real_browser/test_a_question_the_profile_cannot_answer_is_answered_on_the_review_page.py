"""The multi-step form asks a required question the profile has no answer to: the prepare
stops before the final click with the question listed on the review page; the person answers it
there in Chromium and approves; the board receives that answer, and the profile keeps it for
next time."""

from applications.models import Profile, TaskState
from tests.engine.browsers import browser, shots
from tests.engine.helpers import wait_for_state

from .conftest import applicant, apply_to
from .people import approve_in_the_browser, board_link, review_link

__all__ = ["browser", "shots"]  # fixtures

QUESTION = "What is your favourite data structure, and why?"
ANSWER = "The trie: every prefix has a home."


def test_the_answer_given_on_the_review_page_is_submitted_and_saved(
    applying, board, web, browser, shots
):
    profile = applicant("lise")
    link = board_link(board.url, "multi-step")
    [task] = apply_to(profile, [link])
    task = wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=60)
    [question] = task.checkpoint["questions"]
    assert question["label"] == QUESTION and question["required"]

    approve_in_the_browser(
        browser,
        review_link(web, task),
        shots=shots,
        name="question",
        answers={f"question:{question['key']}": ANSWER},
    )

    task = wait_for_state(task, TaskState.SUBMITTED, timeout=60)
    [application] = board.submissions(link)
    assert ANSWER in application["values"].values(), application["values"]
    assert Profile.objects.get(pk=profile.pk).answers[QUESTION] == ANSWER
