"""How values are written for people: one place for pages, PDFs, emails, texts and the API."""

from __future__ import annotations

import phonenumbers


def format_phone(e164: str) -> str:
    """How a stored number is shown to people: (503) 555-0100 for US numbers, international else."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, fmt)
