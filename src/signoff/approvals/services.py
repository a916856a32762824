"""Writes of the approvals app: decisions on the customer's behalf, resets, versions frozen after
a change, and the reason list."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower

from signoff.approvals import rights
from signoff.approvals.amounts import TAX_WORDS, NotToExceed, covering_not_to_exceed
from signoff.approvals.chain import decision_append, lock_repair_order
from signoff.approvals.lifecycle import ro_status_follow
from signoff.approvals.models import (
    DECIDABLE_STATUSES,
    DEFAULT_REASONS,
    ApprovalReason,
    Decision,
    EstimateVersion,
    Event,
    EventKind,
    ReasonKind,
    Source,
    Status,
)
from signoff.approvals.selectors import latest_decisions
from signoff.approvals.versions import version_freeze
from signoff.core.errors import NotFound, ValidationFailed
from signoff.core.formatting import money, shop_zone, when
from signoff.core.validation import clean_phone, clean_text, max_length_of, parse_id
from signoff.customers.models import Contact
from signoff.orders.models import Operation, RepairOrder
from signoff.orders.pricing import operation_subtotal
from signoff.orders.selectors import operation_get
from signoff.shops.access import Actor, require_admin, require_editor
from signoff.shops.models import Shop

COMMENT_MAX = max_length_of(Decision, "comment")
REASON_LABEL_MAX = max_length_of(ApprovalReason, "label")


def work_description(operation: Operation) -> str:
    """The work as an oral-authorization record states it: the title, then the correction."""
    correction = operation.correction.strip()
    return f"{operation.title} — {correction}" if correction else operation.title


def _reason_for_decision(shop: Shop, reason_id: int | None) -> tuple[ApprovalReason | None, str]:
    if reason_id is None:
        return None, "Choose a reason: how did the customer give this decision?"
    reason = ApprovalReason.objects.filter(shop=shop, pk=parse_id(reason_id) or 0).first()
    if reason is None:
        return None, "That reason is not on this shop's list. Choose one from the list."
    if not reason.active:
        return None, f"The reason “{reason.label}” was retired. Choose a current reason."
    return reason, ""


def _oral_fields(
    *, reason: ApprovalReason, contact: Contact | None, phone_number: str, fields: dict
) -> str:
    """Check the oral-consent record and return the E.164 number called ('' when not a call)."""
    # California BPC 9884.9: oral consent is recorded with the name of the person who gave it
    # and, for a telephone authorization, the number called.
    if contact is None and "contact" not in fields:
        fields["contact"] = (
            f"“{reason.label}” is oral consent: choose the contact who gave the approval."
        )
    if reason.kind != ReasonKind.PHONE:
        return ""
    if not phone_number.strip():
        fields["phone_number"] = "Enter the phone number you called."
        return ""
    try:
        return clean_phone(phone_number)
    except ValueError as exc:
        fields["phone_number"] = str(exc)
        return ""


def _not_to_exceed_note(nte: NotToExceed, operation: Operation) -> str:
    zone = shop_zone(operation.repair_order.shop.timezone)
    return (
        f"No call needed: within the not-to-exceed amount of {money(nte.amount)} {TAX_WORDS} "
        f"signed by {nte.signer} on {when(nte.at, zone)}."
    )


def _with_note(comment: str, note: str, fields: dict) -> str:
    joined = f"{comment} {note}".strip() if comment else note
    if len(joined) > COMMENT_MAX:
        fields["comment"] = (
            f"Shorten the comment to {COMMENT_MAX - len(note) - 1} characters: Signoff adds "
            "the not-to-exceed note to it."
        )
    return joined


def _number_if_given(phone_number: str, fields: dict) -> str:
    if not phone_number.strip():
        return ""
    try:
        return clean_phone(phone_number)
    except ValueError as exc:
        fields["phone_number"] = str(exc)
        return ""


def _rights_refusal(*, operation: Operation, contact: Contact, status: str, amount) -> str:
    """The named contact's rights on this RO (approvals.rights), the same as on their link."""
    contacts = list(Contact.objects.filter(customer_id=contact.customer_id))
    authority = rights.authorities(
        repair_order_id=operation.repair_order_id, contacts=contacts, except_operation=operation.pk
    )
    return rights.decision_refusal(
        authority=authority, contact=contact, status=status, amount=amount, title=operation.title
    )


