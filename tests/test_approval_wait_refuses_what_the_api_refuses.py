"""GET /api/approvals/{id}/wait/ refuses as the rest of the API does, in its JSON shape: no
sign-in (401), another user's approval (404), a timeout that is not a number of seconds from 0
to APPROVAL_WAIT_MAX_SECONDS (400), another method (405)."""

import asyncio

import pytest
from django.test import AsyncClient

from tests.waiting import open_approval


def get(path: str, token: str | None = None, method: str = "get"):
    headers = {"Authorization": f"Token {token}"} if token else {}

    async def request():
        return await getattr(AsyncClient(), method)(path, headers=headers)

    return asyncio.run(request())


@pytest.fixture
def approval(transactional_db, owner):
    return open_approval(owner)


def test_a_waiter_not_signed_in_is_refused(approval):
    response = get(f"/api/approvals/{approval.pk}/wait/?timeout=1")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "error": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
    }


def test_a_waiter_with_a_wrong_token_is_refused(approval):
    response = get(f"/api/approvals/{approval.pk}/wait/?timeout=1", token="not-a-token")

    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"


def test_another_users_approval_is_not_found(approval, outsider_and_token):
    _, token = outsider_and_token

    response = get(f"/api/approvals/{approval.pk}/wait/?timeout=1", token=token)

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "Not found."}


@pytest.mark.parametrize("timeout", ["-1", "31", "soon", "nan", "inf"])
def test_a_timeout_out_of_range_is_refused(approval, owner_and_token, timeout):
    _, token = owner_and_token

    response = get(f"/api/approvals/{approval.pk}/wait/?timeout={timeout}", token=token)

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert body["detail"].startswith("timeout: ")
    assert "timeout" in body["fields"]


def test_another_method_is_not_allowed(approval, owner_and_token):
    _, token = owner_and_token

    response = get(f"/api/approvals/{approval.pk}/wait/", token=token, method="post")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()["error"] == "method_not_allowed"
