"""Template filters for the approval screens: money, phone numbers, statuses, people, errors."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from signoff.core import formatting
from signoff.core.fragments import FragmentMemo
from signoff.shops.branding import Brand, brand_of

register = template.Library()

# An operation's card renders the same for every view of the same estimate in one language.
OPERATION_CARDS = FragmentMemo("portal/_operation.html")
STANDING_CARDS = FragmentMemo("portal/_standing_card.html")


@register.filter
def money(value) -> str:
    return formatting.money(value)


@register.filter
def phone(value: str) -> str:
    return formatting.format_phone(value)


@register.filter
def quantity(value) -> str:
    """Hours or a count without trailing zeros: 1.5, 2."""
    return formatting.quantity(value)


@register.filter
def status_label(status: str) -> str:
    labels = {
        "pending": pgettext("approval status", "Waiting for your answer"),
        "approved": pgettext("approval status", "Approved"),
        "deferred": pgettext("approval status", "Deferred"),
        "declined": pgettext("approval status", "Declined"),
    }
    return labels.get(status, status)


@register.filter
def relationship(contact) -> str:
    if contact.is_primary:
        return _("Primary")
    return contact.relationship or _("Additional contact")


@register.filter
def contact_name(contact) -> str:
    """'Sam Lee (Spouse)', the relationship in the page's language."""
    return formatting.person_name(contact.name, relationship(contact))


@register.filter
def field_error(error, key) -> str:
    """The message for one field of a ValidationFailed (or '' when there is none)."""
    fields = getattr(error, "fields", None) or {}
    return fields.get(str(key), "")


@register.filter
def op_error(error, op_id) -> str:
    """The message for one operation's answer (field `decisions.<id>`)."""
    return field_error(error, f"decisions.{op_id}")


@register.simple_tag(takes_context=True)
def operation_card(context, op) -> str:
    """One operation's card on the customer page, from everything it shows (and only that)."""
    page = context["page"]
    return OPERATION_CARDS.render(
        {
            "op": op,
            "show_prices": page.show_prices,
            "shop_name": str(page.shop.name),
            "op_error": str(op_error(context.get("error"), op.id)),
        }
    )


@register.simple_tag(takes_context=True)
def standing_card(context) -> str:
    """Where the estimate stands (`signing.selectors.Standing`), from everything it shows: the
    same answers on the same estimate read the same HTML, rendered once."""
    page = context["page"]
    return STANDING_CARDS.render(
        {
            "s": page.standing,
            "show_prices": page.show_prices,
            "shop_name": str(page.shop.name),
            "timezone": str(page.shop.timezone),
        }
    )


@register.simple_tag(takes_context=True)
def page_brand(context) -> Brand | None:
    """The brand of the shop whose page this is: the estimate's (`page`) or, on an error page
    about a known link, `shop`; None when no shop is known. Read from the shop row alone."""
    page = context.get("page")
    shop = getattr(page, "shop", None) or context.get("shop")
    return brand_of(shop) if shop is not None else None
