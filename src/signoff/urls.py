import sys

from django.contrib import admin
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from signoff.api import urls as api_urls
from signoff.core.errors import (
    BadRequest,
    FormExpired,
    NotAllowed,
    NotFound,
    ServerFault,
    SignoffError,
    Unavailable,
)
from signoff.core.health import is_database_outage
from signoff.core.http import request_too_large, retry_after
from signoff.portal import errors as portal_errors
from signoff.web.views import errors as web_errors
from signoff.web.views_health import healthz

API_PREFIX = "/api/"
PORTAL_PREFIX = portal_errors.PORTAL_PREFIX

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls.urls()),
    path("s/", include("signoff.portal.urls")),
    path("brand/", include("signoff.portal.brand_urls")),
    path("hooks/", include("signoff.hooks.urls")),
    path("dev/", include("signoff.web.urls_dev")),
    path("", include("signoff.web.urls")),
]


def error_answer(request: HttpRequest, exc: SignoffError, *, resolve: bool = True) -> HttpResponse:
    """The one place that decides which error page answers which request: the API's JSON
    error shape under /api/, the customer's page under /s/ (`resolve`: it may look the
    path's token up to name the shop), the staff page elsewhere. Never cached; Retry-After
    when the error has one."""
    if request.path_info.startswith(API_PREFIX):
        response = api_urls.error_response(request, exc)
    elif request.path_info.startswith(PORTAL_PREFIX):
        response = portal_errors.error_page(request, exc, resolve=resolve)
    else:
        response = web_errors.error_page(request, exc)
    response["Cache-Control"] = "no-store"
    return retry_after(response, exc)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's SuspiciousOperation answers (an unreadable request, a disallowed host), and a
    body over DATA_UPLOAD_MAX_MEMORY_SIZE, which is a 413 naming the limit."""
    if isinstance(exception, RequestDataTooBig):
        return error_answer(request, request_too_large())
    return error_answer(request, BadRequest())


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_answer(request, NotAllowed("You are not allowed to do that."))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_answer(request, NotFound())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form posted without a valid token, most often from a page left
    open too long. Django's reason is technical and stays in the log, not on the page."""
    return error_answer(request, FormExpired())


def server_error(request: HttpRequest) -> HttpResponse:
    """Every uncaught exception, from a view or a middleware (the session, the user, the shop).

    Django calls it with DEBUG off, inside its `except`, after logging the traceback. A
    database that does not answer is a 503 with Retry-After, and then nothing reads the
    database; anything else a 500.
    """
    outage = is_database_outage(sys.exc_info()[1])
    exc = Unavailable() if outage else ServerFault()
    return error_answer(request, exc, resolve=not outage)


handler400 = bad_request
handler403 = permission_denied
handler404 = page_not_found
handler500 = server_error
