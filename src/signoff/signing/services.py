"""Writes behind the approval screens: recording a link's opening, and signed approvals.

The customer page, its JSON twin and the in-person screen all record through
`_approval_record`, so the rules (current version only, pending operations only, the
recommendation settings, signature and consent) live here once.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from signoff.approvals import rights
from signoff.approvals.chain import (
    decision_append,
    lock_repair_order,
    normalize_ip,
    signature_append,
)
from signoff.approvals.lifecycle import ro_status_follow
from signoff.approvals.models import (
    Decision,
    EsignConsent,
    EstimateVersion,
    Event,
    EventKind,
    Signature,
    Source,
    Status,
)
from signoff.approvals.selectors import latest_decisions, status_of
from signoff.approvals.versions import (
    version_current,
    version_freeze,
    version_shows_current_work,
)
from signoff.core.errors import Conflict, StaleVersion, ValidationFailed
from signoff.core.http import after_response, client_address, user_agent
from signoff.core.validation import clean_text, max_length_of, parse_id
from signoff.customers.models import Contact
from signoff.orders.models import Operation, OperationKind, RepairOrder
from signoff.orders.selectors import live_operations, repair_order_get
from signoff.sharing import ratelimit
from signoff.sharing.models import ShareLink
from signoff.sharing.services import advisor_answer_notice
from signoff.shops.access import Actor, require_editor
from signoff.signing.confirmation import confirmation_queue
from signoff.signing.routing import (
    answers_within_limit,
    esign_acceptance_record,
    route_above_limit,
)
from signoff.signing.selectors import (
    CHOICES,
    Preview,
    approval_preview,
    approver_choices,
    drawing_required,
    operation_decidable,
    recommendation_signed,
    sections_for,
)
from signoff.signing.signature import CleanSignature, signature_clean


@dataclass
class ApprovalInput:
    """What a contact submits: answers per operation, who is approving, signature, consent."""

    version_id: int | None
    choices: dict[int, str]
    contact_id: int | None = None
    signature_png: str = ""
    signature_strokes: str | list = ""
    consent: bool = False
    # The total the screen showed next to the consent text; refused when it no longer matches.
    shown_total: Decimal | None = None
    language: str = "en"
    # The name typed instead of a drawing, where the shop's signature policy asks for none.
    typed_name: str = ""
    # The SHA-256 of the e-sign disclosure the screen showed ("" for none, None when the client
    # does not say): an acceptance of another text is refused as stale.
    esign_sha256: str | None = None
    # Fields the client sent that could not be read ("total", "contact"): refused, never
    # taken as left out (an unreadable total would otherwise skip the check above).
    unreadable: frozenset[str] = frozenset()


@dataclass
class ApprovalResult:
    decisions: list[Decision] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    amount: Decimal = Decimal("0.00")
    consent_text: str = ""
    # Approvals above the approver's limit: left pending and sent to who can approve them.
    routed: list[rights.Routed] = field(default_factory=list)
    esign_consent: EsignConsent | None = None


@dataclass(frozen=True)
class Submission:
    """Where a contact's answers come from: the RO, the link or staff member, and the client.

    Built by the two ways of answering (`portal_approval_submit`, `in_person_approval_submit`);
    all of it is recorded on each decision and signature.
    """

    repair_order: RepairOrder
    source: str  # Source.LINK or Source.IN_PERSON
    link: ShareLink | None
    recorded_by: AbstractBaseUser | None  # the staff member at the counter; None on a link
    ip: str | None
    user_agent: str


@dataclass(frozen=True)
class SignatureGiven:
    """A checked signature: drawn (`drawn`), or a typed name where no drawing was asked for."""

    drawn: CleanSignature | None
    typed_name: str
    policy: str
    drawing_required: bool


@dataclass(frozen=True)
class AnswerRecord:
    """A submission's answers once checked against the current version, ready to write."""

    version: EstimateVersion
    operations: list[Operation]
    choices: Mapping[int, str]
    contact: Contact
    preview: Preview
    signature: SignatureGiven | None


def approval_version_freeze(*, repair_order: RepairOrder, user=None) -> EstimateVersion:
    """Write, if needed, the version a contact approves against: the latest, or a new one when
    the work changed since (decisions alone never make one).

    Staff may edit an estimate after sharing it without sharing again; a contact must still
    approve exactly what they are shown, so the screens freeze the RO as it is now.
    """
    with transaction.atomic():
        lock_repair_order(shop_id=repair_order.shop_id, ro_id=repair_order.pk)
        version, _created = version_freeze(
            repair_order=repair_order, user=user, ignore_statuses=True
        )
        return version


