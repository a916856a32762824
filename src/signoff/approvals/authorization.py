"""The authorization summary: who authorized what on an RO, how and when, as one typed shape.

The staff RO page, the API and the PDFs all read `AuthorizationEntry` objects, so a field means
the same thing everywhere; each layer derives what it alone needs (a URL, a printed label)
without changing the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from operator import attrgetter

from signoff.approvals.amounts import TAX_WORDS
from signoff.approvals.models import Decision, Signature, Source, Status, source_label
from signoff.approvals.selectors import ro_decisions_of
from signoff.core.formatting import money, staff_name
from signoff.orders.models import RepairOrder


@dataclass(frozen=True)
class AnsweredOperation:
    """One operation an entry covers, with the answer given for it."""

    operation: str  # the title as the signed version showed it
    status: str  # a Status value


@dataclass(frozen=True)
class AuthorizationEntry:
    """One signature (link or in person), or one decision recorded on the customer's behalf.

    `how` is a label ("Customer share link", "On behalf of the customer — Phone call");
    `source` the Source value. `amount` is what was authorized BEFORE TAX, the same for every
    method (approvals.amounts.TAX_WORDS): the subtotals of the operations approved (a
    signature's decisions, or one decision on behalf), or a not-to-exceed amount; None when
    nothing was (a decline or deferral). `signed_total` is the total a signer saw and signed
    for, WITH TAX, as their consent statement says (link and in-person estimate and
    recommendation signatures only). `consent_text` is the statement the signer agreed to,
    exactly as stored; empty on behalf.
    """

    repair_order_id: int
    kind: str  # "estimate" | "recommendation"
    signer: str
    relationship: str
    when: datetime
    how: str
    source: str
    version: int | None
    amount: Decimal | None
    operations: list[str]
    decisions: list[AnsweredOperation] = field(default_factory=list)
    reason: str = ""
    comment: str = ""
    recorded_by: str = ""
    via: str = ""
    version_hash: str = ""
    signature_id: int | None = None
    signature_png: bytes | None = None
    ip: str = ""
    consent_text: str = ""
    signed_total: Decimal | None = None
    # A signature given as a typed name (the shop's signature policy asked for no drawing), the
    # policy that applied ("" before policies existed) and whether it asked for a drawing.
    typed_name: str = ""
    signature_policy: str = ""
    drawing_required: bool | None = None


def _titles(version, operation_ids: list[int], fallback: dict[int, str]) -> list[str]:
    """Operation titles as the signed version showed them (today's title if not in it)."""
    snapshot = {
        op["id"]: op["title"] for op in (version.content if version else {}).get("operations", [])
    }
    return [snapshot.get(op_id) or fallback.get(op_id, "") for op_id in operation_ids]


def signed_amount(sig: Signature, covered: list[Decision]) -> Decimal | None:
    """What a signature authorized before tax: the operations it approved at their recorded
    subtotals, or its not-to-exceed amount; None when it approved nothing."""
    if sig.kind == Signature.Kind.NOT_TO_EXCEED:
        return sig.amount
    approved = [d.amount for d in covered if d.status == Status.APPROVED and d.amount is not None]
    return sum(approved, Decimal("0.00")) if approved else None


def signed_total(sig: Signature) -> Decimal | None:
    """The total, with tax, a signer of estimate or recommended work signed for."""
    return None if sig.kind == Signature.Kind.NOT_TO_EXCEED else sig.amount


def _not_to_exceed_words(sig: Signature) -> list[str]:
    if sig.kind != Signature.Kind.NOT_TO_EXCEED:
        return []
    return [f"Any work up to {money(sig.amount)} {TAX_WORDS}, without contacting the customer"]


def _signature_entry(
    sig: Signature, covered: list[Decision], names: list[str]
) -> AuthorizationEntry:
    via = sig.via_link.contact if sig.via_link_id else None
    return AuthorizationEntry(
        repair_order_id=sig.repair_order_id,
        kind=sig.kind,
        signer=sig.contact_name,
        relationship=sig.contact_relationship,
        when=sig.created_at,
        how=source_label(sig.source),
        source=sig.source,
        recorded_by=staff_name(sig.recorded_by),
        via=via.name if via is not None and via.pk != sig.contact_id else "",
        version=sig.version.number,
        version_hash=sig.version_hash,
        amount=signed_amount(sig, covered),
        signed_total=signed_total(sig),
        signature_id=sig.pk,
        signature_png=bytes(sig.png),
        operations=names or _not_to_exceed_words(sig),
        decisions=[
            AnsweredOperation(operation=name, status=d.status)
            for name, d in zip(names, covered, strict=True)
        ],
        ip=sig.ip or "",
        consent_text=sig.consent_text,
        typed_name=sig.typed_name,
        signature_policy=sig.policy,
        drawing_required=sig.drawing_required,
    )


def _on_behalf_entry(decision: Decision, name: str) -> AuthorizationEntry:
    how = Source.ON_BEHALF.label
    if decision.reason_label:
        how = f"{how} — {decision.reason_label}"
    return AuthorizationEntry(
        repair_order_id=decision.repair_order_id,
        kind=decision.operation.kind,
        signer=decision.contact_name,
        relationship=decision.contact_relationship,
        when=decision.created_at,
        how=how,
        source=decision.source,
        reason=decision.reason_label,
        comment=decision.comment,
        recorded_by=staff_name(decision.recorded_by),
        version=decision.version.number if decision.version_id else None,
        version_hash=decision.version.content_hash if decision.version_id else "",
        # Only an approval authorizes an amount; a decline or deferral authorizes nothing.
        amount=decision.amount if decision.status == Status.APPROVED else None,
        operations=[name],
        decisions=[AnsweredOperation(operation=name, status=decision.status)],
    )


def authorization_summary(*, repair_order: RepairOrder) -> list[AuthorizationEntry]:
    """Who authorized what on the RO, how and when, oldest first (screen, PDF and API).

    One entry per signature (link or in person) and per decision recorded on the customer's
    behalf (those carry a reason instead of a signature). Recommendation entries appear only
    while the shop captures who approved recommendations (seed 001 shows them with both
    recommendation options on; the capture option is the one that names and signs them, on a
    link or at the counter).
    """
    show_recommendations = repair_order.shop.capture_recommendation_approver
    # In chain order, sorted here: an ORDER BY over these wide rows costs more to build than to
    # run (signoff.core.queries). The RO page has them prefetched (`repair_order_page`).
    decisions = sorted(ro_decisions_of(repair_order), key=attrgetter("sequence"))
    signatures = sorted(
        Signature.objects.filter(repair_order=repair_order)
        .select_related("version", "recorded_by", "via_link__contact")
        .order_by(),
        key=attrgetter("sequence"),
    )
    titles = {d.operation_id: d.operation.title for d in decisions}
    signed: dict[int, list[Decision]] = {}
    for decision in decisions:
        if decision.signature_id:
            signed.setdefault(decision.signature_id, []).append(decision)

    entries = []
    for sig in signatures:
        if sig.kind == Signature.Kind.RECOMMENDATION and not show_recommendations:
            continue
        covered = signed.get(sig.pk, [])
        names = _titles(sig.version, [d.operation_id for d in covered], titles)
        entries.append(_signature_entry(sig, covered, names))
    for decision in decisions:
        if decision.source != Source.ON_BEHALF or decision.status == Status.PENDING:
            continue
        if decision.operation.kind == "recommendation" and not show_recommendations:
            continue
        name = _titles(decision.version, [decision.operation_id], titles)[0]
        entries.append(_on_behalf_entry(decision, name))
    entries.sort(key=lambda e: e.when)
    return entries
