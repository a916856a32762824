"""The customer side's limits: share-link guessing per client address, approvals per link.

Both count in `core.ratelimit` (one atomic count per attempt, before it is judged), with the
limit and window from settings (PORTAL_RATE_LIMIT per PORTAL_RATE_WINDOW_SECONDS). A lookup is
counted before the token is looked up and handed back when the link turns out to exist, so only
guesses use up the limit, and parallel guesses cannot overtake it.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.utils.translation import ngettext

from signoff.core import ratelimit
from signoff.core.errors import RateLimited

# Submitting approvals is rarer than opening pages: a few tries per window is plenty.
APPROVALS_PER_WINDOW = 10


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


def lookup_attempt(*, client: str) -> ratelimit.Attempt:
    """Count a link lookup by `client`; refuse (429) one past the window's limit."""
    attempt = ratelimit.attempt_count(
        scope="portal-lookup",
        subject=client,
        limit=settings.PORTAL_RATE_LIMIT,
        window_seconds=settings.PORTAL_RATE_WINDOW_SECONDS,
    )
    if not attempt.allowed:
        raise refusal()
    return attempt


def lookup_found(attempt: ratelimit.Attempt) -> None:
    """The token was a real link (usable or not): it was no guess, so it does not count."""
    ratelimit.attempt_refund(attempt)


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
