"""The screenshot of the filled form, when the task has one, is shown on the review page and
served behind the link (never from a public media address); a path that leaves MEDIA_ROOT
serves nothing."""

import pytest
from django.test import Client

from applications.models import ApplicationTask
from tests.reviews import pending_review

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "screenshots").mkdir(parents=True)
    (settings.MEDIA_ROOT / "screenshots" / "form.png").write_bytes(PNG)
    (tmp_path / "secret.txt").write_text("not media")
    return settings.MEDIA_ROOT


def with_screenshot(owner, path: str):
    opening = pending_review(owner)
    task = ApplicationTask.objects.get(pk=opening.approval.task_id)
    ApplicationTask.objects.filter(pk=task.pk).update(
        checkpoint={**task.checkpoint, "screenshot": path}
    )
    return opening.applicant_token


def test_the_screenshot_is_shown_and_served_behind_the_link(owner, media):
    token = with_screenshot(owner, "screenshots/form.png")

    page = Client().get(f"/approve/{token}/").content.decode()
    image = Client().get(f"/approve/{token}/screenshot/")

    assert f'<img src="/approve/{token}/screenshot/"' in page
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content) == PNG


def test_a_path_outside_the_media_root_serves_nothing(owner, media):
    token = with_screenshot(owner, "../secret.txt")

    assert Client().get(f"/approve/{token}/screenshot/").status_code == 404


def test_a_task_without_a_screenshot_shows_none(owner, media):
    opening = pending_review(owner)
    token = opening.applicant_token

    assert "<img" not in Client().get(f"/approve/{token}/").content.decode()
    assert Client().get(f"/approve/{token}/screenshot/").status_code == 404
