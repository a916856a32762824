"""How money, quantities, times and phone numbers are written on printed documents."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from signoff.orders.pricing import money as round_money


def money(value: Decimal | int | str | None) -> str:
    """'$1,234.56' (and '-$12.00'): the amount is already rounded by pricing.py, only written."""
    if value is None or value == "":
        return ""
    amount = round_money(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def quantity(value: Decimal | int | str | None) -> str:
    """Hours or a count without trailing zeros: '1.5', '2', '0.25'."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def percent(value: Decimal | str | None) -> str:
    """'8.25%' from the shop's tax rate."""
    if value is None or value == "":
        return ""
    return f"{quantity(value)}%"


def shop_zone(name: str | None) -> ZoneInfo:
    """The shop's time zone; an unknown name falls back to UTC rather than failing a document."""
    try:
        return ZoneInfo(name or "UTC")
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


def when(value: datetime | str | None, zone: ZoneInfo) -> str:
    """'Mar 4, 2025, 2:05 PM PST' in the shop's zone: how a customer reads a time."""
    moment = as_datetime(value)
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    hour = local.hour % 12 or 12
    meridiem = "AM" if local.hour < 12 else "PM"
    return f"{local:%b} {local.day}, {local.year}, {hour}:{local:%M} {meridiem} {local:%Z}"


def day(value: datetime | str | None, zone: ZoneInfo) -> str:
    """'Mar 4, 2025' in the shop's zone."""
    moment = as_datetime(value)
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return f"{local:%b} {local.day}, {local.year}"


def phone(value: str | None) -> str:
    """'(503) 555-0100' for North American numbers, '+44 20 …' for others, as given if unparsable."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
