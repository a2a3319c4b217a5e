"""What the notification tests share: a real HTTP server on 127.0.0.1 that records what it is
sent (a webhook receiver, a Slack or Apprise endpoint), and a request waiting for approval."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from applications.models import TaskState
from approvals.models import Notification
from approvals.services import approval_create, policy_save
from approvals.services.opening import Opening
from tests.factories import RunFactory, TaskFactory


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """An HTTP server in a thread that answers every POST with `status`, or, with `hang`, holds
    the request until `release()` (or its close)."""

    status: int = 200
    hang: bool = False
    requests: list[Received] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                receiver.requests.append(
                    Received(self.path, dict(self.headers.items()), body, time.monotonic())
                )
                receiver.arrived.set()
                if receiver.hang:
                    receiver.released.wait(30)
                try:
                    self.send_response(receiver.status)
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the client gave up waiting (a timeout under test)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def release(self) -> None:
        self.released.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


def approval_waiting(user, *, notify: list[str] | None = None, **policy) -> Opening:
    """A task of `user`'s waiting for approval, with its request made (and its notification rows)
    under a policy that sends on `notify`."""
    if notify is not None or policy:
        policy_save(user=user, **({"notify": notify} if notify is not None else {}), **policy)
    task = TaskFactory(run=RunFactory(user=user), state=TaskState.PENDING_APPROVAL)
    return approval_create(task=task)


def notifications_of(opening: Opening, **filters) -> list[Notification]:
    return list(
        Notification.objects.filter(request=opening.approval, **filters).order_by("channel", "pk")
    )
