"""A decision's changes (the approval and its task) reach the user's channel in one message, on
commit; a transaction rolled back publishes nothing; Redis down costs a warning, never the
decision."""

import json
import logging

import pytest
import redis
from django.conf import settings
from django.db import transaction

from applications.services import task_transition
from approvals.models import ApprovalRequest, ApprovalStatus
from approvals.services import approval_decide
from core import events
from tests.waiting import free_port, open_approval


@pytest.fixture
def channel(owner):
    """The owner's channel, subscribed to."""
    subscription = redis.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=True)
    subscription.subscribe(events.user_channel(owner.pk))
    assert subscription.get_message(timeout=1) is None  # the confirmation
    yield subscription
    subscription.close()


def messages(subscription) -> list[dict]:
    received = []
    while (message := subscription.get_message(timeout=0.3)) is not None:
        received.append(json.loads(message["data"]))
    return received


def test_a_decision_publishes_its_approval_and_task_in_one_message(
    transactional_db, owner, channel
):
    approval = open_approval(owner)
    messages(channel)  # the preparation's

    approval_decide(approval_id=approval.pk, user=owner, approve=False)

    [message] = messages(channel)
    assert [(event["kind"], event["data"]["id"]) for event in message["events"]] == [
        ("task", approval.task_id),
        ("approval", approval.pk),
    ]
    assert message["events"][1]["data"]["status"] == ApprovalStatus.REJECTED


def test_a_transaction_rolled_back_publishes_nothing(transactional_db, owner, channel):
    approval = open_approval(owner)
    messages(channel)

    with pytest.raises(RuntimeError), transaction.atomic():
        task_transition(task=approval.task, transition="reject", actor="test")
        raise RuntimeError("rolled back")

    assert messages(channel) == []


def test_redis_down_costs_a_warning_not_the_decision(transactional_db, owner, caplog, settings):
    approval = open_approval(owner)
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"

    with caplog.at_level(logging.WARNING, logger="core.events"):
        approval_decide(approval_id=approval.pk, user=owner, approve=False)

    assert ApprovalRequest.objects.get(pk=approval.pk).status == ApprovalStatus.REJECTED
    [warning] = [record for record in caplog.records if record.name == "core.events"]
    assert "could not publish change events" in warning.getMessage()
