"""A webhook is signed as Standard Webhooks says: the receiver's verifier, with the endpoint's
secret, takes it; with another secret it does not."""

import json

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from approvals.models import AuditEntry, NotificationChannel, NotificationStatus
from approvals.services import notification_send
from approvals.services.endpoints import endpoint_create, webhook_secret_new
from tests.notifications import Receiver, approval_waiting, notifications_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def test_a_webhook_verifies_with_the_standard_webhooks_verifier(owner, receiver, settings):
    endpoint, secret = endpoint_create(user=owner, kind="webhook", url=receiver.url)
    opening = approval_waiting(owner, notify=["webhook"])
    [notification] = notifications_of(opening)
    assert notification.channel == NotificationChannel.WEBHOOK
    assert notification.endpoint == endpoint

    assert notification_send(notification_id=notification.pk) == "sent"

    [received] = receiver.requests
    payload = Webhook(secret).verify(received.body, received.headers)
    assert received.headers["webhook-id"] == f"msg_{notification.pk}"
    assert payload["type"] == "approval.requested"
    data = payload["data"]
    assert data["approval_id"] == opening.approval.pk
    assert data["task_id"] == opening.approval.task_id
    job = opening.approval.task.job
    assert (data["company"], data["title"], data["url"]) == (job.company, job.title, job.url)
    assert data["review_url"] == f"{settings.SITE_URL}/approve/{opening.applicant_token}/"
    assert data["expires_at"] == opening.approval.expires_at.isoformat()
    with pytest.raises(WebhookVerificationError):
        Webhook(webhook_secret_new()).verify(received.body, received.headers)
    tampered = json.dumps({**payload, "type": "approval.escalated"})
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(tampered, received.headers)

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 1)
    [entry] = AuditEntry.objects.filter(request=opening.approval, action="notified")
    assert entry.data["channel"] == "webhook"
    assert entry.data["status"] == "sent"
    assert entry.data["recipient"] == endpoint.label
    assert opening.applicant_token not in json.dumps(entry.data)


def test_the_secret_is_in_the_standard_webhooks_format_and_stored_sealed(owner):
    endpoint, secret = endpoint_create(user=owner, kind="webhook", url="https://example.com/h")

    assert secret.startswith("whsec_")
    assert len(Webhook(secret)._whsecret) == 24
    assert secret not in endpoint.sealed_secret
