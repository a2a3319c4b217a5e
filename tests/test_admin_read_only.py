"""The admin of the models with a state machine (tasks, applications, approval requests) shows
them and never writes them: their change forms are read-only, and nothing is added or deleted
there. Their pages, filters and search still work."""

import json

import pytest

from applications.models import (
    Application,
    ApplicationStatus,
    ApplicationTask,
    TaskEvent,
    TaskPriority,
    TaskState,
)
from applications.services import application_claim, run_create, task_transition
from approvals.models import ApprovalRequest, ApprovalStatus
from approvals.services import approval_create
from tests.factories import RunFactory, TaskFactory

pytestmark = pytest.mark.django_db

TASKS = "/admin/applications/applicationtask/"
APPLICATIONS = "/admin/applications/application/"
APPROVALS = "/admin/approvals/approvalrequest/"


@pytest.fixture
def approval(owner) -> ApprovalRequest:
    """A task of the owner's waiting for approval, with its duplicate lock and its request."""
    task = run_create(user=owner, job_urls=["https://jobs.lever.co/acme/1234-abcd"]).tasks[0]
    task_transition(task=task, transition="claim", actor="test")
    application_claim(user=owner, job=task.job, task=task)
    task_transition(task=task, transition="prepared", actor="test")
    approval = approval_create(task=task).approval
    return approval


@pytest.fixture
def task(approval) -> ApplicationTask:
    return ApplicationTask.objects.get(pk=approval.task_id)


@pytest.fixture
def application(task) -> Application:
    return Application.objects.get(user=task.user, job=task.job)


def test_posting_a_task_change_form_changes_nothing(admin_client, task):
    events = TaskEvent.objects.filter(task=task).count()
    response = admin_client.post(
        f"{TASKS}{task.pk}/change/",
        {
            "run": task.run_id,
            "job": task.job_id,
            "user": task.user_id,
            "priority": TaskPriority.BOOSTED,
            "checkpoint": json.dumps({"step": "submit"}),
            "last_error": "edited",
            "pause_requested_at_0": "2030-01-01",
            "pause_requested_at_1": "00:00:00",
            "events-TOTAL_FORMS": str(events),
            "events-INITIAL_FORMS": str(events),
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        },
    )

    assert response.status_code == 403
    stored = ApplicationTask.objects.get(pk=task.pk)
    assert (stored.state, stored.priority, stored.checkpoint, stored.last_error) == (
        TaskState.PENDING_APPROVAL,
        TaskPriority.NORMAL,
        task.checkpoint,
        "",
    )
    assert stored.pause_requested_at is None
    assert TaskEvent.objects.filter(task=task).count() == events


def test_posting_an_application_change_form_changes_nothing(admin_client, application):
    response = admin_client.post(
        f"{APPLICATIONS}{application.pk}/change/",
        {
            "user": application.user_id,
            "job": application.job_id,
            "has_been_applied_to": "on",
            "last_applied_at_0": "2030-01-01",
            "last_applied_at_1": "00:00:00",
            "claimed_by_task": "",
            "_save": "Save",
        },
    )

    assert response.status_code == 403
    stored = Application.objects.get(pk=application.pk)
    assert (stored.status, stored.has_been_applied_to, stored.claimed_by_task_id) == (
        ApplicationStatus.IN_PROGRESS,
        False,
        application.claimed_by_task_id,
    )


def test_posting_an_approval_change_form_changes_nothing(admin_client, approval):
    response = admin_client.post(
        f"{APPROVALS}{approval.pk}/change/",
        {
            "task": approval.task_id,
            "user": approval.user_id,
            "expires_at_0": "2030-01-01",
            "expires_at_1": "00:00:00",
            "decided_by": "",
            "_save": "Save",
        },
    )

    assert response.status_code == 403
    stored = ApprovalRequest.objects.get(pk=approval.pk)
    assert (stored.status, stored.expires_at) == (ApprovalStatus.PENDING, approval.expires_at)


@pytest.mark.parametrize("page", [TASKS, APPLICATIONS, APPROVALS])
def test_the_change_forms_offer_no_save_button(admin_client, approval, page):
    row = {TASKS: approval.task_id, APPLICATIONS: Application.objects.get().pk}.get(
        page, approval.pk
    )

    response = admin_client.get(f"{page}{row}/change/")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="_save"' not in content
    assert 'name="_continue"' not in content
    assert "/delete/" not in content


@pytest.mark.parametrize("page", [TASKS, APPLICATIONS, APPROVALS])
def test_nothing_is_added_there(admin_client, page):
    assert admin_client.get(f"{page}add/").status_code == 403


def test_a_task_is_not_deleted_there(admin_client, owner):
    # Queued and without history yet: nothing else in the admin holds its deletion back.
    task = TaskFactory(run=RunFactory(user=owner))

    response = admin_client.post(f"{TASKS}{task.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert ApplicationTask.objects.filter(pk=task.pk).exists()


def test_an_application_is_not_deleted_there(admin_client, application):
    response = admin_client.post(f"{APPLICATIONS}{application.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Application.objects.filter(pk=application.pk).exists()


def test_an_approval_is_not_deleted_there(admin_client, approval):
    response = admin_client.post(f"{APPROVALS}{approval.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert ApprovalRequest.objects.filter(pk=approval.pk).exists()


def test_the_bulk_delete_action_is_not_offered_for_tasks(admin_client, owner):
    task = TaskFactory(run=RunFactory(user=owner))

    response = admin_client.post(
        TASKS, {"action": "delete_selected", "_selected_action": [task.pk], "post": "yes"}
    )

    assert response.status_code in (200, 302)
    assert ApplicationTask.objects.filter(pk=task.pk).exists()


def test_a_runs_page_offers_no_way_to_add_a_task(admin_client, task):
    response = admin_client.get(f"/admin/applications/applicationrun/{task.run_id}/change/")

    assert response.status_code == 200
    [tasks] = response.context["inline_admin_formsets"]
    assert not tasks.has_add_permission
    assert not tasks.has_change_permission
    assert 'name="tasks-MAX_NUM_FORMS" value="0"' in response.content.decode()


@pytest.mark.parametrize(
    "page",
    [
        TASKS,
        f"{TASKS}?state__exact=pending_approval",
        f"{TASKS}?priority__exact=50&job__ats__exact=lever",
        f"{TASKS}?q=acme",
        APPLICATIONS,
        f"{APPLICATIONS}?status__exact=in_progress&q=owner",
        APPROVALS,
        f"{APPROVALS}?status__exact=pending&q=acme",
        "/admin/applications/taskevent/",
        "/admin/applications/applicationrun/",
        "/admin/jobs/jobposting/",
        "/admin/",
    ],
)
def test_the_list_pages_render_with_their_filters_and_search(admin_client, approval, page):
    response = admin_client.get(page)

    assert response.status_code == 200


def test_the_task_list_filters_and_searches(admin_client, approval, owner):
    other = run_create(user=owner, job_urls=["https://boards.greenhouse.io/globex/jobs/77"])

    pending = admin_client.get(f"{TASKS}?state__exact=pending_approval")
    searched = admin_client.get(f"{TASKS}?q=globex")

    assert [task.pk for task in pending.context["cl"].result_list] == [approval.task_id]
    assert [task.pk for task in searched.context["cl"].result_list] == [other.tasks[0].pk]
