"""In-app notifications and notification endpoints through the API: each user sees and changes
only their own; bad input is a JSON 400 that changes nothing; a webhook's secret is shown once."""

import pytest

from approvals.models import AuditEntry, NotificationEndpoint, NotificationStatus
from tests.notifications import approval_waiting, notifications_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_app(owner):
    opening = approval_waiting(owner, notify=["in_app"])
    [notification] = notifications_of(opening)
    return opening, notification


def test_an_in_app_notification_is_sent_when_made_and_audited(in_app):
    opening, notification = in_app

    assert notification.status == NotificationStatus.SENT
    assert notification.sent_at is not None
    [entry] = AuditEntry.objects.filter(request=opening.approval, action="notified")
    assert entry.data["channel"] == "in_app"


def test_the_list_shows_the_users_notifications_with_their_link(in_app, owner_client, settings):
    opening, notification = in_app

    response = owner_client.get("/api/notifications/")

    assert response.status_code == 200
    [item] = response.json()["results"]
    job = opening.approval.task.job
    assert item["id"] == notification.pk
    assert item["kind"] == "requested"
    assert item["approval"] == opening.approval.pk
    assert (item["company"], item["title"]) == (job.company, job.title)
    assert item["review_url"] == f"{settings.SITE_URL}/approve/{opening.applicant_token}/"
    assert item["status"] == "sent"
    assert item["read_at"] is None


def test_another_users_notifications_are_neither_listed_nor_marked(in_app, outsider_client):
    _, notification = in_app

    assert outsider_client.get("/api/notifications/").json()["results"] == []
    response = outsider_client.post(f"/api/notifications/{notification.pk}/read/")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_read_and_the_unread_filter(in_app, owner_client):
    _, notification = in_app

    response = owner_client.post(f"/api/notifications/{notification.pk}/read/")

    assert response.status_code == 200
    assert response.json()["status"] == "read"
    first_read = response.json()["read_at"]
    assert first_read is not None
    again = owner_client.post(f"/api/notifications/{notification.pk}/read/")
    assert again.json()["read_at"] == first_read
    assert owner_client.get("/api/notifications/?unread=true").json()["results"] == []
    read = owner_client.get("/api/notifications/?unread=false").json()["results"]
    assert [item["id"] for item in read] == [notification.pk]


def test_an_unreadable_filter_is_a_400(owner_client):
    response = owner_client.get("/api/notifications/?unread=maybe")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_a_webhook_endpoint_shows_its_secret_once(owner_client):
    response = owner_client.post(
        "/api/notification-endpoints/",
        {"kind": "webhook", "url": "https://example.com/hooks/applyline", "name": "CI"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert (body["kind"], body["name"], body["active"]) == ("webhook", "CI", True)
    listed = owner_client.get("/api/notification-endpoints/").json()["results"]
    assert [item["id"] for item in listed] == [body["id"]]
    assert "secret" not in listed[0]


def test_slack_and_apprise_endpoints_have_no_secret(owner_client):
    for kind, url in [
        ("slack", "https://hooks.slack.com/services/T0/B0/x"),
        ("apprise", "ntfy://applyline-demo"),
    ]:
        response = owner_client.post(
            "/api/notification-endpoints/", {"kind": kind, "url": url}, format="json"
        )
        assert response.status_code == 201, response.json()
        assert response.json()["secret"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "webhook", "url": "ftp://example.com/hook"},
        {"kind": "webhook", "url": "https://example.com/hook\n"},
        {"kind": "slack", "url": "ntfy://topic"},
        {"kind": "apprise", "url": "nosuchservice://x"},
        {"kind": "fax", "url": "https://example.com/"},
        {"url": "https://example.com/"},
        {"kind": "webhook", "url": 7},
    ],
)
def test_an_endpoint_the_kind_does_not_take_is_a_400_and_saves_nothing(owner_client, body):
    response = owner_client.post("/api/notification-endpoints/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert NotificationEndpoint.objects.count() == 0


def test_deleting_an_endpoint_is_for_its_owner_only(owner_client, outsider_client):
    created = owner_client.post(
        "/api/notification-endpoints/",
        {"kind": "slack", "url": "https://hooks.slack.com/services/T0/B0/x"},
        format="json",
    ).json()

    refused = outsider_client.delete(f"/api/notification-endpoints/{created['id']}/")
    assert refused.status_code == 404
    assert refused.json()["error"] == "not_found"
    assert outsider_client.get("/api/notification-endpoints/").json()["results"] == []
    assert owner_client.delete(f"/api/notification-endpoints/{created['id']}/").status_code == 204
    assert not NotificationEndpoint.objects.exists()
