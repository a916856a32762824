"""Template helpers for the approvals pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def tz_abbr(value: datetime | None, tz_name: str = "UTC") -> str:
    """The zone's abbreviation at that moment (PST or PDT), so a time in history is unambiguous."""
    if not value:
        return ""
    return timezone.localtime(value, ZoneInfo(tz_name or "UTC")).strftime("%Z")


@register.filter
def staff_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