def decision_record(
    *,
    actor: Actor,
    operation_id: int,
    status: str,
    reason_id: int | None,
    comment: str = "",
    contact_id: int | None = None,
    phone_number: str = "",
) -> Decision:
    """Record an Approve, Defer or Decline on the customer's behalf (staff UI and API).

    The amount stored is the operation's pre-tax subtotal at that moment; the work is its title
    and correction. Both are what an oral-authorization record has to state. An approval that
    keeps the authorized total within the RO's not-to-exceed amount needs no call: the contact
    and number called are not required, and the comment says which amount covered it.
    """
    require_editor(actor)
    with transaction.atomic():
        operation = operation_get(actor=actor, operation_id=operation_id)
        fields: dict[str, str] = {}
        if status not in DECIDABLE_STATUSES:
            fields["status"] = "Choose Approve, Defer or Decline."
        reason, problem = _reason_for_decision(actor.shop, reason_id)
        if problem:
            fields["reason"] = problem
        contact = None
        if contact_id is not None:
            contact = Contact.objects.filter(
                shop=actor.shop,
                customer_id=operation.repair_order.customer_id,
                pk=parse_id(contact_id) or 0,
            ).first()
            if contact is None:
                fields["contact"] = "Choose one of this customer's contacts."
        try:
            comment = clean_text(comment, label="comment", max_length=COMMENT_MAX, multiline=True)
        except ValueError as exc:
            fields["comment"] = str(exc)
        subtotal = operation_subtotal(operation)
        within = covering_not_to_exceed(operation=operation, status=status, subtotal=subtotal)
        number = ""
        if within is not None:
            # The customer allowed this much in writing at drop-off: no call is needed, and the
            # record says why instead (docs/authorization.md, not-to-exceed amounts).
            number = _number_if_given(phone_number or "", fields)
            comment = _with_note(comment, _not_to_exceed_note(within, operation), fields)
        elif reason is not None and reason.is_oral:
            number = _oral_fields(
                reason=reason, contact=contact, phone_number=phone_number or "", fields=fields
            )
        if contact is not None and "status" not in fields:
            refusal = _rights_refusal(
                operation=operation, contact=contact, status=status, amount=subtotal
            )
            if refusal:
                fields["contact"] = refusal
        if fields:
            problems = " ".join(fields.values())
            raise ValidationFailed(f"The decision was not recorded. {problems}", fields=fields)
        decision = decision_append(
            operation=operation,
            status=status,
            source=Source.ON_BEHALF,
            recorded_by=actor.user,
            contact=contact,
            reason=reason,
            comment=comment,
            phone_number=number,
            work_description=work_description(operation),
            amount=subtotal,
        )
        ro_status_follow(
            repair_order=operation.repair_order,
            user=actor.user,
            why=f"{Status(status).label} on the customer's behalf: {operation.title}",
        )
        return decision


def decision_reset_for_change(
    *, operation: Operation, actor: Actor, what_changed: str
) -> Decision | None:
    """Return an edited operation to Pending, saying what changed. None when it had no decision.

    Called through `orders.signals.operation_changed` after the change is saved (so the
    revision recorded is the new one).
    """
    if operation.shop_id != actor.shop.pk:
        raise NotFound("Operation not found.")
    require_editor(actor)
    with transaction.atomic():
        lock_repair_order(shop_id=operation.shop_id, ro_id=operation.repair_order_id)
        latest = latest_decisions(operation_ids=[operation.pk]).get(operation.pk)
        if latest is None or latest.status == Status.PENDING:
            return None
        decision = decision_append(
            operation=operation,
            status=Status.PENDING,
            source=Source.SYSTEM,
            recorded_by=actor.user,
            comment=f"Returned to Pending after a change: {what_changed}".strip(),
        )
        Event.objects.create(
            shop_id=operation.shop_id,
            repair_order_id=operation.repair_order_id,
            kind=EventKind.OPERATION_CHANGED,
            actor=actor.user,
            data={
                "operation": operation.pk,
                "revision": operation.revision,
                "what_changed": what_changed,
                "previous_status": latest.status,
                "decision": decision.pk,
            },
        )
        ro_status_follow(
            repair_order=operation.repair_order,
            user=actor.user,
            why=f"{operation.title} changed after a decision: back to Pending",
        )
    return decision


def decision_reset_on_change(
    sender, *, operation: Operation, actor: Actor, what_changed: str, **kwargs
) -> None:
    """The receiver of `orders.signals.operation_changed`."""
    decision_reset_for_change(operation=operation, actor=actor, what_changed=what_changed)


def version_refresh_for_change(
    *, repair_order: RepairOrder, actor: Actor
) -> EstimateVersion | None:
    """Freeze the version showing an estimate that staff just changed; None before it was ever
    shown (shared, or opened on the counter screen).

    The customer page only reads (`version_current`), so the version it shows is written here,
    at the change, and not when someone looks. Decisions alone make no new version
    (`ignore_statuses`, as on the approval screens); a contact answering an older version is
    still refused as stale by the submission's own check.
    """
    if repair_order.shop_id != actor.shop.pk:
        raise NotFound("Repair order not found.")
    if not EstimateVersion.objects.filter(repair_order_id=repair_order.pk).exists():
        return None
    with transaction.atomic():
        lock_repair_order(shop_id=repair_order.shop_id, ro_id=repair_order.pk)
        version, _created = version_freeze(
            repair_order=repair_order, user=actor.user, ignore_statuses=True
        )
    return version


def version_refresh_on_change(sender, *, repair_order: RepairOrder, actor: Actor, **kwargs) -> None:
    """The receiver of `orders.signals.estimate_changed`."""
    version_refresh_for_change(repair_order=repair_order, actor=actor)


# The shop's reason list ------------------------------------------------------------------------


