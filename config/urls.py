from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import errors, event_stream, views
from config.health import health

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("api/", views.ApiRootApi.as_view(), name="api-root"),
    path("api/health/", health, name="health"),
    path("api/events/", event_stream.events, name="events"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api-auth/", include("rest_framework.urls")),
    path("api/", include("applications.urls")),
    path("api/", include("approvals.urls")),
    path("approve/", include("approvals.page_urls")),
    # Last: any other path under /api/ is a JSON 404, in DEBUG too.
    re_path(r"^api/(?P<path>.*)$", errors.api_not_found, name=errors.API_NOT_FOUND),
]

handler400 = "config.errors.bad_request"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
