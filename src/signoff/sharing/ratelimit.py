"""Fixed-window counters in Django's cache that slow down token guessing and approval floods.

Failed share-link lookups are counted per client address; approval submissions per link. The
limits come from settings (PORTAL_RATE_LIMIT per PORTAL_RATE_WINDOW_SECONDS). The database
cache is shared by every web process, so the limit holds across them; a lost increment under a
race only lets one extra attempt through, which is fine for slowing guessers down.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from signoff.core.errors import RateLimited

# Submitting approvals is rarer than opening pages: a few tries per window is plenty.
APPROVALS_PER_WINDOW = 10


def _key(scope: str, subject: str) -> str:
    window = int(time.time()) // settings.PORTAL_RATE_WINDOW_SECONDS
    return f"portal-rl:{scope}:{subject}:{window}"


def _count(scope: str, subject: str) -> int:
    return int(cache.get(_key(scope, subject), 0))


def _hit(scope: str, subject: str) -> int:
    key = _key(scope, subject)
    # add() creates the counter with the window's lifetime only when it does not exist yet.
    cache.add(key, 0, timeout=settings.PORTAL_RATE_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=settings.PORTAL_RATE_WINDOW_SECONDS)
        return 1


def seconds_left() -> int:
    """Seconds until the current window ends and the counters start again."""
    window = settings.PORTAL_RATE_WINDOW_SECONDS
    return window - int(time.time()) % window


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


def lookups_check(*, client: str) -> None:
    """Refuse (429) a client that already failed too many link lookups in this window."""
    if _count("lookup", client) >= settings.PORTAL_RATE_LIMIT:
        raise refusal()


def lookup_failed(*, client: str) -> None:
    _hit("lookup", client)


def approval_attempt(*, link_id: int) -> None:
    """Count one approval submission through a link; refuse (429) past the window's limit."""
    limit = min(APPROVALS_PER_WINDOW, settings.PORTAL_RATE_LIMIT)
    if _hit("approval", str(link_id)) > limit:
        raise refusal()
