"""Three people, as in every test here: an owner, and an outsider who must never see the
owner's runs, tasks or applications."""

import pytest
from rest_framework.test import APIClient

from applications.services import applicant_create


def _client_for(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def owner_and_token(db):
    return applicant_create(username="owner", password="owner-password", email="o@example.com")


@pytest.fixture
def owner(owner_and_token):
    return owner_and_token[0]


@pytest.fixture
def outsider_and_token(db):
    return applicant_create(username="outsider", password="outsider-pass", email="x@example.com")


@pytest.fixture
def outsider(outsider_and_token):
    return outsider_and_token[0]


@pytest.fixture
def owner_client(owner_and_token) -> APIClient:
    return _client_for(owner_and_token[1])


@pytest.fixture
def outsider_client(outsider_and_token) -> APIClient:
    return _client_for(outsider_and_token[1])


@pytest.fixture(scope="session")
def board():
    """The demo board as its own process (tests/board.py), shared by the session's tests."""
    from tests.board import launch_board

    process = launch_board()
    yield process
    process.stop()
