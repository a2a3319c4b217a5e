"""The review page lists the profile's values no field on the page took (`checkpoint["unplaced"]`)
and shows the checkpoint's `warnings` above the decision buttons; the screenshot, a full-page
capture, scrolls inside its frame and opens at full size."""

import pytest
from django.test import Client

from tests.reviews import pending_review

pytestmark = pytest.mark.django_db

REPOST = "This posting was first published 94 days ago and reposted twice."


def test_what_was_not_filled_is_listed_and_the_warnings_come_before_the_buttons(owner):
    opening = pending_review(
        owner,
        values={"first_name": "Ada"},
        checkpoint={
            "unplaced": [
                {"field": "phone", "label": "Phone", "why": "no field on the page took it"}
            ],
            "warnings": [REPOST],
            "screenshot": "screenshots/form.png",
        },
    )

    page = Client().get(f"/approve/{opening.applicant_token}/").content.decode()

    assert "Not filled: <strong>Phone</strong> — no field on the page took it" in page
    assert page.index(REPOST) < page.index('value="approve"')
    assert 'class="warnings" role="alert"' in page
    assert '<div class="shot" role="region"' in page
    assert f'<a href="/approve/{opening.applicant_token}/screenshot/" target="_blank"' in page
