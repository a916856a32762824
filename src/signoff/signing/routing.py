"""What a submission may record, checked before it is written: the answers within the approver's
limit and the rest sent on (approvals.rights), and the e-sign disclosure's acceptance.

Called by `signing.services._approval_record` inside its transaction, the RO locked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from signoff.approvals import rights
from signoff.approvals.chain import consent_append
from signoff.approvals.esign import consent_for, disclosure_pinned
from signoff.approvals.models import EstimateVersion, Event, EventKind, Status
from signoff.core.errors import Conflict
from signoff.customers.models import Contact
from signoff.orders.models import RepairOrder
from signoff.sharing.services import approval_route_create

if TYPE_CHECKING:
    from signoff.signing.selectors import ApprovalPage

# `submission` below is a signing.services.Submission (the RO, the link or staff member, the
# client), left unannotated: services imports this module.


def answers_within_limit(
    *, repair_order: RepairOrder, contact: Contact, content: Mapping, choices: Mapping[int, str]
) -> tuple[dict[int, str], list[rights.Routed]]:
    """(the answers the contact may give now, the approvals above their limit), by
    approvals.rights: what counts is their standing approvals on the RO plus these, before tax."""
    everyone = list(Contact.objects.filter(customer_id=repair_order.customer_id))
    authority = rights.authorities(repair_order_id=repair_order.pk, contacts=everyone)
    in_order = [op for op in content["operations"] if choices.get(op["id"]) == Status.APPROVED]
    approvals = [(op["id"], op["title"], Decimal(op["subtotal"])) for op in in_order]
    _within, routed = rights.split_by_limit(
        approver=authority[contact.pk], authority=authority, approvals=approvals
    )
    held = {r.operation_id for r in routed}
    return {op_id: st for op_id, st in choices.items() if op_id not in held}, routed


def route_above_limit(
    submission,
    *,
    version: EstimateVersion,
    contact: Contact,
    routed: list[rights.Routed],
) -> None:
    """Send the approvals above the contact's limit to the contacts who can approve them, once
    per submission: the same items sent again on the same version are refused."""
    repair_order = submission.repair_order
    ids = sorted(r.operation_id for r in routed)
    earlier = Event.objects.filter(
        repair_order=repair_order,
        kind=EventKind.APPROVAL_ROUTED,
        data__version=version.number,
        data__contact=contact.pk,
    ).values_list("data", flat=True)
    if any(sorted(d.get("operations", [])) == ids for d in earlier):
        raise Conflict(
            _("These items were already sent for approval: %(items)s.")
            % {"items": ", ".join(f"“{r.title}”" for r in routed)},
            code="already_routed",
        )
    approval_route_create(
        repair_order=repair_order,
        version=version,
        requester=contact,
        authority=rights.authorities(
            repair_order_id=repair_order.pk,
            contacts=list(Contact.objects.filter(customer_id=repair_order.customer_id)),
        )[contact.pk],
        routed=routed,
        via_link=submission.link,
        recorded_by=submission.recorded_by,
    )


def esign_acceptance_record(
    submission, *, contact: Contact, language: str, shown_sha256: str | None = None
):
    """Record the contact's acceptance of the e-sign disclosure shown above the consent, the
    first time they sign electronically under the shop's current text (else None).

    `shown_sha256` is the hash of the text the page showed ("" for none): StaleVersion when the
    shop's text is another one now (approvals.esign.disclosure_pinned)."""
    repair_order = submission.repair_order
    disclosure = consent_for(contact=contact, shop=repair_order.shop, language=language)
    if disclosure is None:
        return None
    disclosure_pinned(disclosure, shown_sha256=shown_sha256)
    try:
        with transaction.atomic():
            return _consent_append(submission, contact=contact, disclosure=disclosure)
    except IntegrityError:
        # The same contact accepted this text a moment ago on another RO (once per contact,
        # version and text, which the database keeps): that record stands.
        return None


def _consent_append(submission, *, contact: Contact, disclosure):
    repair_order = submission.repair_order
    return consent_append(
        repair_order=repair_order,
        contact=contact,
        disclosure_version=disclosure.version,
        language=disclosure.language,
        text=disclosure.text,
        source=submission.source,
        via_link=submission.link,
        recorded_by=submission.recorded_by,
        ip=submission.ip,
        user_agent=submission.user_agent,
    )


@dataclass(frozen=True)
class SentOn:
    """An operation still pending that was sent on for approval above someone's limit."""

    title: str
    to: str  # "Pat Fleet (Fleet manager)"


def sent_on_for_approval(*, page: ApprovalPage) -> list[SentOn]:
    """The page's pending operations sent on to other contacts for approval (events of kind
    `approval_routed` on its version), for the thank-you page."""
    pending = {op.id: op for op in page.operations if op.status == Status.PENDING}
    contacts = {a.contact.pk: a.contact for a in page.authorities.values()}
    sent: dict[int, SentOn] = {}
    events = Event.objects.filter(
        repair_order=page.repair_order,
        kind=EventKind.APPROVAL_ROUTED,
        data__version=page.version.number,
    ).values_list("data", flat=True)
    for data in events:
        to = rights.names_of(contacts[i] for i in data.get("to", []) if i in contacts)
        for op_id in data.get("operations", []):
            if op_id in pending and to:
                sent[op_id] = SentOn(title=pending[op_id].title, to=to)
    return list(sent.values())
