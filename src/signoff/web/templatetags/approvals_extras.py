"""Template helpers for the approvals pages."""

from __future__ import annotations

from datetime import datetime

from django import template

from signoff.core import formatting

register = template.Library()


@register.filter
def tz_abbr(value: datetime | None, tz_name: str = "UTC") -> str:
    """The zone's abbreviation at that moment (PST or PDT), so a time in history is unambiguous."""
    return formatting.zone_abbreviation(value, tz_name)
