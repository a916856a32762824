"""Errors a user can cause. Services raise them; the API and the web UI turn them into messages.

Each carries a stable `code`, a sentence saying what was wrong and how to fix it, and (for bad
input) a message per field. The HTTP status for the API lives here too, so it is decided once.
The last two are the server's, not the user's: the error pages (`signoff.urls` `handler500`)
answer an uncaught exception with them.
"""

from __future__ import annotations


class SignoffError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, fields: dict[str, str] | None = None, code: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class ValidationFailed(SignoffError):
    status = 422
    code = "invalid"


class NotAllowed(SignoffError):
    """The user is known but their role does not allow this (technicians, for example)."""

    status = 403
    code = "forbidden"


class NotFound(SignoffError):
    """Missing, or another shop's: the two are never told apart."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "Not found.", **kwargs):
        super().__init__(message, **kwargs)


class Conflict(SignoffError):
    status = 409
    code = "conflict"


class StaleVersion(Conflict):
    code = "stale_version"


class LinkGone(SignoffError):
    """An expired or revoked share link."""

    status = 410
    code = "link_gone"


class RateLimited(SignoffError):
    status = 429
    code = "rate_limited"


class Unavailable(SignoffError):
    """The database does not answer (down, restarting, unreachable): try again shortly."""

    status = 503
    code = "unavailable"
    retry_after = 30

    def __init__(
        self,
        message: str = (
            "Signoff cannot reach its database right now. Nothing was changed; "
            "try again in a minute."
        ),
        **kwargs,
    ):
        super().__init__(message, **kwargs)


class ServerFault(SignoffError):
    """Any other uncaught error: a bug, logged with its traceback, never shown to the client."""

    status = 500
    code = "server_error"

    def __init__(
        self,
        message: str = (
            "Something went wrong on our side, and it has been logged. Try again; if it keeps "
            "happening, tell the shop's administrator."
        ),
        **kwargs,
    ):
        super().__init__(message, **kwargs)
