from django.contrib import admin
from django.urls import include, path

from signoff.api.urls import api
from signoff.web.views_health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("s/", include("signoff.portal.urls")),
    path("hooks/", include("signoff.hooks.urls")),
    path("dev/", include("signoff.web.urls_dev")),
    path("", include("signoff.web.urls")),
]
