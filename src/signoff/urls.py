import sys

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from signoff.api import urls as api_urls
from signoff.core.errors import ServerFault, Unavailable
from signoff.core.health import is_database_outage
from signoff.core.http import retry_after
from signoff.portal import views as portal_views
from signoff.web.views import errors as web_errors
from signoff.web.views_health import healthz

API_PREFIX = "/api/"
PORTAL_PREFIX = "/s/"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls.api.urls),
    path("s/", include("signoff.portal.urls")),
    path("hooks/", include("signoff.hooks.urls")),
    path("dev/", include("signoff.web.urls_dev")),
    path("", include("signoff.web.urls")),
]


def server_error(request: HttpRequest) -> HttpResponse:
    """Every uncaught exception, from a view or a middleware (the session, the user, the shop).

    Django calls it with DEBUG off, inside its `except`, after logging the traceback. A
    database that does not answer is a 503 with Retry-After, anything else a 500; the API
    answers in its JSON error shape, the customer pages in the customer's language, the staff
    pages with a styled page. None of them reads the database.
    """
    exc = Unavailable() if is_database_outage(sys.exc_info()[1]) else ServerFault()
    if request.path_info.startswith(API_PREFIX):
        response = api_urls.server_error(request, exc)
    elif request.path_info.startswith(PORTAL_PREFIX):
        response = portal_views.server_error(request, exc)
    else:
        response = web_errors.server_error(request, exc)
    response["Cache-Control"] = "no-store"
    return retry_after(response, exc)


handler500 = server_error
