"""Template helpers for staff pages: core.formatting as filters, status cells, form fields."""

from __future__ import annotations

from datetime import datetime

from django import forms, template
from django.utils import timezone

from signoff.approvals.models import DECISION_CHOICES, Status
from signoff.core import formatting
from signoff.core.fragments import FragmentMemo

register = template.Library()

# A row of the RO page's operations table renders the same until what it shows changes.
OPERATION_ROWS = FragmentMemo("web/_operation_row.html")


@register.simple_tag
def operation_row(row: dict, table) -> str:
    """One row of the operations table (web/operations_table.py), from its row dict and the
    table's switches only."""
    return OPERATION_ROWS.render({"row": row, "can_edit": table.can_edit, "movable": table.movable})


@register.filter
def money(value) -> str:
    """$1,234.50; negative amounts (discounts) as −$5.00."""
    return formatting.money(value)


@register.filter
def over_limit_banner(amounts, ro) -> str:
    """The RO page's banner while its work is past the over-estimate rule (approvals.amounts)."""
    return amounts.banner(ro_label=ro.label)


@register.filter
def qty(value) -> str:
    """1.50 → 1.5, 2.00 → 2: quantities and hours without trailing zeros."""
    return formatting.quantity(value)


@register.filter
def percent(value) -> str:
    return formatting.percent(value)


@register.filter
def phone(value) -> str:
    return formatting.format_phone(value)


@register.filter
def person(name: str, relationship: str = "") -> str:
    """{{ name|person:relationship }} → 'Ana Lopez (Mother)'."""
    return formatting.person_name(name, relationship)


@register.filter
def staff_name(user) -> str:
    return formatting.staff_name(user)


@register.filter
def duration(seconds: float | None) -> str:
    """A number of seconds in words: '45 seconds', '14 minutes', '3 hours'."""
    return "" if seconds is None else formatting.duration(seconds)


@register.filter
def shop_time(value: datetime | None, tz_name: str = "UTC") -> str:
    """An aware time in the shop's zone: 'Tue, Nov 24, 2026, 4:30 PM'."""
    return formatting.weekday_time(value, tz_name)


@register.filter
def shop_date(value: datetime | None, tz_name: str = "UTC") -> str:
    """'Today 4:30 PM' or 'Nov 24, 2026' in the shop's zone."""
    return formatting.day_or_today(value, tz_name, now=timezone.now())


@register.filter
def datetime_local(value: datetime | None, tz_name: str = "UTC") -> str:
    """The value for an <input type=datetime-local>, in the shop's zone."""
    local = formatting.local_time(value, tz_name)
    return "" if local is None else local.strftime("%Y-%m-%dT%H:%M")


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
def render_panel(context, template_name: str, panel_context: dict) -> str:
    """A panel from web/panels.py: its context is available spread out and as `panel`."""
    tpl = context.template.engine.get_template(template_name)
    with context.push(panel=panel_context, **panel_context):
        return tpl.render(context)


@register.filter
def errors_by_field(form) -> list[tuple[str, str, str]]:
    """(the id to jump to, the field's label, the message) for each field error, in the form's
    order: the error summary links each one to its field (GOV.UK's error summary). A hidden
    field has nothing to jump to, and radio buttons are reached through their first one."""
    found = []
    for bound in form:
        if not bound.errors:
            continue
        target = ""
        if not bound.is_hidden:
            is_radio = isinstance(bound.field.widget, forms.RadioSelect)
            target = f"{bound.auto_id}_0" if is_radio and bound.auto_id else bound.id_for_label
        found.extend((target, str(bound.label), str(message)) for message in bound.errors)
    return found


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
