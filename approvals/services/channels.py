"""How each channel sends one notification: e-mail through Django's backend, webhooks signed as
Standard Webhooks says, Slack incoming webhooks with an "Open review page" button, and Apprise
URLs. Each sender raises SendFailed (worth another attempt) or Undeliverable (not worth one);
their messages name what went wrong and never the URL, which may hold a credential, nor the
link."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import apprise
import requests
from django.conf import settings
from django.core.mail import EmailMessage
from standardwebhooks.webhooks import Webhook

from approvals.models import Notification, NotificationChannel, NotificationKind
from approvals.services.tokens import token_unseal


class SendFailed(Exception):
    """This attempt did not reach the recipient; another may."""


class Undeliverable(Exception):
    """No attempt can reach the recipient (the endpoint is gone, its secret unreadable, ...)."""


def review_url(token: str) -> str:
    return f"{settings.SITE_URL}/approve/{token}/"


@dataclass(frozen=True)
class Message:
    """What every channel says about one request: the job, the deadline, the link."""

    kind: str
    approval_id: int
    task_id: int
    company: str
    title: str
    posting_url: str
    expires_at: datetime
    review_url: str
    for_applicant: bool
    applicant: str
    # What the page asks of the person (a code, a CAPTCHA, a login), for a NEEDS_PERSON message.
    prompt: str = ""

    @classmethod
    def of(cls, notification: Notification, *, token: str) -> Message:
        approval = notification.request
        job = approval.task.job
        return cls(
            kind=notification.kind,
            approval_id=approval.pk,
            task_id=approval.task_id,
            company=job.company,
            title=job.title,
            posting_url=job.url,
            expires_at=approval.expires_at,
            review_url=review_url(token),
            for_applicant=notification.link.user_id == approval.user_id,
            applicant=approval.user.get_username(),
            prompt=str((approval.task.checkpoint.get("handoff") or {}).get("prompt") or ""),
        )

    @property
    def subject(self) -> str:
        whose = "your application" if self.for_applicant else f"{self.applicant}'s application"
        if self.kind == NotificationKind.NEEDS_PERSON:
            return f"Needed from you for {whose} to {self.company}: {self.title}"
        subject = f"Approve {whose} to {self.company}: {self.title}"
        if self.kind == NotificationKind.REMINDER:
            return f"Reminder: {subject[0].lower()}{subject[1:]}"
        if self.kind == NotificationKind.ESCALATED:
            return f"Escalated to you: {subject[0].lower()}{subject[1:]}"
        return subject

    @property
    def expiry(self) -> str:
        return self.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")

    @property
    def text(self) -> str:
        if self.kind == NotificationKind.NEEDS_PERSON:
            return (
                f"{self.title} at {self.company} is being filled in, and the page asks for "
                f"something only you can give: {self.prompt}\n"
                f"Open the review page to answer before {self.expiry}:\n"
                f"{self.review_url}\n"
                "The application then carries on, and you approve it on the same page.\n"
            )
        return (
            f"{self.title} at {self.company} is filled in and waits for your decision.\n"
            f"Posting: {self.posting_url}\n"
            f"Open the review page to approve or reject it before {self.expiry}:\n"
            f"{self.review_url}\n"
            "Nothing is submitted unless it is approved.\n"
        )


def send_email(notification: Notification, message: Message) -> None:
    try:
        EmailMessage(subject=message.subject, body=message.text, to=[notification.address]).send(
            fail_silently=False
        )
    except OSError as error:
        # SMTP's errors are OSErrors; their text names the server, not the message.
        raise SendFailed(f"the mail server refused or could not be reached: {error}") from error


def webhook_body(message: Message) -> dict[str, Any]:
    return {
        "type": f"approval.{message.kind}",
        "timestamp": datetime.now(UTC).isoformat(),
        "data": {
            "approval_id": message.approval_id,
            "task_id": message.task_id,
            "company": message.company,
            "title": message.title,
            "url": message.posting_url,
            "review_url": message.review_url,
            "expires_at": message.expires_at.isoformat(),
        },
    }


def send_webhook(notification: Notification, message: Message) -> None:
    """A JSON POST signed as Standard Webhooks says: `webhook-id` (msg_<notification id>, the
    same on every attempt, so that the receiver can drop a repeat), `webhook-timestamp` and
    `webhook-signature` (HMAC-SHA256 under the endpoint's secret)."""
    endpoint = _endpoint(notification)
    secret = token_unseal(endpoint.sealed_secret)
    if not secret:
        raise Undeliverable("the endpoint's secret cannot be read (sealed under another key)")
    body = json.dumps(webhook_body(message), separators=(",", ":"))
    message_id = f"msg_{notification.pk}"
    now = datetime.now(UTC)
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, now, body),
    }
    _post(endpoint.url, body, headers)


def _mrkdwn(text: str) -> str:
    # Slack reads &, < and > as markup in message text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(message: Message) -> dict[str, Any]:
    posting = f"<{message.posting_url}|{_mrkdwn(message.title)}>"
    return {
        "text": message.subject,
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*{_mrkdwn(message.subject)}*\n{posting} at "
                    f"{_mrkdwn(message.company)}\nDecide before {message.expiry}.",
                },
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open review page"},
                        "url": message.review_url,
                        "style": "primary",
                    }
                ],
            },
        ],
    }


def send_slack(notification: Notification, message: Message) -> None:
    body = json.dumps(slack_body(message))
    _post(_endpoint(notification).url, body, {"content-type": "application/json"})


def send_apprise(notification: Notification, message: Message) -> None:
    plugin = apprise.Apprise.instantiate(_endpoint(notification).url)
    if plugin is None:
        raise Undeliverable("Apprise cannot read this URL")
    timeout = settings.NOTIFY_HTTP_TIMEOUT_SECONDS
    plugin.socket_connect_timeout = timeout
    plugin.socket_read_timeout = timeout
    sender = apprise.Apprise()
    sender.add(plugin)
    if not sender.notify(title=message.subject, body=message.text):
        raise SendFailed("Apprise could not deliver the message")


def _endpoint(notification: Notification):
    endpoint = notification.endpoint
    if endpoint is None or not endpoint.active:
        raise Undeliverable("the endpoint was removed or switched off")
    return endpoint


def _post(url: str, body: str, headers: dict[str, str]) -> None:
    """POST with a connect and a read timeout, so that an endpoint that does not answer cannot
    hold the worker; redirects are not followed (a signed body is for the URL it was signed
    for)."""
    timeout = settings.NOTIFY_HTTP_TIMEOUT_SECONDS
    try:
        response = requests.post(
            url,
            data=body.encode(),
            headers={"user-agent": "Applyline", **headers},
            timeout=(timeout, timeout),
            allow_redirects=False,
        )
    except requests.Timeout as error:
        raise SendFailed(f"no answer within {timeout:g} s") from error
    except requests.RequestException as error:
        raise SendFailed(f"could not reach the endpoint ({type(error).__name__})") from error
    if not 200 <= response.status_code < 300:
        raise SendFailed(f"the endpoint answered HTTP {response.status_code}")


SENDERS = {
    NotificationChannel.EMAIL: send_email,
    NotificationChannel.WEBHOOK: send_webhook,
    NotificationChannel.SLACK: send_slack,
    NotificationChannel.APPRISE: send_apprise,
}
