"""The rules of sharing, in one place: who can get which channel, and when an RO may be sent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from signoff.approvals.models import DECIDABLE_STATUSES, Source, Status
from signoff.core.errors import ValidationFailed
from signoff.core.formatting import format_phone
from signoff.customers.models import Contact, NotifyPreference
from signoff.documents.sections import PDF_SECTION_KEYS
from signoff.orders.models import RepairOrder
from signoff.orders.selectors import po_number_problem
from signoff.sharing.models import Channel, ShareKind
from signoff.shops.models import Shop


def email_unavailable(contact: Contact) -> str:
    """Why this contact cannot be emailed, or '' when they can."""
    if not contact.email:
        return _("No email address — add one on the customer page.")
    try:
        validate_email(contact.email)
    except ValidationError:
        return _("“%(email)s” is not a valid email address — fix it on the customer page.") % {
            "email": contact.email
        }
    return ""


def sms_unavailable(shop: Shop, contact: Contact) -> str:
    """Why this contact cannot be texted, or '' when they can."""
    if not shop.sms_enabled:
        return sms_disabled_reason()
    if not contact.mobile:
        return _("No mobile number — add one on the customer page.")
    return ""


def sms_disabled_reason() -> str:
    return _("Text messaging is not approved for this shop yet — see Shop settings.")


def channel_unavailable(shop: Shop, contact: Contact, channel: str) -> str:
    if channel == Channel.EMAIL:
        return email_unavailable(contact)
    return sms_unavailable(shop, contact)


def preferred_channels(contact: Contact) -> list[str]:
    """The channels the contact asked for (their notification preference)."""
    return {
        NotifyPreference.EMAIL: [Channel.EMAIL],
        NotifyPreference.TEXT: [Channel.SMS],
        NotifyPreference.BOTH: [Channel.EMAIL, Channel.SMS],
    }.get(contact.notify, [Channel.EMAIL])


def default_channels(shop: Shop, contact: Contact) -> list[str]:
    """Preference first; when none of the preferred channels works, whatever does.

    A contact who prefers texts at a shop not yet approved for texting still gets an email
    rather than nothing.
    """
    usable = [c for c in preferred_channels(contact) if not channel_unavailable(shop, contact, c)]
    if usable:
        return usable
    return [c for c in Channel.values if not channel_unavailable(shop, contact, c)]


@dataclass(frozen=True)
class RecipientOption:
    """One contact as offered in the share dialog."""

    contact: Contact
    email_hint: str
    sms_hint: str
    defaults: tuple[str, ...]

    @property
    def email_ok(self) -> bool:
        return not self.email_hint

    @property
    def sms_ok(self) -> bool:
        return not self.sms_hint

    @property
    def mobile_display(self) -> str:
        return format_phone(self.contact.mobile)

    @property
    def reachable(self) -> bool:
        return self.email_ok or self.sms_ok


def recipient_options(shop: Shop, contacts: Iterable[Contact]) -> list[RecipientOption]:
    return [
        RecipientOption(
            contact=c,
            email_hint=email_unavailable(c),
            sms_hint=sms_unavailable(shop, c),
            defaults=tuple(default_channels(shop, c)),
        )
        for c in contacts
    ]


def share_blockers(
    *, kind: str, statuses: Iterable[tuple[str, str | None]], repair_order: RepairOrder
) -> list[str]:
    """What stops sharing the RO now; empty when it may be shared.

    `statuses` holds (status, source of the current decision or None) for each live operation.
    Send to Customer (seed 000) needs every operation decided and at least one
    approved on the customer's behalf; requesting approval only needs something to approve.
    Either needs the PO number a customer requires (`orders.selectors.po_number_problem`).
    """
    rows = list(statuses)
    if not rows:
        return [_("Add an operation to the estimate first.")]
    po_problem = po_number_problem(repair_order=repair_order)
    blockers = [po_problem] if po_problem else []
    if kind != ShareKind.SEND_TO_CUSTOMER:
        return blockers
    pending = sum(1 for status, _source in rows if status not in DECIDABLE_STATUSES)
    if pending:
        blockers.append(
            ngettext(
                "Every operation must be Approved, Deferred or Declined: %(n)d is still pending.",
                "Every operation must be Approved, Deferred or Declined: %(n)d are still pending.",
                pending,
            )
            % {"n": pending}
        )
    if not any(s == Status.APPROVED and src == Source.ON_BEHALF for s, src in rows):
        blockers.append(_("At least one operation must be approved on the customer's behalf."))
    return blockers


def clean_sections(sections: Iterable[str] | None) -> list[str]:
    """The PDF sections asked for, in their documented order; None means all of them."""
    chosen = list(PDF_SECTION_KEYS) if sections is None else list(dict.fromkeys(sections))
    unknown = [s for s in chosen if s not in PDF_SECTION_KEYS]
    if unknown:
        message = f"Unknown PDF section {unknown[0]!r}. Choose from: {', '.join(PDF_SECTION_KEYS)}."
        raise ValidationFailed(message, fields={"sections": message})
    return [key for key in PDF_SECTION_KEYS if key in chosen]
