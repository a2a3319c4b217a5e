"""Approval requests made as a prepared task makes them, under a policy, and the people who
decide on them: the owner (the applicant) and two more approvers with accounts."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from applications.models import TaskState
from applications.services import applicant_create
from approvals.services import Opening, approval_create, policy_save
from config.dispatch import SUBMIT_TASK
from tests.engine.conftest import clear_broker
from tests.engine.helpers import messages_in
from tests.factories import TaskFactory


@pytest.fixture
def people(owner) -> dict[str, Any]:
    """The owner and two colleagues who may approve for them."""
    ann, _ = applicant_create(username="ann", password="ann-password", email="ann@example.com")
    bob, _ = applicant_create(username="bob", password="bob-password", email="bob@example.com")
    return {"owner": owner, "ann": ann, "bob": bob}


@pytest.fixture
def request_under(owner) -> Callable[..., Opening]:
    """An approval request of a new PENDING_APPROVAL task of the owner's, made under the
    owner's policy with the given fields."""

    def make(**policy: Any) -> Opening:
        if policy:
            policy_save(user=owner, **policy)
        task = TaskFactory(run__user=owner, state=TaskState.PENDING_APPROVAL)
        return approval_create(task=task)

    return make


def token_of(opening: Opening, label: str) -> str:
    return next(token for link, token in opening.links if link.label == label)


def submits_published() -> list[dict]:
    return [message for message in messages_in("approvals") if message["task"] == SUBMIT_TASK]


@pytest.fixture
def broker():
    clear_broker()
    yield
    clear_broker()


def at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `count` threads started together, each with its own connection to
    PostgreSQL; returns each one's result or the exception it raised."""
    ready = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(number: int) -> None:
        ready.wait()
        try:
            results[number] = work(number)
        except Exception as error:
            results[number] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
