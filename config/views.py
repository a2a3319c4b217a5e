"""The site's own pages: the landing page at / and the API root at /api/."""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


class ApiRootApi(APIView):
    """The API's endpoints. Item paths take an id: `/api/runs/{id}/`, `/api/tasks/{id}/`, with
    the actions under a task (`cancel/`, `retry/`, `resume/`, `boost/`) and an approval
    (`approve/`, `reject/`, `wait/`); the schema and the docs describe every one. `events/` streams
    the signed-in user's changes as server-sent events."""

    # A map of the API, public like the docs; each endpoint asks for a sign-in itself.
    permission_classes = [AllowAny]
    endpoints = {
        "runs": "run-list",
        "tasks": "task-list",
        "applications": "application-list",
        "approvals": "approval-list",
        "approval_stats": "approval-stats",
        "approval_policy": "approval-policy",
        "approval_rules": "approval-rule-list",
        "events": "events",
        "notifications": "notification-list",
        "notification_endpoints": "notification-endpoint-list",
        "health": "health",
        "schema": "schema",
        "docs": "api-docs",
    }

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response(
            {name: reverse(url_name, request=request) for name, url_name in self.endpoints.items()}
        )


def api_view_name(view: APIView) -> str:
    """The browsable API's title for a view: its class name in words, without our `Api` suffix
    ("RunListApi" → "Run list")."""
    name = view.__class__.__name__.removesuffix("Api")
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).split()
    title = " ".join([words[0], *(word.lower() for word in words[1:])]) if words else name
    return f"{title} ({view.suffix})" if getattr(view, "suffix", None) else title