def reasons_seed_defaults(*, shop: Shop) -> list[ApprovalReason]:
    """Give a new shop the default reasons. Does nothing when the shop already has reasons."""
    with transaction.atomic():
        if ApprovalReason.objects.filter(shop=shop).exists():
            return []
        return [
            ApprovalReason.objects.create(shop=shop, label=label, kind=kind, position=i)
            for i, (label, kind) in enumerate(DEFAULT_REASONS)
        ]


def reasons_seed_on_shop_created(sender, *, shop: Shop, **kwargs) -> None:
    """The receiver of `shops.signals.shop_created`: staff can record decisions from day one."""
    reasons_seed_defaults(shop=shop)


def _reason_get(actor: Actor, reason_id: int) -> ApprovalReason:
    reason = ApprovalReason.objects.filter(shop=actor.shop, pk=reason_id).first()
    if reason is None:
        raise NotFound("Reason not found.")
    return reason


def _clean_reason(*, actor: Actor, label: str, kind: str, exclude_id: int | None = None):
    fields = {}
    try:
        label = clean_text(label, label="reason", max_length=REASON_LABEL_MAX)
    except ValueError as exc:
        fields["label"] = str(exc)
        label = ""
    if not label:
        fields.setdefault("label", "Enter the reason as staff should see it, e.g. “Phone call”.")
    else:
        clash = (
            ApprovalReason.objects.filter(shop=actor.shop)
            .annotate(lower=Lower("label"))
            .filter(lower=label.lower())
            .exclude(pk=exclude_id)
            .first()
        )
        if clash is not None:
            fields["label"] = f"The list already has “{clash.label}”." + (
                "" if clash.active else " It is retired: reactivate it instead."
            )
    if kind not in ReasonKind.values:
        fields["kind"] = "Choose phone call, verbal, written or other."
    if fields:
        raise ValidationFailed(
            "The reason was not saved. Correct the fields marked.", fields=fields
        )
    return label


def reason_create(*, actor: Actor, label: str, kind: str) -> ApprovalReason:
    require_admin(actor)
    with transaction.atomic():
        label = _clean_reason(actor=actor, label=label, kind=kind)
        last = ApprovalReason.objects.filter(shop=actor.shop).aggregate(m=Max("position"))["m"]
        return ApprovalReason.objects.create(
            shop=actor.shop, label=label, kind=kind, position=(last or 0) + 1
        )


def reason_update(*, actor: Actor, reason_id: int, label: str, kind: str) -> ApprovalReason:
    """Rename a reason or change its kind. Past decisions keep the label they were made with."""
    require_admin(actor)
    with transaction.atomic():
        reason = _reason_get(actor, reason_id)
        reason.label = _clean_reason(actor=actor, label=label, kind=kind, exclude_id=reason.pk)
        reason.kind = kind
        reason.save(update_fields=["label", "kind"])
        return reason


def _reason_set_active(*, actor: Actor, reason_id: int, active: bool) -> ApprovalReason:
    require_admin(actor)
    with transaction.atomic():
        reason = _reason_get(actor, reason_id)
        if active is False and reason.active:
            others = ApprovalReason.objects.filter(shop=actor.shop, active=True)
            if not others.exclude(pk=reason.pk).exists():
                raise ValidationFailed(
                    "Keep at least one active reason: staff must choose one for every decision."
                )
        reason.active = active
        reason.save(update_fields=["active"])
        return reason


def reason_retire(*, actor: Actor, reason_id: int) -> ApprovalReason:
    """Take a reason off the list. Decisions made with it keep showing it."""
    return _reason_set_active(actor=actor, reason_id=reason_id, active=False)


def reason_reactivate(*, actor: Actor, reason_id: int) -> ApprovalReason:
    return _reason_set_active(actor=actor, reason_id=reason_id, active=True)


def reason_reorder(*, actor: Actor, reason_ids: list[int]) -> list[ApprovalReason]:
    """Put the shop's reasons in this order. The list must name each of them exactly once."""
    require_admin(actor)
    with transaction.atomic():
        reasons = {r.pk: r for r in ApprovalReason.objects.filter(shop=actor.shop)}
        if sorted(reason_ids) != sorted(reasons):
            raise ValidationFailed(
                "The new order must list each of the shop's reasons exactly once. "
                "Reload the page and try again.",
                fields={"order": "Does not match the shop's reasons."},
            )
        ordered = [reasons[pk] for pk in reason_ids]
        for position, reason in enumerate(ordered):
            reason.position = position
        ApprovalReason.objects.bulk_update(ordered, ["position"])
        return ordered


def reason_move(*, actor: Actor, reason_id: int, direction: str) -> list[ApprovalReason]:
    """Move an active reason a place up or down (the page's buttons; work without JavaScript)."""
    require_admin(actor)
    with transaction.atomic():
        reasons = ApprovalReason.objects.filter(shop=actor.shop).order_by("position", "id")
        active = [r.pk for r in reasons if r.active]
        retired = [r.pk for r in reasons if not r.active]
        if reason_id not in active:
            raise NotFound("Reason not found among the active reasons.")
        i = active.index(reason_id)
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(active):
            active[i], active[j] = active[j], active[i]
        return reason_reorder(actor=actor, reason_ids=active + retired)
