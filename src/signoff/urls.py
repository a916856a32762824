from django.contrib import admin
from django.urls import include, path

from signoff.api.urls import api
from signoff.web.views_health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("s/", include("signoff.portal.urls")),
    path("hooks/", include("signoff.sharing.urls_hooks")),
    path("dev/", include("signoff.sharing.urls_dev")),
    path("", include("signoff.sharing.urls")),
    path("", include("signoff.approvals.urls")),
    path("", include("signoff.portal.urls_staff")),
    path("", include("signoff.web.urls")),
]
