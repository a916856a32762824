"""Template helpers for staff pages: money, quantities, phone numbers, shop time, form fields."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django import forms, template
from django.utils import timezone

from signoff.approvals.models import DECISION_CHOICES, Status
from signoff.core.formatting import format_phone

register = template.Library()

STATUS_CELL_TEMPLATE = "web/decisions/_status_cell.html"


@register.filter
def money(value) -> str:
    """$1,234.50; negative amounts (discounts) as −$5.00."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    sign = "−" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


@register.filter
def qty(value) -> str:
    """1.50 → 1.5, 2.00 → 2: quantities and hours without trailing zeros."""
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(value).normalize():f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.filter
def percent(value) -> str:
    return f"{qty(value)} %" if value not in (None, "") else ""


@register.filter
def phone(value) -> str:
    return format_phone(value or "")


@register.filter
def shop_time(value: datetime | None, tz_name: str = "UTC") -> str:
    """An aware time in the shop's zone: 'Tue, Nov 24, 2026, 4:30 PM'."""
    if not value:
        return ""
    local = timezone.localtime(value, ZoneInfo(tz_name or "UTC"))
    return local.strftime("%a, %b %-d, %Y, %-I:%M %p")


@register.filter
def shop_date(value: datetime | None, tz_name: str = "UTC") -> str:
    if not value:
        return ""
    local = timezone.localtime(value, ZoneInfo(tz_name or "UTC"))
    today = timezone.localtime(timezone.now(), ZoneInfo(tz_name or "UTC")).date()
    if local.date() == today:
        return local.strftime("Today %-I:%M %p")
    return local.strftime("%b %-d, %Y")


@register.filter
def datetime_local(value: datetime | None, tz_name: str = "UTC") -> str:
    """The value for an <input type=datetime-local>, in the shop's zone."""
    if not value:
        return ""
    return timezone.localtime(value, ZoneInfo(tz_name or "UTC")).strftime("%Y-%m-%dT%H:%M")


@register.filter
def status_label(status: str) -> str:
    """The status's word from the model's choices: approved → Approved."""
    try:
        return Status(status).label
    except ValueError:
        return str(status)


@register.simple_tag
def decision_choices() -> list[tuple[str, str]]:
    """(status, verb) for each status staff may record: approved → Approve."""
    return DECISION_CHOICES


@register.simple_tag(takes_context=True)
def status_cell(context, row) -> str:
    """The approvals app's status cell for an operation row."""
    tpl = context.template.engine.get_template(STATUS_CELL_TEMPLATE)
    with context.push(row=row):
        return tpl.render(context)


@register.simple_tag(takes_context=True)
def render_panel(context, template_name: str, panel_context: dict) -> str:
    """A panel from web/panels.py: its context is available spread out and as `panel`."""
    tpl = context.template.engine.get_template(template_name)
    with context.push(panel=panel_context, **panel_context):
        return tpl.render(context)


@register.inclusion_tag("web/_field.html")
def field(bound_field, css: str = ""):
    """A form field with its label, help text and error message, the same way on every form."""
    widget = bound_field.field.widget
    return {
        "f": bound_field,
        "css": css,
        "is_check": isinstance(widget, forms.CheckboxInput),
        "is_radio": isinstance(widget, forms.RadioSelect),
    }


@register.filter
def role_label(role: str) -> str:
    from signoff.shops.models import Role

    try:
        return Role(role).label
    except ValueError:
        return str(role)
