"""An application sent after the board's session has ended (its TTL passed, or the operator
expired every session) answers 401 "Your session has expired" and records nothing, and so does
a page visited with the cookie of an ended session; the TTL counts from the first visit,
however often the visitor comes back."""

import time

import pytest
import requests

from tests.board import launch_board
from tests.demo_board.visitors import (
    Visitor,
    apply_greenhouse,
    resume,
    unique_email,
    unique_number,
    unique_uuid,
)


@pytest.fixture(scope="module")
def short_board():
    board = launch_board(ttl=2)
    yield board
    board.stop()


def test_a_plain_form_after_the_ttl(short_board):
    path, visitor = f"/lever/initech/{unique_uuid()}", Visitor(short_board.url)
    visitor.open(path + "/apply")
    time.sleep(2.5)

    answer = visitor.post(
        path + "/apply", {"name": "Ada", "email": unique_email()}, {"resume": resume()}
    )

    assert answer.status_code == 401
    assert "<h1>Your session has expired</h1>" in answer.text
    assert short_board.submissions(path) == []


def test_the_ttl_counts_from_the_first_visit(short_board):
    """A step posted saves the session again without pushing its end back. The cookie is sent
    by hand: the cookie's own expiry is in whole seconds, and the server is what is tested."""
    path = f"/careers/hooli/{unique_number()}"
    visitor = Visitor(short_board.url)
    visitor.open(path)
    cookies = {"board_session": visitor.session_cookie}
    token = {"csrfmiddlewaretoken": visitor.token}
    time.sleep(1)
    contact = {
        "step": "1",
        "action": "next",
        "first_name": "Ada",
        "last_name": "L",
        "email": unique_email(),
    }
    moved = requests.post(
        short_board.url + path, data={**token, **contact}, cookies=cookies, timeout=10
    )
    assert "Step 2 of 3" in moved.text
    time.sleep(1.3)

    question = {"step": "2", "action": "next", "favourite_data_structure": "A trie"}
    answer = requests.post(
        short_board.url + path, data={**token, **question}, cookies=cookies, timeout=10
    )

    assert answer.status_code == 401
    assert "<h1>Your session has expired</h1>" in answer.text


def test_a_script_driven_form_after_the_operator_expires_every_session(board):
    path, visitor = f"/greenhouse/acme/jobs/{unique_number()}", Visitor(board.url)
    visitor.open(path)
    assert board.expire_sessions() >= 1

    answer = visitor.post(path + "/apply", {"email": unique_email()}, script=True)

    assert answer.status_code == 401
    assert answer.json()["error"] == "session_expired"
    assert board.submissions(path) == []


def test_a_visit_with_an_ended_sessions_cookie_is_told_so_then_starts_again(board):
    path, email = f"/greenhouse/acme/jobs/{unique_number()}", unique_email()
    visitor = Visitor(board.url)
    visitor.open(path)
    ended = visitor.session_cookie
    board.expire_sessions()

    told = visitor.open(path)

    assert told.status_code == 401
    assert "<h1>Your session has expired</h1>" in told.text
    assert visitor.session_cookie != ended
    # apply_greenhouse opens the page again first: a new session, a new token.
    assert apply_greenhouse(visitor, path, email).status_code == 200
    assert len(board.submissions(path)) == 1
