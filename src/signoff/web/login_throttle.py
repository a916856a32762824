"""Slows down password guessing on the staff login: failed sign-ins per username and address.

A fixed window in Django's (database) cache, shared by every web process, like the portal's
limits. Keying on username *and* address means a guesser cannot lock a colleague out from
elsewhere, and one address cannot try many passwords for one account.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _key(*, username: str, address: str) -> str:
    window = int(time.time()) // settings.LOGIN_RATE_WINDOW_SECONDS
    # Hashed: usernames may hold characters a cache key cannot, and need not sit in the cache.
    subject = hashlib.sha256(f"{username.strip().lower()}\n{address}".encode()).hexdigest()
    return f"login-rl:{subject}:{window}"


def login_blocked(*, username: str, address: str) -> bool:
    """True when this username has failed too often from this address in the current window."""
    return int(cache.get(_key(username=username, address=address), 0)) >= (
        settings.LOGIN_RATE_LIMIT
    )


def login_failed(*, username: str, address: str) -> None:
    key = _key(username=username, address=address)
    cache.add(key, 0, timeout=settings.LOGIN_RATE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=settings.LOGIN_RATE_WINDOW_SECONDS)


def wait_minutes() -> int:
    return max(1, settings.LOGIN_RATE_WINDOW_SECONDS // 60)