def share_link_opening_record(
    *, link: ShareLink, version: EstimateVersion, ip: str, user_agent: str, via: str = "page"
) -> Event:
    """Record that a contact opened their link: one append-only insert, no lock.

    The page calls it once its answer is on its way (`core.http.after_response`). Counts and
    first/last times are derived from these rows (`sharing.selectors.with_openings`), so
    opening a link never updates a row that a writer might hold.
    """
    return Event.objects.create(
        shop_id=link.shop_id,
        repair_order_id=link.repair_order_id,
        kind=EventKind.LINK_OPENED,
        share_link=link,
        data={"contact": link.contact_id, "version": version.number, "via": via},
        ip=normalize_ip(ip),
        user_agent=(user_agent or "")[:400],
    )


def share_link_opening_after_response(
    request: HttpRequest, *, link: ShareLink, version: EstimateVersion, via: str = "page"
) -> None:
    """Record the opening once `request`'s answer is sent: the page and the API's GET both."""
    opened = functools.partial(
        share_link_opening_record,
        link=link,
        version=version,
        ip=client_address(request),
        user_agent=user_agent(request),
        via=via,
    )
    after_response(request, opened)


def in_person_start(*, actor: Actor, ro_id: int) -> tuple[RepairOrder, EstimateVersion]:
    """Open the counter screen: the RO and the version to sign (made now if there is none)."""
    require_editor(actor)
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    if not any(True for _op in ro.operations.all()):
        raise ValidationFailed(
            "Add an operation to the estimate before asking for approval in person."
        )
    if not Contact.objects.filter(customer_id=ro.customer_id).exists():
        raise ValidationFailed(
            f"Add a contact for {ro.customer.name} first: the person approving at the counter "
            "picks their name from the customer's contacts."
        )
    return ro, approval_version_freeze(repair_order=ro, user=actor.user)


def portal_approval_submit(
    *, link: ShareLink, data: ApprovalInput, ip: str | None, user_agent: str
) -> ApprovalResult:
    """A contact's answers through their link, signed, recorded against the current version."""
    ratelimit.approval_attempt(link_id=link.pk)
    submission = Submission(
        repair_order=link.repair_order,
        source=Source.LINK,
        link=link,
        recorded_by=None,
        ip=ip,
        user_agent=user_agent,
    )
    return _approval_record(submission=submission, data=data)


def in_person_approval_submit(
    *, actor: Actor, ro_id: int, data: ApprovalInput, ip: str | None, user_agent: str
) -> ApprovalResult:
    """A contact's answers at the counter, signed there; the staff member present is recorded."""
    require_editor(actor)
    submission = Submission(
        repair_order=repair_order_get(actor=actor, ro_id=ro_id),
        source=Source.IN_PERSON,
        link=None,
        recorded_by=actor.user,
        ip=ip,
        user_agent=user_agent,
    )
    return _approval_record(submission=submission, data=data)


def _check_readable(data: ApprovalInput) -> None:
    messages = {
        "total": _("The total shown could not be read. Check it and sign again."),
        "contact": _("Choose who is approving from the list."),
    }
    fields = {name: messages[name] for name in sorted(data.unreadable)}
    if data.shown_total is not None and not data.shown_total.is_finite():
        fields["total"] = messages["total"]
    if fields:
        raise ValidationFailed(" ".join(fields.values()), fields=fields)


def _check_choices(choices: Mapping[int, str]) -> None:
    if not choices:
        message = _("Choose Approve or Decline for at least one item, then sign.")
        raise ValidationFailed(message, fields={"decisions": message})
    unknown = [op_id for op_id in choices if parse_id(op_id) is None]
    if unknown:
        message = _("This item is not on the estimate any more.")
        raise ValidationFailed(message, fields={f"decisions.{unknown[0]}": message})
    wrong = [op_id for op_id, status in choices.items() if status not in CHOICES]
    if wrong:
        message = _("Each answer must be Approve or Decline.")
        raise ValidationFailed(message, fields={f"decisions.{wrong[0]}": message})


