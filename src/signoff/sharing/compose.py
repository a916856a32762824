"""What a share says: subject and bodies of each email and text, in the contact's language.

Bodies carry LINK_PLACEHOLDER where the contact's link goes, never the link itself: the outbox
row is kept for good, and a stored link would let a database reader approve in the customer's
name. The channels put the real address in at send time (`fill_link`). An email's HTML carries
LOGO_SLOT where the shop's logo goes; the email channel puts the shop's current logo there at
send time as an inline image (or nothing, when the shop has none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from signoff.core.formatting import format_phone, money, person_name, weekday_time
from signoff.customers.models import Contact
from signoff.sharing.models import Channel, Message, Share, ShareKind
from signoff.shops.branding import brand_of

# Survives HTML escaping and gettext's %(url)s untouched; staff text that happens to contain it
# would only show the recipient their own link.
LINK_PLACEHOLDER = "{{share_link}}"
# An HTML comment: escaped text (a shop's name, notes) can never contain one.
LOGO_SLOT = "<!-- shop logo -->"


def fill_link(body: str, url: str, *, html: bool = False) -> str:
    """The body with the contact's real link in place of the placeholder."""
    return body.replace(LINK_PLACEHOLDER, escape(url) if html else url)


@dataclass(frozen=True)
class Composed:
    subject: str
    body_text: str
    body_html: str


def cc_text_for(*, contact: Contact, others: Sequence[Contact]) -> str:
    """ "Also sent to: Jane Doe (Spouse), …" — the other people this share went to.

    Kept within Message.cc_text's length: past it, the last names become "and N others".
    """
    if not others:
        return ""
    limit = Message._meta.get_field("cc_text").max_length
    with translation.override(contact.language):
        people = [person_name(c.name, c.relationship_label) for c in others]
        for shown in range(len(people), 0, -1):
            names = ", ".join(people[:shown])
            hidden = len(people) - shown
            if hidden:
                names += " " + ngettext("and %(n)d other", "and %(n)d others", hidden) % {
                    "n": hidden
                }
            text = _("Also sent to: %(people)s") % {"people": names}
            if len(text) <= limit:
                return text
        return text[:limit]


def _etr_text(content: dict, include_etr: bool) -> str:
    raw = content["repair_order"].get("etr")
    if not (include_etr and raw):
        return ""
    return weekday_time(raw, content["shop"]["timezone"])


def _context(*, share: Share, contact: Contact, cc_text: str) -> dict:
    content = share.version.content
    totals = content["totals"]
    vehicle = content.get("vehicle") or {}
    return {
        "kind": share.kind,
        "is_send_to_customer": share.kind == ShareKind.SEND_TO_CUSTOMER,
        "contact_name": contact.name,
        "shop": {**content["shop"], "phone": format_phone(content["shop"]["phone"])},
        "ro_label": content["repair_order"]["label"],
        "version_number": share.version.number,
        "vehicle": vehicle.get("description", ""),
        "total": money(totals["estimate"]["total"]),
        "approved_total": money(totals["approved"]["total"]),
        "etr": _etr_text(content, share.include_etr),
        "notes": share.notes,
        "url": LINK_PLACEHOLDER,
        "cc_text": cc_text,
        "brand": brand_of(share.shop),
        "logo_slot": mark_safe(LOGO_SLOT),
    }


def _subject(ctx: dict) -> str:
    if ctx["is_send_to_customer"]:
        return _("Your updated estimate from %(shop)s — %(ro)s") % {
            "shop": ctx["shop"]["name"],
            "ro": ctx["ro_label"],
        }
    return _("Please review your estimate from %(shop)s — %(ro)s") % {
        "shop": ctx["shop"]["name"],
        "ro": ctx["ro_label"],
    }


def compose_message(*, share: Share, contact: Contact, channel: str, cc_text: str = "") -> Composed:
    """The message one contact receives on one channel, with a placeholder for their link."""
    ctx = _context(share=share, contact=contact, cc_text=cc_text)
    with translation.override(contact.language):
        if channel == Channel.SMS:
            # Texts stay short (one or two segments): who, which RO, the link.
            body = render_to_string("sharing/messages/share_sms.txt", ctx).strip()
            return Composed(subject="", body_text=body, body_html="")
        return Composed(
            subject=_subject(ctx),
            body_text=render_to_string("sharing/messages/share_email.txt", ctx).strip() + "\n",
            body_html=render_to_string("sharing/messages/share_email.html", ctx),
        )
