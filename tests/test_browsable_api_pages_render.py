"""Every list and detail page of the API renders in the browsable API for a user signed in by
session, and shows only that user's rows."""

import pytest
from rest_framework.test import APIClient

from applications.services import task_transition
from approvals.services import approval_create
from tests.factories import ApplicationFactory, JobPostingFactory, RunFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owners_rows(owner):
    run = RunFactory(user=owner, name="Owner's Monday run")
    task = TaskFactory(run=run, job=JobPostingFactory(company="ownerco"))
    task_transition(task=task, transition="claim", actor="test")
    task_transition(task=task, transition="prepared", actor="test")
    approval = approval_create(task=task).approval
    application = ApplicationFactory(user=owner, job=task.job)
    return {"run": run, "task": task, "approval": approval, "application": application}


def browser_of(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def html(client: APIClient, path: str):
    return client.get(path, HTTP_ACCEPT="text/html")


@pytest.mark.parametrize(
    ("list_path", "detail_path"),
    [
        ("/api/runs/", "/api/runs/{run.pk}/"),
        ("/api/tasks/", "/api/tasks/{task.pk}/"),
        ("/api/tasks/?state=pending_approval&run={run.pk}", "/api/tasks/{task.pk}/"),
        ("/api/applications/", "/api/applications/{application.pk}/"),
        ("/api/approvals/?status=pending", None),
    ],
)
def test_list_and_detail_pages_render_for_a_signed_in_user(
    owner, owners_rows, list_path, detail_path
):
    browser = browser_of(owner)
    pages = [html(browser, list_path.format(**owners_rows))]
    if detail_path:
        pages.append(html(browser, detail_path.format(**owners_rows)))

    for page in pages:
        assert page.status_code == 200
        assert page["Content-Type"].startswith("text/html")
        assert "ownerco" in page.content.decode() or "Monday run" in page.content.decode()


@pytest.mark.parametrize(
    "path", ["/api/runs/", "/api/tasks/", "/api/applications/", "/api/approvals/"]
)
def test_an_outsider_sees_none_of_the_owners_rows_on_a_list_page(outsider, owners_rows, path):
    browser = browser_of(outsider)

    page = html(browser, path)
    listed = browser.get(path, HTTP_ACCEPT="application/json")

    assert page.status_code == 200
    assert "ownerco" not in page.content.decode()
    assert "Monday run" not in page.content.decode()
    assert listed.json()["count"] == 0