def _operations(
    *, repair_order: RepairOrder, link: ShareLink | None, content: Mapping, choices: Mapping
) -> list[Operation]:
    """The chosen operations, in estimate order, each one a contact may answer now."""
    shop = repair_order.shop
    sections = sections_for(link)
    in_version = {op["id"]: op for op in content["operations"]}
    live = {
        op.pk: op
        for op in live_operations().filter(repair_order=repair_order, pk__in=list(choices))
    }
    decisions = latest_decisions(operation_ids=list(live))
    errors: dict[str, str] = {}
    decided = []
    for op_id in choices:
        op = live.get(op_id)
        if op is None or op_id not in in_version:
            errors[f"decisions.{op_id}"] = _("This item is not on the estimate any more.")
            continue
        status = status_of(decisions.get(op_id))
        if status != Status.PENDING:
            decided.append(op)
            continue
        if not operation_decidable(
            kind=op.kind, status=status, shop=shop, link=link, sections=sections
        ):
            errors[f"decisions.{op_id}"] = _(
                "%(shop)s does not take approval of recommended work here. Call the shop about it."
            ) % {"shop": shop.name}
    if decided:
        raise Conflict(
            _("%(shop)s already recorded a decision for: %(items)s. Review the estimate again.")
            % {"shop": shop.name, "items": ", ".join(f"“{op.title}”" for op in decided)},
            code="already_decided",
        )
    if errors:
        raise ValidationFailed(" ".join(dict.fromkeys(errors.values())), fields=errors)
    return sorted(live.values(), key=lambda op: (op.position, op.pk))


def _approver(
    *, repair_order: RepairOrder, link: ShareLink | None, contact_id: int | None
) -> Contact:
    contacts = list(Contact.objects.filter(customer_id=repair_order.customer_id))
    if contact_id is None:
        chosen = link.contact if link is not None else next(iter(contacts), None)
    else:
        chosen = next((c for c in contacts if c.pk == contact_id), None)
    if chosen is None:
        message = _("Choose who is approving from the list.")
        raise ValidationFailed(message, fields={"contact": message})
    if not chosen.can_approve:
        message = _(
            "%(name)s can view this estimate but not approve or decline it. Choose who is "
            "approving from the list."
        ) % {"name": chosen.name}
        raise ValidationFailed(message, fields={"contact": message})
    allowed = approver_choices(contacts, link_contact=link.contact if link else None)
    if chosen not in allowed:
        # The page offers no one else here; naming another contact is refused, not trusted.
        message = _("Choose who is approving from the list.")
        raise ValidationFailed(message, fields={"contact": message})
    return chosen


TYPED_NAME_MAX = max_length_of(Signature, "typed_name")


def _typed_name(raw: str, errors: dict[str, str]) -> str:
    try:
        name = clean_text(raw or "", label=_("name"), max_length=TYPED_NAME_MAX)
    except ValueError as exc:
        errors["typed_name"] = str(exc)
        return ""
    if not name:
        errors["typed_name"] = _("Type your full name to sign.")
    return name


def _signature(
    data: ApprovalInput, needed: bool, *, drawing: bool, policy: str
) -> SignatureGiven | None:
    """The signature a submission needs: drawn where the shop's policy asks for a drawing, else
    a typed name (a drawing sent anyway is kept, checked like any other); and the consent."""
    if not needed:
        return None
    errors: dict[str, str] = {}
    clean, typed = None, ""
    if drawing or data.signature_png or data.signature_strokes:
        try:
            clean = signature_clean(png=data.signature_png, strokes=data.signature_strokes)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if data.typed_name or (not drawing and clean is None):
        typed = _typed_name(data.typed_name, errors)
    if not data.consent:
        errors["consent"] = _("Tick the box to agree to sign electronically.")
    if errors:
        raise ValidationFailed(" ".join(errors.values()), fields=errors)
    return SignatureGiven(drawn=clean, typed_name=typed, policy=policy, drawing_required=drawing)


