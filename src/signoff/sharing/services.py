"""Writes for sharing: share an estimate version with contacts, and withdraw a link."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from signoff.approvals.lifecycle import ro_status_follow
from signoff.approvals.models import Event, EventKind, Status
from signoff.approvals.versions import version_freeze
from signoff.core.errors import Conflict, NotFound, ValidationFailed
from signoff.core.validation import clean_text, max_length_of, parse_id
from signoff.customers.models import Contact, Customer
from signoff.orders.locks import repair_order_get_for_update
from signoff.orders.models import RepairOrder
from signoff.sharing import rules, selectors
from signoff.sharing.compose import (
    ConfirmationFacts,
    RoutingFacts,
    cc_text_for,
    compose_confirmation,
    compose_message,
    compose_routing,
)
from signoff.sharing.links import share_link_mint
from signoff.sharing.models import (
    Channel,
    Message,
    MessageKind,
    OutboxCapture,
    Share,
    ShareKind,
    ShareLink,
)
from signoff.sharing.reminders import reminder_first_at
from signoff.shops.access import Actor, require_editor
from signoff.shops.models import Membership

MAX_NOTES = max_length_of(Share, "notes")


@dataclass(frozen=True)
class Recipient:
    """A contact to share with, and on which channels (None: their notification preference)."""

    contact_id: int
    channels: Sequence[str] | None = None


@dataclass
class ShareResult:
    share: Share
    version_created: bool
    # One link per contact. Their URLs are derived on demand (sharing.links.share_link_token).
    links: list[ShareLink] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)


@dataclass(frozen=True)
class _Addressee:
    contact: Contact
    channels: tuple[str, ...]


def _check_ready(*, ro: RepairOrder, kind: str) -> None:
    blockers = rules.share_blockers(
        kind=kind, statuses=selectors.ro_statuses(repair_order=ro), repair_order=ro
    )
    if blockers:
        what = "sent to the customer" if kind == ShareKind.SEND_TO_CUSTOMER else "shared"
        raise Conflict(
            f"The estimate cannot be {what} yet. " + " ".join(blockers), code="share_not_ready"
        )


def _channels_for(
    *, shop, contact: Contact, wanted: Sequence[str] | None, kind: str
) -> tuple[list[str], str]:
    """The channels to use for one contact, or an error sentence saying why none can be used.

    Send to Customer goes out by each contact's notification preference (seed 000); only
    Request Approval lets staff choose the channels.
    """
    preferred = rules.default_channels(shop, contact)
    if wanted is None or kind == ShareKind.SEND_TO_CUSTOMER:
        if not preferred:
            return [], (
                f"{contact.name} has no valid email address or mobile number — "
                "add one on the customer page."
            )
        if wanted is not None and set(wanted) != set(preferred):
            ways = " and ".join(Channel(c).label.lower() for c in preferred)
            return [], (
                f"Send to Customer follows {contact.name}'s notification preference ({ways}); "
                "leave the channels out, or use Request Approval to choose them."
            )
        return preferred, ""
    channels = list(dict.fromkeys(wanted))
    if not channels:
        return [], f"Choose email or text for {contact.name}."
    unknown = [c for c in channels if c not in Channel.values]
    if unknown:
        return [], f"Unknown channel {unknown[0]!r}: use 'email' or 'sms'."
    for channel in channels:
        reason = rules.channel_unavailable(shop, contact, channel)
        if reason:
            return [], f"{contact.name}: {reason}"
    return channels, ""


def _clean_recipients(
    *,
    ro: RepairOrder,
    kind: str,
    recipients: Sequence[Recipient],
    primary_contact_id: int | None,
) -> list[_Addressee]:
    """Each recipient checked against the RO's customer and the channels they can receive.

    Returns the addressees with the primary (the email's To) first. Every problem is reported
    at once, per field, so the form can show them all.
    """
    errors: dict[str, str] = {}
    if not recipients:
        raise ValidationFailed(
            "Select at least one contact to share the estimate with.",
            fields={"recipients": "Select at least one contact."},
        )
    customer: Customer = ro.customer
    ids = [r.contact_id for r in recipients]
    # An id outside the database's range names no contact (and would fail the query).
    known = [i for i in ids if parse_id(i) is not None]
    contacts = {c.pk: c for c in Contact.objects.filter(shop_id=ro.shop_id, pk__in=known)}
    addressees: list[_Addressee] = []
    for i, recipient in enumerate(recipients):
        key = f"recipients.{i}"
        contact = contacts.get(recipient.contact_id)
        if contact is None:
            errors[f"{key}.contact_id"] = f"There is no contact #{recipient.contact_id}."
            continue
        if contact.customer_id != customer.pk:
            errors[f"{key}.contact_id"] = (
                f"{contact.name} is not a contact of {customer.name}; "
                f"choose one of {customer.name}'s contacts."
            )
            continue
        if any(a.contact.pk == contact.pk for a in addressees):
            errors[f"{key}.contact_id"] = f"{contact.name} is listed twice; list each contact once."
            continue
        channels, problem = _channels_for(
            shop=ro.shop, contact=contact, wanted=recipient.channels, kind=kind
        )
        if problem:
            errors[f"{key}.channels"] = problem
            continue
        addressees.append(_Addressee(contact=contact, channels=tuple(channels)))
    if primary_contact_id is not None and primary_contact_id not in ids:
        errors["primary_contact_id"] = "Choose the primary recipient among the selected contacts."
    if errors:
        raise ValidationFailed(
            "The estimate was not shared: " + " ".join(dict.fromkeys(errors.values())),
            fields=errors,
        )
    return sorted(addressees, key=lambda a: a.contact.pk != primary_contact_id)


def _clean_options(*, notes: str, sections: Sequence[str] | None) -> tuple[str, list[str]]:
    """(the notes, the PDF sections) as the share will keep them."""
    try:
        notes = clean_text(notes, label="notes", max_length=MAX_NOTES, multiline=True)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"notes": str(exc)}) from None
    return notes, rules.clean_sections(sections)


def _enqueue(message_id: int) -> None:
    # Imported here: delivery is another module's concern and need not load with this one.
    from signoff.sharing.delivery import message_enqueue

    message_enqueue(message_id)


def share_create(
    *,
    actor: Actor,
    ro_id: int,
    kind: str,
    recipients: Sequence[Recipient],
    primary_contact_id: int | None = None,
    include_etr: bool = True,
    notes: str = "",
    sections: Sequence[str] | None = None,
) -> ShareResult:
    """Share the RO's current estimate: freeze a version, mint one link per contact, and write
    one message per contact and channel — all in one transaction; delivery starts after commit.
    """
    require_editor(actor)
    if kind not in ShareKind.values:
        raise ValidationFailed(
            "Choose what to share.",
            fields={"kind": "Use 'request_approval' or 'send_to_customer'."},
        )
    notes, sections = _clean_options(notes=notes, sections=sections)
    with transaction.atomic():
        ro = repair_order_get_for_update(
            shop_id=actor.shop.pk, ro_id=ro_id, related=("shop", "customer")
        )
        _check_ready(ro=ro, kind=kind)
        addressees = _clean_recipients(
            ro=ro, kind=kind, recipients=recipients, primary_contact_id=primary_contact_id
        )
        version, created = version_freeze(repair_order=ro, user=actor.user)
        share = Share.objects.create(
            shop=actor.shop,
            repair_order=ro,
            version=version,
            kind=kind,
            created_by=actor.user,
            include_etr=include_etr,
            notes=notes,
            sections=sections,
        )
        result = ShareResult(share=share, version_created=created)
        people = [a.contact for a in addressees]
        for addressee in addressees:
            link, messages = _share_with(share=share, addressee=addressee, people=people)
            result.links.append(link)
            result.messages.extend(messages)
        Event.objects.create(
            shop=actor.shop,
            repair_order=ro,
            kind=EventKind.SHARE_CREATED,
            actor=actor.user,
            data={
                "share": share.pk,
                "kind": kind,
                "version": version.number,
                "contacts": [c.pk for c in people],
                "messages": [m.pk for m in result.messages],
            },
        )
        names = ", ".join(c.name for c in people)
        ro_status_follow(
            repair_order=ro,
            user=actor.user,
            why=f"Shared ({ShareKind(kind).label.lower()}) with {names}",
        )
        for message in result.messages:
            # robust: one failed enqueue must not stop the others; the sweeper finds it later.
            transaction.on_commit(lambda mid=message.pk: _enqueue(mid), robust=True)
    return result


def _share_with(
    *, share: Share, addressee: _Addressee, people: list[Contact]
) -> tuple[ShareLink, list[Message]]:
    contact = addressee.contact
    # The raw token is dropped here: bodies hold a placeholder, delivery derives it again.
    link, _raw = share_link_mint(share=share, contact=contact)
    cc_text = cc_text_for(contact=contact, others=[p for p in people if p.pk != contact.pk])
    messages = []
    remind_at = reminder_first_at(share)
    for channel in addressee.channels:
        to_address = contact.email if channel == Channel.EMAIL else contact.mobile
        first_text = channel == Channel.SMS and not selectors.number_texted_before(
            shop_id=share.shop_id, number=to_address
        )
        composed = compose_message(
            share=share, contact=contact, channel=channel, cc_text=cc_text, first_text=first_text
        )
        messages.append(
            Message.objects.create(
                shop_id=share.shop_id,
                repair_order_id=share.repair_order_id,
                share=share,
                link=link,
                contact=contact,
                channel=channel,
                to_address=to_address,
                cc_text=cc_text,
                subject=composed.subject,
                body_text=composed.body_text,
                body_html=composed.body_html,
                remind_at=remind_at,
            )
        )
    return link, messages


def confirmation_create(*, link: ShareLink, confirms, facts: ConfirmationFacts) -> list[Message]:
    """Queue the confirmation of a signed submission to the contact whose link it came through:
    an email (with the signed copy attached at send time) and/or a text (with the link to it).

    It goes by the channels the link reached the contact through (their share's messages),
    else by their notification preference; nothing is queued when no channel reaches them.
    `confirms` is the submission's first decision: one confirmation per submission and channel.
    Call inside the submission's transaction: delivery starts after its commit.
    """
    contact = link.contact
    channels = _confirmation_channels(link)
    messages = []
    for channel in channels:
        composed = compose_confirmation(facts=facts, channel=channel)
        messages.append(
            Message.objects.create(
                shop_id=link.shop_id,
                repair_order_id=link.repair_order_id,
                kind=MessageKind.CONFIRMATION,
                link=link,
                contact=contact,
                confirms=confirms,
                channel=channel,
                to_address=contact.email if channel == Channel.EMAIL else contact.mobile,
                subject=composed.subject,
                body_text=composed.body_text,
                body_html=composed.body_html,
            )
        )
    for message in messages:
        transaction.on_commit(lambda mid=message.pk: _enqueue(mid), robust=True)
    return messages


def _confirmation_channels(link: ShareLink) -> list[str]:
    """The channels the link's share used for its contact that still work, in email-then-text
    order; the contact's preference when the link was handed over some other way."""
    shop, contact = link.shop, link.contact
    used = set(
        Message.objects.filter(link=link, kind=MessageKind.SHARE).values_list("channel", flat=True)
    )
    working = [
        c for c in Channel.values if c in used and not rules.channel_unavailable(shop, contact, c)
    ]
    return working or rules.default_channels(shop, contact)


def approval_route_create(
    *,
    repair_order: RepairOrder,
    version,
    requester: Contact,
    authority,
    routed: Sequence,
    via_link: ShareLink | None = None,
    recorded_by=None,
) -> list[Message]:
    """Send the work a contact chose to approve above their limit (approvals.rights.Routed) to
    the contacts who can approve it: one share of the current version, a link for each of them,
    and a message by each one's channels saying which work and why. Call inside the
    submission's transaction (the RO locked); delivery starts after its commit."""
    recipients: dict[int, Contact] = {}
    for item in routed:
        for contact in item.approvers:
            recipients.setdefault(contact.pk, contact)
    messages: list[Message] = []
    share = None
    if recipients:
        share = Share.objects.create(
            shop_id=repair_order.shop_id,
            repair_order=repair_order,
            version=version,
            kind=ShareKind.REQUEST_APPROVAL,
            sections=rules.clean_sections(None),
        )
    for contact in recipients.values():
        items = [(r.title, r.amount) for r in routed if contact in r.approvers]
        facts = RoutingFacts(
            recipient=contact,
            requester=requester,
            shop_name=repair_order.shop.name,
            shop_phone=repair_order.shop.phone,
            ro_label=repair_order.label,
            customer_name=repair_order.customer.name,
            items=items,
            view_only=not authority.can_decide,
            limit=authority.limit,
            used=authority.used,
        )
        link, _raw = share_link_mint(share=share, contact=contact)
        for channel in rules.default_channels(repair_order.shop, contact):
            composed = compose_routing(facts=facts, channel=channel)
            messages.append(
                Message.objects.create(
                    shop_id=repair_order.shop_id,
                    repair_order=repair_order,
                    kind=MessageKind.APPROVAL_REQUEST,
                    share=share,
                    link=link,
                    contact=contact,
                    channel=channel,
                    to_address=contact.email if channel == Channel.EMAIL else contact.mobile,
                    subject=_text_line(composed.subject) if composed.subject else "",
                    body_text=composed.body_text,
                )
            )
    Event.objects.create(
        shop_id=repair_order.shop_id,
        repair_order=repair_order,
        kind=EventKind.APPROVAL_ROUTED,
        actor=recorded_by,
        share_link=via_link,
        data={
            "version": version.number,
            "contact": requester.pk,
            "operations": [r.operation_id for r in routed],
            "to": list(recipients),
            "messages": [m.pk for m in messages],
            "share": share.pk if share else None,
        },
    )
    for message in messages:
        transaction.on_commit(lambda mid=message.pk: _enqueue(mid), robust=True)
    return messages


def link_revoke(*, actor: Actor, link_id: int) -> ShareLink:
    """Withdraw a share link: it stops opening at once. Revoking twice changes nothing."""
    require_editor(actor)
    with transaction.atomic():
        link = (
            ShareLink.objects.select_for_update()
            .select_related("contact")
            .filter(shop=actor.shop, pk=link_id)
            .first()
        )
        if link is None:
            raise NotFound("Share link not found.")
        if link.is_revoked:
            return link
        link.revoked_at = timezone.now()
        link.revoked_by = actor.user
        link.save(update_fields=["revoked_at", "revoked_by"])
        Event.objects.create(
            shop=actor.shop,
            repair_order_id=link.repair_order_id,
            kind=EventKind.LINK_REVOKED,
            actor=actor.user,
            share_link=link,
            data={"contact": link.contact_id},
        )
    return link


def share_link_reveal(*, actor: Actor, link_id: int) -> selectors.LinkAddress:
    """An active link's URL for staff who hand it over themselves, recorded as evidence.

    Whoever holds the URL can answer as the contact, so each time staff ask for it an event
    names who did, on the RO's record.
    """
    address = selectors.share_link_address(actor=actor, link_id=link_id)
    _link_revealed(actor=actor, link=address.link)
    return address


def outbox_capture_open(*, actor: Actor, message_id: int) -> OutboxCapture:
    """A dev-outbox message as sent, opened by staff: it shows the contact's link, so each
    opening is recorded like Copy link's."""
    capture = selectors.outbox_capture_get(actor=actor, message_id=message_id)
    link = capture.message.link
    if link is not None:
        _link_revealed(actor=actor, link=link, via="dev_outbox")
    return capture


def _link_revealed(*, actor: Actor, link: ShareLink, via: str | None = None) -> None:
    """Evidence that staff saw a contact's link: who, which link, on the RO's record."""
    data = {"contact": link.contact.name}
    if via:
        data["via"] = via
    Event.objects.create(
        shop=actor.shop,
        repair_order_id=link.repair_order_id,
        kind=EventKind.LINK_REVEALED,
        actor=actor.user,
        share_link=link,
        data=data,
    )


def advisor_answer_notice(
    *, repair_order: RepairOrder, contact_name: str, statuses: Sequence[str]
) -> Message | None:
    """Email the RO's advisor that a customer answered, when they asked for it in their profile
    (Membership.email_on_answer) and have an address: an outbox message like any other,
    delivered by the worker after the answer commits. None when nobody is to be told. Call in
    the transaction that records the answer."""
    advisor = repair_order.advisor
    if advisor is None or not advisor.email:
        return None
    wants = Membership.objects.filter(
        user=advisor, shop_id=repair_order.shop_id, email_on_answer=True
    ).exists()
    if not wants:
        return None
    counts = Counter(statuses)
    said = ", ".join(
        f"{counts[status]} {Status(status).label.lower()}"
        for status in (Status.APPROVED, Status.DEFERRED, Status.DECLINED)
        if counts[status]
    )
    ro_url = settings.SITE_URL + reverse("web:ro_detail", args=[repair_order.pk])
    message = Message.objects.create(
        shop_id=repair_order.shop_id,
        repair_order=repair_order,
        channel=Channel.EMAIL,
        to_address=advisor.email,
        subject=_text_line(f"{contact_name} answered on {repair_order.label}"),
        body_text=(
            f"{contact_name} answered on {repair_order.label} ({repair_order.customer.name}): "
            f"{said}.\n\nOpen the RO: {ro_url}\n\n"
            "You get this email because you asked for it in your Signoff profile."
        ),
    )
    transaction.on_commit(lambda: _enqueue(message.pk), robust=True)
    return message


def _text_line(text: str) -> str:
    """One line of at most the subject's length (a name can hold anything a customer typed)."""
    line = " ".join(text.split())
    limit = max_length_of(Message, "subject")
    return line if len(line) <= limit else line[: limit - 1] + "…"
