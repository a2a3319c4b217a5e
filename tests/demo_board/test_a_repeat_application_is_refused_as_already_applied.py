"""A second application to the same posting from the same e-mail address, even from another
visitor (another session), records nothing and says "already applied", with the date."""

import datetime
import re

import pytest

from tests.demo_board.visitors import (
    Visitor,
    apply_ashby,
    apply_careers,
    apply_greenhouse,
    apply_greenhouse_embed,
    apply_lever,
    apply_verified,
    unique_email,
    unique_number,
    unique_uuid,
)

TODAY = datetime.datetime.now(datetime.UTC).date().isoformat()


def _apply(board, style: str, email: str):
    """Send one application of `style`; returns (posting path, how to send it again)."""
    number = unique_number()
    if style == "greenhouse":
        path = f"/greenhouse/acme/jobs/{number}"
        return path, lambda: apply_greenhouse(Visitor(board.url), path, email)
    if style == "greenhouse_embed":
        path = f"/greenhouse/acme/jobs/{number}"
        return path, lambda: apply_greenhouse_embed(Visitor(board.url), "acme", number, email)
    if style == "lever":
        path = f"/lever/initech/{unique_uuid()}"
        return path, lambda: apply_lever(Visitor(board.url), path, email)
    if style == "ashby":
        path = f"/ashby/umbrella/{unique_uuid()}"
        return path, lambda: apply_ashby(Visitor(board.url), path, email)
    if style == "careers":
        path = f"/careers/hooli/{number}"
        return path, lambda: apply_careers(Visitor(board.url), path, email)
    path = f"/verified/stark/{number}"
    return path, lambda: apply_verified(Visitor(board.url), board, path, email)


@pytest.mark.parametrize(
    "style", ["greenhouse", "greenhouse_embed", "lever", "ashby", "careers", "verified"]
)
def test_a_repeat_is_refused(board, style):
    email = unique_email()
    path, send = _apply(board, style, email)
    assert send().status_code == 200

    again = send()

    assert again.status_code == 409
    if again.headers["Content-Type"].startswith("application/json"):
        assert again.json()["error"] == "already_applied"
        assert again.json()["detail"] == f"You have already applied to this job (on {TODAY})."
    else:
        assert "<h1>You have already applied to this job</h1>" in again.text
        assert re.search(
            rf'id="already-applied">You applied on <time [^>]*>{TODAY}</time>', again.text
        )
    assert len(board.submissions(path)) == 1


def test_the_two_greenhouse_forms_are_one_posting(board):
    job_id, email = unique_number(), unique_email()
    path = f"/greenhouse/acme/jobs/{job_id}"
    assert apply_greenhouse(Visitor(board.url), path, email).status_code == 200

    again = apply_greenhouse_embed(Visitor(board.url), "acme", job_id, email.upper())

    assert again.status_code == 409
    assert len(board.submissions(path)) == 1
