"""Wayne's Lever postings show a CAPTCHA: a wrong answer re-shows the form with "Please
complete the CAPTCHA" and a new picture, and records nothing; the answer a person reads (the
operator API plays the person here) goes through."""

import re

from tests.demo_board.visitors import Visitor, apply_lever, unique_email, unique_uuid


def test_a_wrong_answer_is_refused(board):
    path, email, visitor = f"/lever/wayne/{unique_uuid()}", unique_email(), Visitor(board.url)

    refused = apply_lever(visitor, path, email, captcha="WRONG")

    assert refused.status_code == 400
    assert "Please complete the CAPTCHA" in refused.text
    assert re.search(r'<div id="captcha" class="h-captcha"[^>]*>\s*<svg', refused.text)
    assert 'for="captcha_answer">Type the characters you see</label>' in refused.text
    assert board.submissions(path) == []


def test_the_answer_read_from_the_picture_goes_through(board):
    path, email, visitor = f"/lever/wayne/{unique_uuid()}", unique_email(), Visitor(board.url)

    def read_picture() -> str:
        return board.captcha(posting=path, session=visitor.session_cookie).lower()

    done = apply_lever(visitor, path, email, captcha=read_picture)

    assert done.status_code == 200, done.text
    assert "Application submitted!" in done.text
    assert len(board.submissions(path)) == 1


def test_the_picture_holds_no_text_of_the_answer(board):
    path, visitor = f"/lever/wayne/{unique_uuid()}", Visitor(board.url)
    page = visitor.open(path + "/apply").text
    answer = board.captcha(posting=path, session=visitor.session_cookie)

    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "<text" not in svg
    assert answer not in page


def test_other_companies_have_none(board):
    page = Visitor(board.url).open(f"/lever/initech/{unique_uuid()}/apply").text

    assert 'id="captcha"' not in page


def test_reloading_the_form_keeps_the_challenge_until_it_is_tried(board):
    path, email, visitor = f"/lever/wayne/{unique_uuid()}", unique_email(), Visitor(board.url)
    visitor.open(path + "/apply")
    shown = board.captcha(posting=path, session=visitor.session_cookie)
    visitor.open(path + "/apply")

    assert board.captcha(posting=path, session=visitor.session_cookie) == shown

    apply_lever(visitor, path, email, captcha="WRONG")
    assert board.captcha(posting=path, session=visitor.session_cookie) != shown
