"""The simulated driver's `fill` step fills in the applicant's profile: the checkpoint's values
are what the review page shows and what would be submitted."""

import pytest

from applications.models import ApplicationTask
from tests.factories import ProfileFactory, RunFactory, TaskFactory
from workers.services import prepare_application

pytestmark = pytest.mark.django_db

STEPS = ["open", "login", "fill", "answer", "review"]


def prepared(task: ApplicationTask) -> ApplicationTask:
    assert prepare_application(task_id=task.pk, message_id="message-1") == "prepared"
    return ApplicationTask.objects.get(pk=task.pk)


def test_the_values_filled_are_the_applicants_name_email_phone_and_answers():
    profile = ProfileFactory(phone="+44 20 7946 0958", answers={"Notice period?": "Two weeks"})
    task = TaskFactory(
        run=RunFactory(user=profile.user),
        celery_task_id="message-1",
        checkpoint={"simulate": {"steps": STEPS, "step_seconds": 0}},
    )

    task = prepared(task)

    assert task.checkpoint["values"] == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": profile.user.email,
        "phone": "+44 20 7946 0958",
        "answers": {"Notice period?": "Two weeks"},
    }


def test_an_applicant_without_a_profile_gets_no_values():
    task = TaskFactory(
        celery_task_id="message-1", checkpoint={"simulate": {"steps": STEPS, "step_seconds": 0}}
    )

    assert prepared(task).checkpoint["values"] == {}
