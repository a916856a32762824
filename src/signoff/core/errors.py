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


class BadRequest(SignoffError):
    """A request that cannot be read at all (malformed, or refused by Django's own checks)."""

    def __init__(
        self,
        message: str = "The request could not be read. Check what was sent and try again.",
        **kwargs,
    ):
        super().__init__(message, **kwargs)


class TooLarge(SignoffError):
    """A request body over the server's limit (Django's DATA_UPLOAD_MAX_MEMORY_SIZE)."""

    status = 413
    code = "too_large"

    def __init__(self, *, limit_bytes: int, **kwargs):
        self.limit_bytes = limit_bytes
        super().__init__(
            f"The request body is larger than this server accepts: at most "
            f"{_size(limit_bytes)}. Send less at once.",
            **kwargs,
        )


def _size(n: int) -> str:
    """2.5 MB (2621440 bytes), 1.5 KB (1536 bytes), 1000 bytes."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            return f"{n / factor:.1f} {unit} ({n} bytes)"
    return f"{n} bytes"


class MethodNotAllowed(SignoffError):
    status = 405
    code = "method_not_allowed"

    def __init__(self, *, allowed: list[str], **kwargs):
        self.allowed = sorted(allowed)
        super().__init__(
            f"This path does not take that method. Use {', '.join(self.allowed)}.", **kwargs
        )


class ValidationFailed(SignoffError):
    status = 422
    code = "invalid"


class NotAllowed(SignoffError):
    """The user is known but their role does not allow this (technicians, for example)."""

    status = 403
    code = "forbidden"


class FormExpired(NotAllowed):
    """A form posted without a valid CSRF token: usually a page left open until its token
    expired (or cookies were cleared). Nothing was done; reloading the page fixes it."""

    code = "form_expired"

    def __init__(
        self,
        message: str = (
            "This page was open too long and its form expired, so nothing was saved. Reload "
            "the page and try again."
        ),
        **kwargs,
    ):
        super().__init__(message, **kwargs)


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
