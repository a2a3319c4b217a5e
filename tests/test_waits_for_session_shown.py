"""Which queued tasks wait for a session, as the API and the admin show it."""

import pytest

from applications.services import run_create, sessions_hand_out


def urls(prefix: str, count: int) -> list[str]:
    return [f"https://boards.greenhouse.io/{prefix}/jobs/{number}" for number in range(count)]


@pytest.mark.django_db
def test_the_api_says_which_queued_tasks_wait_for_a_session(owner, owner_client):
    tasks = run_create(user=owner, job_urls=urls("acme", 2)).tasks
    sessions_hand_out(user_id=owner.pk)

    response = owner_client.get("/api/tasks/")

    assert response.status_code == 200
    body = response.json()
    listed = {task["id"]: task["waits_for_session"] for task in body.get("results", body)}
    assert listed == {tasks[0].pk: False, tasks[1].pk: True}


@pytest.mark.django_db
def test_the_admin_task_list_shows_which_tasks_wait_for_a_session(owner, admin_client):
    run_create(user=owner, job_urls=urls("acme", 2))

    response = admin_client.get("/admin/applications/applicationtask/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Waits for a session" in page
    assert page.count('alt="True"') == 2
