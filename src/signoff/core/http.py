"""Small request and response helpers shared by the staff pages, the customer pages and the API."""

from __future__ import annotations

import logging
from collections.abc import Callable

from signoff.core.errors import SignoffError

logger = logging.getLogger(__name__)


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


def after_response(request, callback: Callable[[], object]) -> None:
    """Run `callback` once the answer has been sent, outside the request's time and locks.

    For bookkeeping a GET must not wait for, such as recording that a link was opened. The
    WSGI server closes the response after writing it (the test client too), and
    `AfterResponseMiddleware` runs the callbacks then. A request that did not pass through the
    middleware runs the callback at once.
    """
    pending = getattr(request, "_after_response", None)
    if pending is None:
        callback()
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
