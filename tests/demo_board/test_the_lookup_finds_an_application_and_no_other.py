"""The lookup page a site adapter reads to learn whether an application went through:
found for the posting and address applied with (through any of the posting's links), not
found for another address or posting."""

import re

import requests

from tests.demo_board.visitors import Visitor, apply_greenhouse, unique_email, unique_number


def _lookup(board, posting: str, email: str) -> requests.Response:
    return requests.get(
        board.url + "/lookup/", params={"posting": posting, "email": email}, timeout=10
    )


def test_found_and_not_found(board):
    job_id, email = unique_number(), unique_email()
    path = f"/greenhouse/acme/jobs/{job_id}"
    apply_greenhouse(Visitor(board.url), path, email)
    (submission,) = board.submissions(path)

    for link in (
        path,
        board.url + path + "?gh_src=mail",
        f"/greenhouse/embed/job_app?for=acme&token={job_id}",
    ):
        found = _lookup(board, link, email.upper())
        assert found.status_code == 200
        assert '<div id="lookup-result" data-found="true"' in found.text
        assert f'data-submission-id="{submission["id"]}"' in found.text
        assert "<h1>Application found</h1>" in found.text

    for posting, address in (
        (path, unique_email()),
        (f"/greenhouse/acme/jobs/{job_id + 1}", email),
    ):
        missing = _lookup(board, posting, address)
        assert missing.status_code == 200
        assert re.search(r'id="lookup-result" data-found="false"', missing.text)
        assert "<h1>No application found</h1>" in missing.text


def test_a_link_of_no_posting_is_unknown(board):
    answer = _lookup(board, "/nowhere/at/all", unique_email())

    assert answer.status_code == 400
    assert 'data-found="unknown"' in answer.text
