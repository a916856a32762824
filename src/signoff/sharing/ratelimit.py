"""The customer side's limits: share-link guessing per client address, approvals and PDF
downloads per link.

All count in `core.ratelimit`, with the limit and window from settings (PORTAL_RATE_LIMIT
per PORTAL_RATE_WINDOW_SECONDS). A lookup only reads the count, in the same query that looks
the token up (so opening a real link writes nothing); a token that is no link is then counted in one atomic
statement and judged by the count it made, so only guesses use up the limit, and at most the
limit of them are ever answered "not found". The price of a GET that writes nothing: guesses
already past the read when the limit is reached are looked up, so a client tests at most the
limit plus the lookups it has in flight at that moment (bounded by the web servers' threads:
4 per gunicorn process) per window, against tokens of 256 bits.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.utils.translation import ngettext

from signoff.core import ratelimit
from signoff.core.errors import RateLimited

# Submitting approvals is rarer than opening pages: a few tries per window is plenty.
APPROVALS_PER_WINDOW = 10
# A PDF costs more to make than a page; a contact downloads one a few times at most.
DOWNLOADS_PER_WINDOW = 30


def seconds_left() -> int:
    """Seconds until the current window ends and the counters start again."""
    return ratelimit.seconds_left(settings.PORTAL_RATE_WINDOW_SECONDS)


def refusal() -> RateLimited:
    """The 429 for the current window, worded in the active language."""
    seconds = seconds_left()
    minutes = max(1, math.ceil(seconds / 60))
    exc = RateLimited(
        ngettext(
            "Too many attempts from your connection. Wait %(minutes)d minute and try again.",
            "Too many attempts from your connection. Wait %(minutes)d minutes and try again.",
            minutes,
        )
        % {"minutes": minutes}
    )
    # Sent as the Retry-After header by the page and the API.
    exc.retry_after = seconds
    return exc


def lookup_allowed(*, client: str) -> None:
    """Refuse (429) a lookup by a `client` whose guesses used up the window's limit. Reads only."""
    lookup_judged(
        guesses=ratelimit.attempts_so_far(
            scope="portal-lookup",
            subject=client,
            window_seconds=settings.PORTAL_RATE_WINDOW_SECONDS,
        )
    )


def lookup_guesses(*, client: str):
    """`client`'s guesses so far as an expression: the link's own query reads them, so opening
    a real link costs no query of its own for the limit."""
    return ratelimit.attempts_so_far_expression(
        scope="portal-lookup", subject=client, window_seconds=settings.PORTAL_RATE_WINDOW_SECONDS
    )


def lookup_judged(*, guesses: int) -> None:
    """Refuse (429) a client whose `guesses` used up the window's limit."""
    if guesses >= settings.PORTAL_RATE_LIMIT:
        raise refusal()


def lookup_missed(*, client: str) -> None:
    """Count a token of `client`'s that was no link; refuse (429) one past the limit."""
    attempt = ratelimit.attempt_count(
        scope="portal-lookup",
        subject=client,
        limit=settings.PORTAL_RATE_LIMIT,
        window_seconds=settings.PORTAL_RATE_WINDOW_SECONDS,
    )
    if not attempt.allowed:
        raise refusal()


def approval_attempt(*, link_id: int) -> None:
    """Count one approval submission through a link; refuse (429) past the window's limit."""
    attempt = ratelimit.attempt_count(
        scope="portal-approval",
        subject=str(link_id),
        limit=min(APPROVALS_PER_WINDOW, settings.PORTAL_RATE_LIMIT),
        window_seconds=settings.PORTAL_RATE_WINDOW_SECONDS,
    )
    if not attempt.allowed:
        raise refusal()


def download_attempt(*, link_id: int) -> None:
    """Count one PDF download through a link; refuse (429) past the window's limit."""
    attempt = ratelimit.attempt_count(
        scope="portal-download",
        subject=str(link_id),
        limit=min(DOWNLOADS_PER_WINDOW, settings.PORTAL_RATE_LIMIT),
        window_seconds=settings.PORTAL_RATE_WINDOW_SECONDS,
    )
    if not attempt.allowed:
        raise refusal()
