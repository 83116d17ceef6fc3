from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import health_view

# Each app mounts its own routes under /api/v1/ (seed prefixes replaced, as DESIGN.md says).
api_v1 = [
    path("", include(f"{app}.urls"))
    for app in ("organizations", "accounts", "ai", "billing", "realtime", "metrics", "incidents", "scans")
]

urlpatterns = [
    path("health", health_view, name="health"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("api/v1/", include(api_v1)),
    path("api/v1/", include("config.distributed.urls")),  # the cluster view (seed B distributed/*)
    path("", include("web.urls")),  # the dashboard
]

handler400 = "config.api.views.bad_request"
handler403 = "config.api.views.permission_denied"
handler404 = "config.api.views.not_found"
handler500 = "config.api.views.server_error"
