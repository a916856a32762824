"""The staff side's error pages (`signoff.urls` chooses them for every path outside /api/ and
/s/): styled like the app, saying what happened and what to do, never how it failed."""

from __future__ import annotations

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from signoff.core.errors import FormExpired, SignoffError

_TEMPLATES = {
    400: "400.html",
    403: "403.html",
    404: "404.html",
    413: "413.html",
    429: "429.html",
    503: "503.html",
}
# Shown inside the app's layout (the menu of a signed-in user): these come from views and the
# URL resolver, after the session and the user were read. The others use the bare layout and
# render without the request, so nothing reads the database (an outage, a body too large to
# read, a request refused before it reached a view).
_WITH_LAYOUT = {403, 404}
# Tells app.js what happened when an htmx request gets the page instead of its partial.
ERROR_HEADER = "X-Signoff-Error"


def error_page(request: HttpRequest, exc: SignoffError) -> HttpResponse:
    template = _TEMPLATES.get(exc.status, "500.html")
    context = {
        "message": exc.message,
        "form_expired": isinstance(exc, FormExpired),
        "limit_bytes": getattr(exc, "limit_bytes", None),
        "back_url": _back_url(request),
    }
    if exc.status in _WITH_LAYOUT:
        response = render(request, template, context, status=exc.status)
    else:
        response = HttpResponse(render_to_string(template, context), status=exc.status)
    response[ERROR_HEADER] = exc.code
    return response


def _back_url(request: HttpRequest) -> str:
    """Where "Go back" leads: the page the form was on when it is one of ours, else the RO
    list."""
    referer = request.headers.get("Referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        host = None
    if host and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return reverse("web:ro_list")
