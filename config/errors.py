"""Django-level error pages: JSON under /api/, Django's own pages elsewhere."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

API_NOT_FOUND = "api-not-found"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"error": "not_found", "detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        detail = "The request cannot be read."
        return JsonResponse({"error": "bad_request", "detail": detail}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        detail = "Something went wrong on our side; it has been logged."
        return JsonResponse({"error": "server_error", "detail": detail}, status=500)
    return defaults.server_error(request)


def _endpoint_with_slash(request: HttpRequest) -> bool:
    """Whether the path names an endpoint once its trailing slash is added."""
    try:
        match = resolve(f"{request.path_info}/", getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return match.url_name != API_NOT_FOUND


# It changes nothing, whatever the method: a POST to an unknown path is a JSON 404, not CSRF's
# HTML 403.
@csrf_exempt
def api_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """The last route under /api/, so that an unknown path answers JSON even with DEBUG on,
    where Django would render its technical 404 page instead of calling handler404.

    Being a route, it also matches a known path without its trailing slash, which
    CommonMiddleware would have redirected: that redirect is made here instead (for GET and
    HEAD; a POST redirected would lose its body, so it is a 404 as in production)."""
    if (
        settings.APPEND_SLASH
        and not request.path_info.endswith("/")
        and request.method in ("GET", "HEAD")
        and _endpoint_with_slash(request)
    ):
        return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return not_found(request, Resolver404())
