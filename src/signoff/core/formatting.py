"""How values are written for people: one place for pages, PDFs, emails, texts and the API.

Money, quantities, percentages, phone numbers, people's and staff names, times in the
shop's zone and durations are written here and nowhere else, so a customer reads the same
string for the same value on every page, document and message. Nothing here computes:
amounts arrive already rounded by orders.pricing, and only their cents are fixed for display.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from signoff.core.validation import DEFAULT_REGION

# A real minus sign (U+2212), not a hyphen: it is as wide as a digit, so negative amounts
# (discounts) line up in right-aligned columns, and screen readers say "minus".
MINUS = "\u2212"
DEFAULT_CURRENCY = "USD"
CURRENCY_SYMBOLS = {"USD": "$"}
_CENT = Decimal("0.01")


def _number(value: Decimal | int | str) -> Decimal:
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a number")
    return number


def money(amount: Decimal | int | str | None, *, currency: str = DEFAULT_CURRENCY) -> str:
    """'$1,234.56', and '−$5.00' (U+2212) for a discount; '' when there is no amount."""
    if amount is None or amount == "":
        return ""
    cents = _number(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    sign = MINUS if cents < 0 else ""
    return f"{sign}{symbol}{abs(cents):,.2f}"


def quantity(value: Decimal | int | str | None) -> str:
    """Hours or a count without trailing zeros: '1.5', '2', '0.25'."""
    if value is None or value == "":
        return ""
    text = format(_number(value).normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def percent(value: Decimal | int | str | None) -> str:
    """'8.25%' (the shop's tax rate, an over-limit percentage)."""
    if value is None or value == "":
        return ""
    return f"{quantity(value)}%"


def counted(count: int, word: str) -> str:
    """'1 RO', '128 ROs', '0 shops': a count in the operator's English (commands, not pages)."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def format_phone(value: str | None) -> str:
    """(503) 555-0100 for North American numbers, +44 20 7946 0958 for others, as given if not a
    number. Numbers without a country code are read the way clean_phone reads them."""
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, style)


def person_name(name: str, relationship: str = "") -> str:
    """'Ana Lopez (Mother)': a contact with how they relate to the customer, if known."""
    if not name:
        return ""
    return f"{name} ({relationship})" if relationship else name


class _User(Protocol):
    def get_full_name(self) -> str: ...
    def get_username(self) -> str: ...


def staff_name(user: _User | None) -> str:
    """A staff member as colleagues and customers read them: full name, else the username."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def shop_zone(zone: ZoneInfo | str | None) -> ZoneInfo:
    """The shop's time zone; an unknown name falls back to UTC rather than failing a page."""
    if isinstance(zone, ZoneInfo):
        return zone
    try:
        return ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def as_datetime(value: datetime | str | None) -> datetime | None:
    """An aware datetime from a datetime or an ISO-8601 string (naive values are taken as UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def local_time(value: datetime | str | None, zone: ZoneInfo | str | None) -> datetime | None:
    """The moment on the shop's clock."""
    moment = as_datetime(value)
    return None if moment is None else moment.astimezone(shop_zone(zone))


def _clock(local: datetime) -> str:
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"


def _day(local: datetime) -> str:
    return f"{local:%b} {local.day}, {local.year}"


def day(value: datetime | str | None, zone: ZoneInfo | str | None) -> str:
    """'Mar 4, 2025' in the shop's zone."""
    local = local_time(value, zone)
    return "" if local is None else _day(local)


def when(value: datetime | str | None, zone: ZoneInfo | str | None) -> str:
    """'Mar 4, 2025, 2:05 PM PST' in the shop's zone: a time on a document, zone named."""
    local = local_time(value, zone)
    return "" if local is None else f"{_day(local)}, {_clock(local)} {local:%Z}"


def weekday_time(value: datetime | str | None, zone: ZoneInfo | str | None) -> str:
    """'Tue, Nov 24, 2026, 4:30 PM' in the shop's zone: a time on a page or in a message."""
    local = local_time(value, zone)
    return "" if local is None else f"{local:%a}, {_day(local)}, {_clock(local)}"


def zone_abbreviation(value: datetime | str | None, zone: ZoneInfo | str | None) -> str:
    """The zone's abbreviation at that moment (PST or PDT), so a time in history is unambiguous."""
    local = local_time(value, zone)
    return "" if local is None else f"{local:%Z}"


def day_or_today(
    value: datetime | str | None, zone: ZoneInfo | str | None, *, now: datetime | None = None
) -> str:
    """'Today 4:30 PM' for a time earlier today in the shop's zone, else 'Mar 4, 2025'."""
    local = local_time(value, zone)
    if local is None:
        return ""
    today = local_time(now or datetime.now(UTC), zone)
    if local.date() == today.date():
        return f"Today {_clock(local)}"
    return _day(local)


def duration(seconds: float) -> str:
    """How long, in the largest whole unit that fits: '45 seconds', '14 minutes', '3 hours'.

    Minutes up to two hours and hours up to two days, so '90 minutes' rather than '1 hour'.
    """
    whole = max(int(seconds), 0)
    for unit, size, up_to in (
        ("second", 1, 60),
        ("minute", 60, 120 * 60),
        ("hour", 3600, 48 * 3600),
    ):
        if whole < up_to:
            count = whole // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    days = whole // 86400
    return f"{days} day{'' if days == 1 else 's'}"
