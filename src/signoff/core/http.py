"""Small request and response helpers shared by the staff pages, the customer pages and the API."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from signoff.core.errors import SignoffError, TooLarge
from signoff.core.validation import parse_id

logger = logging.getLogger(__name__)


class IdConverter:
    """`<id:ro_id>` in a URL: a row id within the database's range. Django's `<int:…>` takes any
    run of digits, and a 20-digit one failed in the query (SQLite: OverflowError); here it
    matches no URL, so the answer is 404 like any other id that names nothing."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)  # Django reads this as "this URL does not match"
        return parsed

    def to_url(self, value: int) -> str:
        return str(value)


def client_address(request) -> str:
    # The app sits behind one trusted proxy at most, which must set REMOTE_ADDR to the client.
    return request.META.get("REMOTE_ADDR", "")


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:400]


def private(response, *, referrer_policy: str = "no-referrer"):
    """Headers for answers whose URL is a credential: never cached, never sent as a referrer."""
    response["Referrer-Policy"] = referrer_policy
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def retry_after(response, exc: SignoffError):
    """Tell clients (and well-behaved scripts) when to try again: a rate limit, an outage."""
    seconds = getattr(exc, "retry_after", None)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def request_too_large() -> TooLarge:
    """The 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django's RequestDataTooBig)."""
    return TooLarge(limit_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class PermissionsPolicyMiddleware:
    """Sends `Permissions-Policy`, turning off the browser features in PERMISSIONS_POLICY
    (camera, microphone, geolocation, payment, …) for every page and any frame in it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def after_response(request, callback: Callable[[], object]) -> None:
    """Run `callback` once the answer has been sent, outside the request's time and locks.

    For bookkeeping a GET must not wait for, such as recording that a link was opened. The
    WSGI server closes the response after writing it (the test client too), and
    `AfterResponseMiddleware` runs the callbacks then. A request that did not pass through the
    middleware runs the callback at once.
    """
    pending = getattr(request, "_after_response", None)
    if pending is None:
        _run_logged(callback)
    else:
        pending.append(callback)


class AfterResponseMiddleware:
    """Runs what views handed to `after_response`, when the server closes the response.

    Placed first, so the response it hooks is the one the server sends. A failing callback is
    logged with its traceback; the answer was already sent, so it cannot become an error page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._after_response = []
        response = self.get_response(request)
        callbacks, request._after_response = request._after_response, None
        if callbacks:
            close = response.close

            def close_after(callbacks=callbacks):
                try:
                    for callback in callbacks:
                        _run_logged(callback)
                finally:
                    # Django's close ends with request_finished, which closes old connections.
                    close()

            response.close = close_after
        return response


def _run_logged(callback: Callable[[], object]) -> None:
    try:
        callback()
    except Exception:
        logger.exception("Work after the response failed")
