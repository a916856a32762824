"""Slows down password guessing on the staff login and the admin's: attempts per username and
address, counted in `core.ratelimit` before the password is checked.

Keying on username *and* address means a guesser cannot lock a colleague out from elsewhere,
and one address cannot try many passwords for one account. A right password hands its attempt
back, so only failures use up the limit (LOGIN_RATE_LIMIT per LOGIN_RATE_WINDOW_SECONDS).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from signoff.core import ratelimit
from signoff.core.http import client_address

THROTTLED = "throttled"


def login_attempt(*, username: str, address: str) -> ratelimit.Attempt:
    return ratelimit.attempt_count(
        scope="login",
        subject=f"{username.strip().lower()}\n{address}",
        limit=settings.LOGIN_RATE_LIMIT,
        window_seconds=settings.LOGIN_RATE_WINDOW_SECONDS,
    )


def wait_minutes() -> int:
    return max(1, settings.LOGIN_RATE_WINDOW_SECONDS // 60)


class ThrottledLoginMixin:
    """For Django's login forms: count the attempt first, refuse past the limit, and hand the
    attempt back when the password was right."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else ""
        attempt = login_attempt(username=username, address=address)
        if not attempt.allowed:
            raise ValidationError(
                f"Too many failed log-ins for this username from your connection. Wait "
                f"{wait_minutes()} minutes and try again, or ask an owner to reset the password.",
                code=THROTTLED,
            )
        cleaned = super().clean()
        ratelimit.attempt_refund(attempt)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    """The staff login form (/login/)."""


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's login form (/admin/login/): the same limit, counted in the same place."""
