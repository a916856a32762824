"""Small request and response helpers shared by the staff pages, the customer pages and the API."""

from __future__ import annotations

from signoff.core.errors import SignoffError
from signoff.core.validation import parse_id


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
