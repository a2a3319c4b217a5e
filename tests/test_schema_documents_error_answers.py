"""Every error status an endpoint can answer is documented, with the {error, detail} body."""

import pytest

from tests.schema import api_schema, response_schema

pytestmark = pytest.mark.django_db

SIGNED_IN = {"401"}
WITH_BODY = {"400", "401", "403", "413", "415"}
EXPECTED = {
    ("/api/runs/", "get"): SIGNED_IN | {"400", "404"},
    ("/api/runs/", "post"): WITH_BODY,
    ("/api/runs/{run_id}/", "get"): SIGNED_IN | {"404"},
    ("/api/runs/{run_id}/jobs/", "post"): WITH_BODY | {"404"},
    ("/api/tasks/", "get"): SIGNED_IN | {"400", "404"},
    ("/api/tasks/{task_id}/", "get"): SIGNED_IN | {"404"},
    ("/api/tasks/{task_id}/cancel/", "post"): SIGNED_IN | {"403", "404", "409"},
    ("/api/tasks/{task_id}/retry/", "post"): SIGNED_IN | {"403", "404", "409"},
    ("/api/tasks/{task_id}/resume/", "post"): SIGNED_IN | {"403", "404", "409"},
    ("/api/tasks/{task_id}/boost/", "post"): SIGNED_IN | {"403", "404", "409"},
    ("/api/applications/", "get"): SIGNED_IN | {"400", "404"},
    ("/api/applications/{application_id}/", "get"): SIGNED_IN | {"404"},
    ("/api/jobs/{job_id}/apply/", "post"): SIGNED_IN | {"403", "404", "409"},
    ("/api/approvals/", "get"): SIGNED_IN | {"400", "404"},
    ("/api/approvals/{approval_id}/", "get"): SIGNED_IN | {"404"},
    ("/api/approvals/stats/", "get"): SIGNED_IN | {"400"},
    ("/api/approval-policy/", "get"): SIGNED_IN,
    ("/api/approval-policy/", "put"): WITH_BODY,
    ("/api/approval-policy/", "patch"): WITH_BODY,
    ("/api/runs/{run_id}/approval-policy/", "get"): SIGNED_IN | {"404"},
    ("/api/runs/{run_id}/approval-policy/", "put"): WITH_BODY | {"404"},
    ("/api/runs/{run_id}/approval-policy/", "patch"): WITH_BODY | {"404"},
    ("/api/approval-rules/", "get"): SIGNED_IN | {"400", "404"},
    ("/api/approval-rules/", "post"): WITH_BODY | {"409"},
    ("/api/approval-rules/{rule_id}/", "get"): SIGNED_IN | {"404"},
    ("/api/approval-rules/{rule_id}/", "put"): WITH_BODY | {"404", "409"},
    ("/api/approval-rules/{rule_id}/", "patch"): WITH_BODY | {"404", "409"},
    ("/api/approval-rules/{rule_id}/", "delete"): SIGNED_IN | {"404"},
    ("/api/approvals/{approval_id}/approve/", "post"): WITH_BODY | {"404", "409", "410"},
    ("/api/approvals/{approval_id}/reject/", "post"): WITH_BODY | {"404", "409", "410"},
    ("/api/approvals/by-token/{token}/approve/", "post"): WITH_BODY - SIGNED_IN
    | {"404", "409", "410"},
    ("/api/approvals/by-token/{token}/reject/", "post"): WITH_BODY - SIGNED_IN
    | {"404", "409", "410"},
    ("/api/approvals/{approval_id}/wait/", "get"): SIGNED_IN | {"400", "404"},
    ("/api/notifications/", "get"): SIGNED_IN | {"400", "404"},
    ("/api/notifications/{notification_id}/read/", "post"): SIGNED_IN | {"403", "404"},
    ("/api/notification-endpoints/", "get"): SIGNED_IN | {"400", "404"},
    ("/api/notification-endpoints/", "post"): WITH_BODY,
    ("/api/notification-endpoints/{endpoint_id}/", "delete"): SIGNED_IN | {"404"},
}


def test_every_operation_documents_each_error_it_answers_with_the_error_body():
    schema = api_schema()

    documented = {
        (path, method): {status for status in operation["responses"] if status >= "400"}
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }

    assert documented == EXPECTED
    for path, method in documented:
        for status in documented[path, method]:
            body = response_schema(schema, path, method, status)
            assert set(body["required"]) == {"error", "detail"}, (path, method, status)
            assert body["properties"]["error"]["type"] == "string"
            assert body["properties"]["detail"]["type"] == "string"