def _approval_record(*, submission: Submission, data: ApprovalInput) -> ApprovalResult:
    _check_readable(data)
    _check_choices(data.choices)
    repair_order, link = submission.repair_order, submission.link
    with transaction.atomic():
        lock_repair_order(shop_id=repair_order.shop_id, ro_id=repair_order.pk)
        version = version_current(repair_order=repair_order)
        if (
            version is None
            or version.pk != data.version_id
            or not version_shows_current_work(version=version, repair_order=repair_order)
        ):
            raise StaleVersion(_("This estimate was updated — please review the new version."))
        content = version.content
        operations = _operations(
            repair_order=repair_order, link=link, content=content, choices=data.choices
        )
        contact = _approver(repair_order=repair_order, link=link, contact_id=data.contact_id)
        shop = repair_order.shop
        choices, routed = answers_within_limit(
            repair_order=repair_order, contact=contact, content=content, choices=data.choices
        )
        preview = approval_preview(
            shop=shop, content=content, choices=choices, language=data.language
        )
        if data.shown_total is not None and data.shown_total != preview.total:
            message = _("The total changed while you were choosing. Check it and sign again.")
            raise ValidationFailed(message, fields={"total": message})
        if not choices:
            # Everything chosen is above the approver's limit: nothing to sign, only to send on.
            route_above_limit(submission, version=version, contact=contact, routed=routed)
            return ApprovalResult(routed=routed, consent_text=preview.consent_text)
        record = AnswerRecord(
            version=version,
            operations=[op for op in operations if op.pk in choices],
            choices=choices,
            contact=contact,
            preview=preview,
            signature=_signature(
                data,
                preview.needs_signature,
                drawing=drawing_required(shop=shop, repair_order=repair_order),
                policy=shop.signature_policy,
            ),
        )
        consent = None
        if record.signature is not None:
            consent = esign_acceptance_record(
                submission,
                contact=contact,
                language=data.language,
                shown_sha256=data.esign_sha256,
            )
        result = _write(submission, record)
        result.esign_consent, result.routed = consent, routed
        if routed:
            route_above_limit(submission, version=version, contact=contact, routed=routed)
        if link is not None:
            confirmation_queue(
                link=link,
                version=version,
                operations=record.operations,
                choices=choices,
                approver=contact,
                authorized=preview.total,
                decisions=result.decisions,
                language=data.language,
            )
            # At the counter staff are there to see it; a link's answer is news to the advisor.
            advisor_answer_notice(
                repair_order=repair_order,
                contact_name=contact.name,
                statuses=[d.status for d in result.decisions],
            )
        return result


def _write(submission: Submission, record: AnswerRecord) -> ApprovalResult:
    """Appends the signatures and decisions of one checked submission (the RO is locked)."""
    repair_order, version, preview = submission.repair_order, record.version, record.preview
    contact, given = record.contact, record.signature
    result = ApprovalResult(amount=preview.total, consent_text=preview.consent_text)
    subtotals = {op["id"]: Decimal(op["subtotal"]) for op in version.content["operations"]}
    kinds = {op.pk: op.kind for op in record.operations}
    signed_recommendations = recommendation_signed(repair_order.shop)
    signatures: dict[str, Signature | None] = {}
    for kind, amount, wanted in (
        (Signature.Kind.ESTIMATE, preview.estimate.total, OperationKind.ESTIMATE),
        (
            Signature.Kind.RECOMMENDATION,
            preview.recommendations.total,
            OperationKind.RECOMMENDATION,
        ),
    ):
        if given is None or wanted not in kinds.values():
            continue
        if wanted == OperationKind.RECOMMENDATION and not signed_recommendations:
            continue
        signatures[wanted] = signature_append(
            repair_order=repair_order,
            version=version,
            kind=kind,
            source=submission.source,
            contact=contact,
            contact_name=contact.name,
            contact_relationship=contact.relationship_label,
            via_link=submission.link,
            recorded_by=submission.recorded_by,
            amount=amount,
            svg=given.drawn.svg if given.drawn else "",
            png=given.drawn.png if given.drawn else b"",
            typed_name=given.typed_name,
            policy=given.policy,
            drawing_required=given.drawing_required,
            consent_text=preview.consent_text,
            ip=submission.ip,
            user_agent=submission.user_agent,
        )
        result.signatures.append(signatures[wanted])
    for op in record.operations:
        status = record.choices[op.pk]
        # Seed 001: without "capture who approved", recommendation approvals name nobody
        # (the link they came through is still kept).
        named = op.kind == OperationKind.ESTIMATE or signed_recommendations
        result.decisions.append(
            decision_append(
                operation=op,
                status=status,
                source=submission.source,
                recorded_by=submission.recorded_by,
                contact=contact if named else None,
                contact_name=contact.name if named else "",
                contact_relationship=contact.relationship_label if named else "",
                via_link=submission.link,
                amount=subtotals[op.pk] if status == Status.APPROVED else None,
                version=version,
                signature=signatures.get(op.kind),
                ip=submission.ip,
                user_agent=submission.user_agent,
            )
        )
    how = "in person" if submission.source == Source.IN_PERSON else "through their link"
    ro_status_follow(
        repair_order=repair_order, user=submission.recorded_by, why=f"{contact.name} answered {how}"
    )
    return result
