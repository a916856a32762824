"""The staff side's answer to an uncaught error (`signoff.urls` handler500): a styled page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from signoff.core.errors import SignoffError


def server_error(request: HttpRequest, exc: SignoffError) -> HttpResponse:
    """503.html while the database is down, else 500.html.

    Rendered without the request: no context processor runs, so neither the session, the user
    nor the current shop is read, and the page renders while the database is down.
    """
    template = "503.html" if exc.status == 503 else "500.html"
    return HttpResponse(render_to_string(template), status=exc.status)
