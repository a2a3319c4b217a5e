"""GET /api/events/ through the real web process: a `retry:` hint first, then each change of the
signed-in user's tasks and approvals as a server-sent event as it is committed, and nothing of
another user's. Signed out, a 401."""

import json
import socket
import time

import pytest

from approvals.services import approval_decide
from tests.waiting import open_approval, private_redis, subscribers, wait_until, web_process

__all__ = ["private_redis"]


class Stream:
    """A raw HTTP/1.1 GET of the event stream, read as it comes."""

    def __init__(self, port: int, token: str | None) -> None:
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=10)
        authorization = f"Authorization: Token {token}\r\n" if token else ""
        self.socket.sendall(
            f"GET /api/events/ HTTP/1.1\r\nHost: 127.0.0.1\r\n{authorization}\r\n".encode()
        )
        self.received = b""

    def read_until(self, text: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.received:
            assert time.monotonic() < deadline, self.received.decode()
            chunk = self.socket.recv(65536)
            assert chunk, self.received.decode()
            self.received += chunk
        return self.received.decode()

    def close(self) -> None:
        self.socket.close()


def events_of(received: str, kind: str) -> list[dict]:
    return [
        json.loads(block.split("data: ", 1)[1].split("\r\n", 1)[0].split("\n", 1)[0])
        for block in received.split(f"event: {kind}\n")[1:]
    ]


def test_the_stream_carries_the_users_changes_and_no_one_elses(
    transactional_db, owner_and_token, outsider, private_redis, tmp_path
):
    owner, token = owner_and_token
    mine, theirs = open_approval(owner, "mine"), open_approval(outsider, "theirs")

    with web_process(tmp_path / "web.log", private_redis.url) as web:
        stream = Stream(web.port, token)
        try:
            head = stream.read_until("retry: ")
            assert head.startswith("HTTP/1.1 200")
            assert "content-type: text/event-stream" in head.lower()
            wait_until(lambda: subscribers(private_redis) == 1, message="nobody subscribed")

            approval_decide(approval_id=theirs.pk, user=outsider, approve=False)
            approval_decide(approval_id=mine.pk, user=owner, approve=False)

            received = stream.read_until("event: approval")
            received = stream.read_until('"state":"rejected"')
        finally:
            stream.close()

    [approval] = events_of(received, "approval")
    assert approval["id"] == mine.pk
    assert approval["status"] == "rejected"
    tasks = events_of(received, "task")
    assert [(task["id"], task["state"]) for task in tasks] == [(mine.task_id, "rejected")]


@pytest.mark.django_db
def test_the_stream_refuses_a_client_not_signed_in(client):
    response = client.get("/api/events/")

    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
