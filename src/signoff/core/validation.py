"""Checks on email addresses and phone numbers (E.164), the same for customers and shops."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

DEFAULT_REGION = "US"


def clean_email(raw: str) -> str:
    """A trimmed email address, or '' for blank. Raises ValueError with a sentence for a bad one."""
    value = (raw or "").strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError(
            f"“{value}” is not a valid email address, e.g. name@example.com."
        ) from None
    return value.lower() if value.count("@") == 1 else value


def clean_phone(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """A phone number in E.164 (+15035551234), or '' for blank. Raises ValueError if invalid."""
    value = (raw or "").strip()
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValueError(
            f"“{value}” is not a phone number. Enter 10 digits, or + and the country code."
        ) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(
            f"“{value}” is not a valid phone number. Check the area code and the number of digits."
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
