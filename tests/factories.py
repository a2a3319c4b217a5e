import factory
from django.contrib.auth import get_user_model

from applications.models import (
    WAITING,
    Application,
    ApplicationRun,
    ApplicationTask,
    Profile,
    TaskState,
)
from jobs.models import JobPosting


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    first_name = "Ada"
    last_name = "Lovelace"
    email = factory.LazyAttribute(lambda profile: profile.user.email)


class JobPostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobPosting

    external_id = factory.Sequence(lambda n: str(1000 + n))
    company = factory.Sequence(lambda n: f"company{n}")
    canonical_key = factory.LazyAttribute(lambda job: f"greenhouse:{job.company}:{job.external_id}")
    url = factory.LazyAttribute(
        lambda job: f"https://boards.greenhouse.io/{job.company}/jobs/{job.external_id}"
    )
    ats = "greenhouse"
    title = "Software Engineer"


class RunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationRun

    user = factory.SubFactory(UserFactory)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationTask

    run = factory.SubFactory(RunFactory)
    user = factory.LazyAttribute(lambda task: task.run.user)
    job = factory.SubFactory(JobPostingFactory)
    state = TaskState.QUEUED
    # The message id its state implies: a queued task waits for its user's session (no message
    # yet, WAITING) unless a test gives it one; a task in any other state has had a message.
    celery_task_id = factory.LazyAttributeSequence(
        lambda task, n: WAITING if task.state == TaskState.QUEUED else f"message-of-{n}"
    )


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    user = factory.SubFactory(UserFactory)
    job = factory.SubFactory(JobPostingFactory)
