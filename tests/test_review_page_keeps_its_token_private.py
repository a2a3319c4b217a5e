"""Every answer behind a link is private: not stored by caches (no-store), not indexed
(noindex), and sends no referrer to another site (the posting's link is rel="noreferrer" too).
The page with the forms sends a referrer to its own site only, without which browsers post
its forms with `Origin: null`, which the CSRF check refuses."""

import pytest
from django.test import Client

from tests.reviews import pending_review

pytestmark = pytest.mark.django_db


def private(response, referrer_policy: str = "no-referrer") -> bool:
    return (
        response["Cache-Control"] == "no-store"
        and response["X-Robots-Tag"] == "noindex"
        and response["Referrer-Policy"] == referrer_policy
    )


def test_the_page_with_the_forms_sends_a_referrer_to_its_own_site_only(owner):
    opening = pending_review(owner)

    response = Client().get(f"/approve/{opening.applicant_token}/")

    assert private(response, "same-origin")
    assert 'rel="noreferrer noopener"' in response.content.decode()


def test_every_other_answer_sends_no_referrer(owner):
    opening = pending_review(owner)
    token = opening.applicant_token
    client = Client()

    decided = client.post(f"/approve/{token}/", {"decision": "approve"})
    answers = [
        decided,
        client.get(f"/approve/{token}/"),
        client.get(f"/approve/{token}/status/"),
        client.get(f"/approve/{token}/screenshot/"),
        client.get("/approve/not-a-token/"),
        client.get("/approve/not-a-token/status/"),
    ]

    assert [answer.status_code for answer in answers] == [302, 200, 200, 404, 404, 404]
    assert all(private(answer) for answer in answers)
