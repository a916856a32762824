"""What a message says: a share's emails and texts, and the confirmation a contact gets after
signing, in the contact's language.

Bodies carry LINK_PLACEHOLDER where the contact's link goes (SIGNED_COPY_PLACEHOLDER where the
link to their signed copy goes), never the link itself: the outbox row is kept for good, and a
stored link would let a database reader approve in the customer's name. The channels put the
real address in at send time (`fill_link`). A share's email HTML carries LOGO_SLOT where the
shop's logo goes; the email channel puts the shop's current logo there at send time as an
inline image (or nothing, when the shop has none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from signoff.approvals.changes import changes_since_answer
from signoff.core.formatting import format_phone, money, person_name, weekday_time
from signoff.customers.models import Contact
from signoff.sharing.models import Channel, Message, Share, ShareKind
from signoff.shops.branding import brand_of

# Survives HTML escaping and gettext's %(url)s untouched; staff text that happens to contain it
# would only show the recipient their own link.
LINK_PLACEHOLDER = "{{share_link}}"
# The same link's signed-copy download (/s/<token>/signed.pdf).
SIGNED_COPY_PLACEHOLDER = "{{signed_copy_link}}"
# An HTML comment: escaped text (a shop's name, notes) can never contain one.
LOGO_SLOT = "<!-- shop logo -->"


def fill_link(body: str, url: str, *, html: bool = False, signed_copy_url: str = "") -> str:
    """The body with the contact's real link (and signed-copy link) in place of the
    placeholders."""
    if signed_copy_url:
        body = body.replace(
            SIGNED_COPY_PLACEHOLDER, escape(signed_copy_url) if html else signed_copy_url
        )
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
    with translation.override(contact.message_language):
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


def compose_message(
    *,
    share: Share,
    contact: Contact,
    channel: str,
    cc_text: str = "",
    first_text: bool = False,
    reminder: bool = False,
) -> Composed:
    """The message one contact receives on one channel, with a placeholder for their link.

    `first_text`: no text from this shop has reached the number yet, so the text says how to
    opt out (CTIA's messaging principles ask it of the first message; later ones leave it out).
    """
    ctx = _context(share=share, contact=contact, cc_text=cc_text)
    # A reminder (sharing.reminders) says so first, then says it all again.
    ctx["reminder"] = reminder
    with translation.override(contact.message_language):
        if channel == Channel.SMS:
            # Texts stay short (one or two segments): who, which RO, the link, the shop's
            # number to call, and on the first one the opt-out.
            ctx["first_text"] = first_text
            body = render_to_string("sharing/messages/share_sms.txt", ctx).strip()
            return Composed(subject="", body_text=body, body_html="")
        # Work this contact approved that changed since (in their language): the email says
        # it needs their word again, and how it changed.
        since = changes_since_answer(
            repair_order=share.repair_order, contact=contact, version=share.version
        )
        ctx["changed"] = [c for c in since.changes if c.since_approved]
        subject = _subject(ctx)
        if reminder:
            subject = _("Reminder: %(subject)s") % {"subject": subject}
        return Composed(
            subject=subject,
            body_text=render_to_string("sharing/messages/share_email.txt", ctx).strip() + "\n",
            body_html=render_to_string("sharing/messages/share_email.html", ctx),
        )


# The confirmation after a contact signed --------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One answer of a submission as the confirmation lists it."""

    title: str
    status: str  # approved or declined
    amount: Decimal | None  # None when the share shows no prices


@dataclass(frozen=True)
class ConfirmationFacts:
    """What one submission came to, for the confirmation to the contact whose link it came
    through (signing builds it from the answers it just recorded)."""

    contact: Contact
    approver_name: str
    shop_name: str
    shop_phone: str
    shop_email: str
    shop_timezone: str
    ro_label: str
    vehicle: str
    answered_at: datetime
    answers: Sequence[Answer]
    authorized: Decimal
    still_open: int
    show_prices: bool
    language: str


def _confirmation_context(facts: ConfirmationFacts) -> dict:
    return {
        "contact_name": facts.contact.name,
        "approver_name": facts.approver_name,
        "someone_else": facts.approver_name != facts.contact.name,
        "shop": {
            "name": facts.shop_name,
            "phone": format_phone(facts.shop_phone),
            "email": facts.shop_email,
        },
        "ro_label": facts.ro_label,
        "vehicle": facts.vehicle,
        "answered_at": weekday_time(facts.answered_at, facts.shop_timezone),
        "answers": [
            {
                "title": a.title,
                "approved": a.status == "approved",
                "amount": money(a.amount) if a.amount is not None else "",
            }
            for a in facts.answers
        ],
        "approved": sum(1 for a in facts.answers if a.status == "approved"),
        "declined": sum(1 for a in facts.answers if a.status != "approved"),
        "authorized": money(facts.authorized),
        "still_open": facts.still_open,
        "show_prices": facts.show_prices,
        "url": LINK_PLACEHOLDER,
        "signed_copy_url": SIGNED_COPY_PLACEHOLDER,
    }


def compose_confirmation(*, facts: ConfirmationFacts, channel: str) -> Composed:
    """The confirmation of one submission on one channel: an email listing the answers (the
    signed copy is attached at send time), or a short text with the link to the signed copy."""
    ctx = _confirmation_context(facts)
    with translation.override(facts.language):
        if channel == Channel.SMS:
            body = render_to_string("sharing/messages/confirmation_sms.txt", ctx).strip()
            return Composed(subject="", body_text=body, body_html="")
        subject = _("Your signed answers for %(ro)s — %(shop)s") % {
            "ro": facts.ro_label,
            "shop": facts.shop_name,
        }
        return Composed(
            subject=subject,
            body_text=render_to_string("sharing/messages/confirmation_email.txt", ctx).strip()
            + "\n",
            body_html=render_to_string("sharing/messages/confirmation_email.html", ctx),
        )


# Approvals above a contact's limit, sent on to who can approve them -----------------------------


@dataclass(frozen=True)
class RoutingFacts:
    """What one recipient is told: who asked, which work, for how much, and why."""

    recipient: Contact
    requester: Contact
    shop_name: str
    shop_phone: str
    ro_label: str
    customer_name: str
    items: Sequence[tuple[str, Decimal]]  # (title, amount before tax)
    view_only: bool
    limit: Decimal | None
    used: Decimal


def routing_reason(facts: RoutingFacts) -> str:
    """Why the work comes to the recipient, in their language (call with it active)."""
    values = {"name": facts.requester.name}
    if facts.view_only:
        return _("%(name)s can view this estimate but not approve it.") % values
    values.update({"limit": money(facts.limit), "used": money(facts.used)})
    return (
        _(
            "%(name)s may approve up to %(limit)s per repair order before tax, and has "
            "approved %(used)s on this one."
        )
        % values
    )


def compose_routing(*, facts: RoutingFacts, channel: str) -> Composed:
    """The request to approve the rest, on one channel, in the recipient's language, with a
    placeholder for their own link."""
    with translation.override(facts.recipient.message_language):
        total = money(sum((amount for _title, amount in facts.items), Decimal("0.00")))
        values = {
            "shop": facts.shop_name,
            "ro": facts.ro_label,
            "name": person_name(facts.requester.name, facts.requester.relationship_label),
            "customer": facts.customer_name,
            "total": total,
            "count": len(facts.items),
            "url": LINK_PLACEHOLDER,
        }
        reason = routing_reason(facts)
        if channel == Channel.SMS:
            body = (
                ngettext(
                    "%(shop)s: %(name)s asks you to approve %(count)d item on %(ro)s "
                    "(%(total)s before tax).",
                    "%(shop)s: %(name)s asks you to approve %(count)d items on %(ro)s "
                    "(%(total)s before tax).",
                    len(facts.items),
                )
                % values
            )
            return Composed(
                subject="", body_text=f"{body} {reason} {LINK_PLACEHOLDER}", body_html=""
            )
        lines = "\n".join(f"- {title}: {money(amount)}" for title, amount in facts.items)
        subject = _("Approval needed: %(ro)s for %(customer)s — %(shop)s") % values
        intro = (
            _(
                "%(name)s asked for your approval of this work on %(ro)s for %(customer)s "
                "(%(total)s before tax):"
            )
            % values
        )
        review = _("Review and approve: %(url)s") % values
        phone = format_phone(facts.shop_phone)
        footer = facts.shop_name + (f" · {phone}" if phone else "")
        body = f"{intro}\n\n{lines}\n\n{reason}\n\n{review}\n\n{footer}\n"
        return Composed(subject=subject, body_text=body, body_html="")
