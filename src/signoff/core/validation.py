"""Checks on what clients send, the same for every page and the API: email addresses and phone
numbers (E.164), ids, decimals, text and JSON nesting."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from signoff.core.errors import ValidationFailed

DEFAULT_REGION = "US"
# What an email column holds (Django's EmailField default, the length SMTP allows a path).
EMAIL_MAX_LENGTH = 254
# What a client may type for a phone number before it is stored in E.164: spaces, dots,
# brackets and an extension make it longer than the 16 characters it ends up as.
PHONE_INPUT_MAX_LENGTH = 30


def clean_email(raw: str) -> str:
    """A trimmed email address, or '' for blank. Raises ValueError with a sentence for a bad one."""
    value = (raw or "").strip()
    if not value:
        return ""
    if len(value) > EMAIL_MAX_LENGTH:
        raise ValueError(f"Use at most {EMAIL_MAX_LENGTH} characters for an email address.")
    try:
        validate_email(value)
    except ValidationError:
        # A long value is not repeated back: the message would be longer than the form.
        shown = f"“{value}”" if len(value) <= 80 else "That"
        raise ValueError(f"{shown} is not a valid email address, e.g. name@example.com.") from None
    return value.lower() if value.count("@") == 1 else value


def clean_phone(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """A phone number in E.164 (+15035551234), or '' for blank. Raises ValueError if invalid."""
    value = (raw or "").strip()
    if not value:
        return ""
    if len(value) > PHONE_INPUT_MAX_LENGTH:
        raise ValueError(
            f"Use at most {PHONE_INPUT_MAX_LENGTH} characters for a phone number, e.g. "
            "(503) 555-0123."
        )
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


# --- Numbers a client sends ---------------------------------------------------------------------

# The largest id either database holds: PostgreSQL's bigint and SQLite's integer are both signed
# 64-bit. A larger number names no row; sent to the database it fails (SQLite: OverflowError).
MAX_ID = 2**63 - 1
_ID_TEXT = re.compile(r"[0-9]{1,19}")
_WHOLE_TEXT = re.compile(r"[0-9]{1,18}")


def parse_id(raw: object) -> int | None:
    """An id a client sent (a form field, a query value, a JSON number) as an int within
    1..MAX_ID, else None. Only ASCII digits count: `int()` would also read "١٢" or "1_000"."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw if raw is not None else "").strip()
        if not _ID_TEXT.fullmatch(text):
            return None
        value = int(text)
    return value if 1 <= value <= MAX_ID else None


def parse_whole_number(raw: object) -> int | None:
    """A whole number 0 or more as staff type it ("48,210") or the API sends it; None when it
    is not one. ASCII digits only, and at most 18 of them, so it fits a database integer."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 <= raw <= MAX_ID else None
    text = str(raw if raw is not None else "").replace(",", "").strip()
    return int(text) if _WHOLE_TEXT.fullmatch(text) else None


def parse_decimal(raw: object) -> Decimal:
    """A finite Decimal from a client's text or number. Raises ValueError for anything else:
    NaN, sNaN, Infinity, "1,5", exponents too large to write down. -0 becomes 0.

    A finite value can still be absurd (1E+999999); callers check their range before doing
    arithmetic with it.
    """
    if isinstance(raw, bool) or raw is None:
        raise ValueError("not a number")
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValueError("not a number") from None
    if not value.is_finite():
        raise ValueError("not a number")
    return value.copy_abs() if value.is_zero() else value


# --- Text a client sends ------------------------------------------------------------------------

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. A one-line
# field refuses them all: a line break in a name ends up in an email header (BadHeaderError at
# send time). Text of several lines keeps tabs and line breaks.
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def max_length_of(model: type[models.Model], field: str) -> int:
    """A text field's limit, read from the model: the one place each limit is written."""
    return model._meta.get_field(field).max_length


def clean_text(raw: object, *, label: str, max_length: int, multiline: bool = False) -> str:
    """Text a client typed, trimmed. Raises ValueError with a sentence naming the field (its
    `label`, e.g. "name") when it is longer than `max_length` or holds a character that has no
    place in it. Never shortens anything."""
    text = str(raw if raw is not None else "").strip()
    if len(text) > max_length:
        raise ValueError(f"Use at most {max_length:,} characters for the {label}.")
    bad = (_NOT_TEXT if multiline else _NOT_ONE_LINE).search(text)
    if bad:
        if bad.group() in _LINE_BREAKS:
            raise ValueError(f"Write the {label} on one line, without line breaks.")
        raise ValueError(
            f"Remove the control character (U+{ord(bad.group()):04X}) from the {label}."
        )
    return text


# What a search box takes. Longer is no name, VIN or number anyone looks for, and SQLite
# refuses a LIKE pattern past 50,000 bytes ("pattern too complex").
MAX_SEARCH_LENGTH = 200


def search_query(raw: object) -> str:
    """A search as typed, trimmed; ValidationFailed (field "q") when it is too long to be one
    or holds control characters (PostgreSQL cannot even compare text with NUL)."""
    try:
        return clean_text(raw, label="search", max_length=MAX_SEARCH_LENGTH)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"q": str(exc)}) from None


# --- JSON a client sends ------------------------------------------------------------------------

# Deeper than any body Signoff takes (a signature's strokes are 5 levels down in the portal's
# JSON); Python's json module recurses once per level and fails near 1,000 with RecursionError.
MAX_JSON_DEPTH = 32
_JSON_TOKENS = re.compile(rb'[\[\]{}"\\]')


def json_too_deep(raw: bytes | str, *, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when arrays and objects nest deeper than `limit` (counted outside strings), so a
    body is refused before the parser recurses into it. Does not check that it is JSON."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    depth, in_string, escaped_at = 0, False, -1
    for match in _JSON_TOKENS.finditer(data):
        token, position = match.group(), match.start()
        if in_string:
            if position == escaped_at:
                continue
            if token == b"\\":
                escaped_at = position + 1
            elif token == b'"':
                in_string = False
        elif token == b'"':
            in_string = True
        elif token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False
