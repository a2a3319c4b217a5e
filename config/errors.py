"""Django-level error pages: JSON under /api/, Django's own pages elsewhere."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "not_found", "detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        detail = "Something went wrong on our side; it has been logged."
        return JsonResponse({"error": "server_error", "detail": detail}, status=500)
    return defaults.server_error(request)
