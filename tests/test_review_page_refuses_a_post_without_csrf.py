"""A decision posted to the review page without its CSRF token is refused (403) and changes
nothing; with the token the page gave, it is taken."""

import pytest
from django.test import Client

from approvals.models import ApprovalRequest, ApprovalStatus
from tests.reviews import every_row, pending_review

pytestmark = pytest.mark.django_db


def test_a_post_without_the_csrf_token_is_a_403_and_changes_nothing(owner):
    opening = pending_review(owner)
    path = f"/approve/{opening.applicant_token}/"
    client = Client(enforce_csrf_checks=True)
    client.get(path)  # the page sets the CSRF cookie
    before = every_row()

    response = client.post(path, {"decision": "approve"})

    assert response.status_code == 403
    assert every_row() == before


def test_a_post_with_the_pages_csrf_token_is_taken(owner):
    opening = pending_review(owner)
    path = f"/approve/{opening.applicant_token}/"
    client = Client(enforce_csrf_checks=True)
    token = client.get(path).context["csrf_token"]

    response = client.post(path, {"decision": "approve", "csrfmiddlewaretoken": str(token)})

    assert response.status_code == 302
    assert ApprovalRequest.objects.get(pk=opening.approval.pk).status == ApprovalStatus.APPROVED
