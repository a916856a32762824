"""A not-to-exceed amount left at drop-off, signed at the counter: the customer allows work up to
an amount (before tax) without being contacted.

It is evidence like any signature: a Signature of kind NOT_TO_EXCEED in the RO's hash chain,
bound to the version of the RO as it was when signed (made now if there is none: at drop-off
the estimate may still be empty), with its own consent statement stored word for word.
`approvals.amounts` reads the latest one as part of what is authorized.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from signoff.approvals.chain import lock_repair_order, signature_append
from signoff.approvals.esign import Disclosure, consent_for
from signoff.approvals.models import Signature, Source
from signoff.core.errors import ValidationFailed
from signoff.core.formatting import money
from signoff.core.validation import parse_decimal, parse_id
from signoff.customers.models import Contact
from signoff.orders.models import MAX_RO_LINES_AMOUNT, RepairOrder
from signoff.orders.selectors import repair_order_get
from signoff.shops.access import Actor, require_editor
from signoff.signing.routing import esign_acceptance_record
from signoff.signing.services import Submission, approval_version_freeze
from signoff.signing.signature import signature_clean

FIELD = "amount"
MAX_AMOUNT = MAX_RO_LINES_AMOUNT.quantize(Decimal("0.01"))


def not_to_exceed_amount_clean(raw: object) -> Decimal:
    """The amount a customer allows, before tax: positive, in cents, within what an RO holds."""
    text = str(raw if raw is not None else "").replace("$", "").replace(",", "").strip()
    try:
        value = parse_decimal(text)
    except ValueError:
        message = _("Enter the amount as a number, e.g. 500 or 750.00.")
        raise ValidationFailed(message, fields={FIELD: message}) from None
    if value <= 0:
        message = _("The amount must be more than %(zero)s.") % {"zero": money(Decimal(0))}
    elif value > MAX_AMOUNT:
        message = _("The amount is too large: at most %(max)s.") % {"max": money(MAX_AMOUNT)}
    elif value != value.quantize(Decimal("0.01")):
        message = _("Use at most two decimal places for the amount, e.g. 750.25.")
    else:
        return value.quantize(Decimal("0.01"))
    raise ValidationFailed(message, fields={FIELD: message})


def not_to_exceed_consent(*, shop_name: str, ro_label: str, amount: Decimal, language: str) -> str:
    """The statement the customer agrees to, shown above the checkbox and stored as signed."""
    with translation.override(language):
        values = {"shop": shop_name, "ro": ro_label, "amount": money(amount)}
        allow = (
            _(
                "You may perform work on %(ro)s up to %(amount)s before tax without contacting "
                "me. Beyond that amount, %(shop)s must ask for my authorization again."
            )
            % values
        )
        esign = (
            _(
                "I agree to sign electronically, and that my electronic signature counts the same "
                "as one on paper. I can ask %(shop)s for a paper copy at any time."
            )
            % values
        )
    return f"{allow} {esign}"


@dataclass(frozen=True)
class NotToExceedScreen:
    """What the counter screen shows: the amount, the statement, the contacts to choose from."""

    repair_order: RepairOrder
    amount: Decimal
    contacts: list[Contact]
    approver: Contact
    consent_text: str
    language: str
    # Before the signer's first electronic signature: the e-sign disclosure to accept.
    esign: Disclosure | None = None


def _contacts(repair_order: RepairOrder) -> list[Contact]:
    contacts = list(Contact.objects.filter(customer_id=repair_order.customer_id))
    if not contacts:
        raise ValidationFailed(
            f"Add a contact for {repair_order.customer.name} first: the person signing at the "
            "counter picks their name from the customer's contacts."
        )
    return contacts


def not_to_exceed_screen(
    *, actor: Actor, ro_id: int, amount: object, language: str, contact_id: object = None
) -> NotToExceedScreen:
    """The screen for `amount` (ValidationFailed for an amount that cannot be one, or a
    customer with no contact)."""
    require_editor(actor)
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    clean = not_to_exceed_amount_clean(amount)
    contacts = _contacts(ro)
    chosen = parse_id(contact_id)
    approver = next((c for c in contacts if c.pk == chosen), contacts[0])
    consent = not_to_exceed_consent(
        shop_name=ro.shop.name, ro_label=ro.label, amount=clean, language=language
    )
    esign = consent_for(contact=approver, shop=ro.shop, language=language)
    return NotToExceedScreen(ro, clean, contacts, approver, consent, language, esign)


def not_to_exceed_sign(
    *,
    actor: Actor,
    ro_id: int,
    amount: object,
    contact_id: object,
    signature_png: str,
    signature_strokes: str | list,
    consent: bool,
    language: str,
    ip: str | None,
    user_agent: str,
) -> Signature:
    """The customer signs the not-to-exceed amount at the counter; the staff member present is
    recorded. Nothing is written on a refusal."""
    screen = not_to_exceed_screen(
        actor=actor, ro_id=ro_id, amount=amount, language=language, contact_id=contact_id
    )
    if parse_id(contact_id) != screen.approver.pk:
        message = _("Choose who is signing from the list.")
        raise ValidationFailed(message, fields={"contact": message})
    errors: dict[str, str] = {}
    clean = None
    try:
        clean = signature_clean(png=signature_png, strokes=signature_strokes)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if not consent:
        errors["consent"] = _("Tick the box to agree to sign electronically.")
    if errors:
        raise ValidationFailed(" ".join(errors.values()), fields=errors)
    ro, contact = screen.repair_order, screen.approver
    with transaction.atomic():
        lock_repair_order(shop_id=ro.shop_id, ro_id=ro.pk)
        version = approval_version_freeze(repair_order=ro, user=actor.user)
        submission = Submission(
            repair_order=ro,
            source=Source.IN_PERSON,
            link=None,
            recorded_by=actor.user,
            ip=ip,
            user_agent=user_agent,
        )
        esign_acceptance_record(submission, contact=contact, language=language)
        return signature_append(
            repair_order=ro,
            version=version,
            kind=Signature.Kind.NOT_TO_EXCEED,
            source=Source.IN_PERSON,
            contact=contact,
            contact_name=contact.name,
            contact_relationship=contact.relationship_label,
            recorded_by=actor.user,
            amount=screen.amount,
            svg=clean.svg,
            png=clean.png,
            consent_text=screen.consent_text,
            ip=ip,
            user_agent=user_agent,
        )
