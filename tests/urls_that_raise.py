"""The project's URLs and error handlers, with views that fail, for the 500 handler's tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from config.urls import handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


class Broken(RuntimeError):
    """A bug, as a view would meet one."""


def failing_view(request: HttpRequest) -> HttpResponse:
    raise Broken("secret detail of the failure at db.internal:5432")


class FailingApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> HttpResponse:
        raise Broken("secret detail of the failure at db.internal:5432")


urlpatterns = [
    path("api/test-failure/", failing_view),
    path("api/test-failure-in-drf/", FailingApi.as_view()),
    path("test-failure/", failing_view),
    *project_urlpatterns,
]
