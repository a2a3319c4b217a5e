"""GET /api/health/ says whether PostgreSQL and Redis answer, to anyone, and nothing more: no host,
port or error text, whatever is down."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

# Nothing listens on port 1: a connection there is refused at once.
CLOSED_PORT = "1"
# What a body must never hold, whatever failed.
DETAILS = ["127.0.0.1", "localhost", "5432", "6379", ":1", "refused", "error", "Error", "postgres"]


def get_health() -> tuple[int, dict, str]:
    response = Client().get("/api/health/")
    return response.status_code, response.json(), response.content.decode()


def assert_no_details(body: str) -> None:
    for detail in DETAILS:
        assert detail not in body, detail


@contextmanager
def database_at_a_closed_port() -> Iterator[None]:
    """The default database connection, reopened against a port nothing listens on; put back
    afterwards."""
    connection.close()
    saved = dict(connection.settings_dict)
    connection.settings_dict.update(HOST="127.0.0.1", PORT=CLOSED_PORT)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@pytest.mark.django_db
def test_health_is_ok_when_postgresql_and_redis_answer():
    status, body, _ = get_health()

    assert status == 200
    assert body == {"status": "ok", "database": "up", "redis": "up"}


@pytest.mark.django_db
def test_health_is_unavailable_when_redis_does_not_answer(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{CLOSED_PORT}/0"

    status, body, text = get_health()

    assert status == 503
    assert body == {"status": "unavailable", "database": "up", "redis": "down"}
    assert_no_details(text)


@pytest.mark.django_db(transaction=True)
def test_health_is_unavailable_when_postgresql_does_not_answer():
    with database_at_a_closed_port():
        status, body, text = get_health()

    assert status == 503
    assert body == {"status": "unavailable", "database": "down", "redis": "up"}
    assert_no_details(text)


@pytest.mark.django_db(transaction=True)
def test_health_is_unavailable_when_neither_answers(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{CLOSED_PORT}/0"
    with database_at_a_closed_port():
        status, body, text = get_health()

    assert status == 503
    assert body == {"status": "unavailable", "database": "down", "redis": "down"}
    assert_no_details(text)
