"""The per-RO hash chain of evidence: appending decisions, signatures and e-sign consents, and
verifying them.

Every decision, signature and e-sign consent on an RO takes the next number in one sequence and stores the hash
of its own canonical content and the hash of the record before it. Changing, inserting or
removing a record behind the application's back therefore breaks the chain at that record, and
`verify_repair_order` names it. (Removing the newest records is only caught where their hash was
copied elsewhere, e.g. onto a printed authorization certificate.)
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from signoff.approvals.canonical import sha256_bytes, sha256_hex
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
from signoff.approvals.versions import version_current
from signoff.core.errors import NotFound
from signoff.core.formatting import counted
from signoff.orders.locks import repair_order_get_for_update
from signoff.orders.models import Operation, RepairOrder
from signoff.orders.pricing import money
from signoff.shops.models import Shop

# The prev_hash of the first record on an RO.
GENESIS_HASH = "0" * 64


def _text(value: str | None, limit: int | None = None) -> str:
    # PostgreSQL refuses NUL in text; strip it here so both databases store (and hash) the same.
    text = (value or "").replace("\x00", "")
    return text[:limit] if limit else text


def normalize_ip(value: str | None) -> str | None:
    """The spelling PostgreSQL's inet gives back, so the hash survives a round trip; None if bad."""
    if not value:
        return None
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ip)


def decision_content(decision: Decision, *, version_hash: str, signature_hash: str) -> dict:
    """What a decision's content hash covers (everything but its id and its own hash)."""
    d = decision
    return {
        "type": "decision",
        "shop": d.shop_id,
        "repair_order": d.repair_order_id,
        "operation": d.operation_id,
        "operation_revision": d.operation_revision,
        "sequence": d.sequence,
        "status": d.status,
        "source": d.source,
        "recorded_by": d.recorded_by_id,
        "contact": d.contact_id,
        "contact_name": d.contact_name,
        "contact_relationship": d.contact_relationship,
        "via_link": d.via_link_id,
        "reason": d.reason_id,
        "reason_label": d.reason_label,
        "comment": d.comment,
        "phone_number": d.phone_number,
        "work_description": d.work_description,
        "amount": d.amount,
        "version": d.version_id,
        "version_hash": version_hash,
        "signature": d.signature_id,
        "signature_hash": signature_hash,
        "ip": d.ip,
        "user_agent": d.user_agent,
        "created_at": d.created_at,
        "prev_hash": d.prev_hash,
    }


def signature_content(signature: Signature) -> dict:
    """What a signature's content hash covers: the version hash and the image digests included."""
    s = signature
    content = {
        "type": "signature",
        "shop": s.shop_id,
        "repair_order": s.repair_order_id,
        "version": s.version_id,
        "version_hash": s.version_hash,
        "kind": s.kind,
        "source": s.source,
        "contact": s.contact_id,
        "contact_name": s.contact_name,
        "contact_relationship": s.contact_relationship,
        "via_link": s.via_link_id,
        "recorded_by": s.recorded_by_id,
        "amount": s.amount,
        "svg_sha256": sha256_bytes(s.svg.encode("utf-8")),
        "png_sha256": sha256_bytes(s.png),
        "consent_text": s.consent_text,
        "ip": s.ip,
        "user_agent": s.user_agent,
        "created_at": s.created_at,
        "sequence": s.sequence,
        "prev_hash": s.prev_hash,
    }
    # Signatures given under a signature policy also cover it, whether a drawing was asked
    # for and the name typed; older ones (no policy) keep the content they were hashed with.
    if s.policy:
        content.update(
            {"policy": s.policy, "drawing_required": s.drawing_required, "typed_name": s.typed_name}
        )
    return content


def consent_content(consent: EsignConsent) -> dict:
    """What an e-sign consent's content hash covers: the disclosure's text and its digest."""
    c = consent
    return {
        "type": "esign_consent",
        "shop": c.shop_id,
        "repair_order": c.repair_order_id,
        "contact": c.contact_id,
        "contact_name": c.contact_name,
        "disclosure_version": c.disclosure_version,
        "language": c.language,
        "text": c.text,
        "text_sha256": c.text_sha256,
        "source": c.source,
        "via_link": c.via_link_id,
        "recorded_by": c.recorded_by_id,
        "ip": c.ip,
        "user_agent": c.user_agent,
        "created_at": c.created_at,
        "sequence": c.sequence,
        "prev_hash": c.prev_hash,
    }


def _decision_hash(decision: Decision) -> str:
    version_hash = decision.version.content_hash if decision.version_id else ""
    signature_hash = decision.signature.content_hash if decision.signature_id else ""
    return sha256_hex(
        decision_content(decision, version_hash=version_hash, signature_hash=signature_hash)
    )


def _chain_head(repair_order_id: int) -> tuple[int, str]:
    """(last sequence, its content hash) of the RO's chain. Call with the RO locked."""
    last_decision = (
        Decision.objects.filter(repair_order_id=repair_order_id)
        .order_by("-sequence")
        .values_list("sequence", "content_hash")
        .first()
    )
    last_signature = (
        Signature.objects.filter(repair_order_id=repair_order_id)
        .order_by("-sequence")
        .values_list("sequence", "content_hash")
        .first()
    )
    last_consent = (
        EsignConsent.objects.filter(repair_order_id=repair_order_id)
        .order_by("-sequence")
        .values_list("sequence", "content_hash")
        .first()
    )
    rows = (last_decision, last_signature, last_consent)
    candidates = [row for row in rows if row is not None]
    if not candidates:
        return 0, GENESIS_HASH
    return max(candidates)


def lock_repair_order(*, shop_id: int, ro_id: int) -> None:
    """Take the RO's write lock for the rest of the transaction (call inside atomic).

    Evidence for one RO is appended in order: the chain's next hash needs the previous one."""
    repair_order_get_for_update(shop_id=shop_id, ro_id=ro_id)


def decision_append(
    *,
    operation: Operation,
    status: str,
    source: str,
    recorded_by=None,
    contact=None,
    contact_name: str = "",
    contact_relationship: str = "",
    via_link=None,
    reason=None,
    comment: str = "",
    phone_number: str = "",
    work_description: str = "",
    amount: Decimal | None = None,
    version: EstimateVersion | None = None,
    signature: Signature | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> Decision:
    """Append one decision to its RO's chain. `version` defaults to the RO's latest version.

    Callers check permissions and validate input; this only writes evidence, consistently.
    """
    if status not in Status.values:
        raise ValueError(f"unknown decision status {status!r}")
    if source not in Source.values:
        raise ValueError(f"unknown decision source {source!r}")
    with transaction.atomic():
        lock_repair_order(shop_id=operation.shop_id, ro_id=operation.repair_order_id)
        if version is None:
            version = version_current(repair_order=operation.repair_order)
        if contact is not None and not contact_name:
            contact_name = contact.name
            contact_relationship = contact_relationship or contact.relationship_label
        last_sequence, prev_hash = _chain_head(operation.repair_order_id)
        decision = Decision(
            shop_id=operation.shop_id,
            repair_order_id=operation.repair_order_id,
            operation=operation,
            operation_revision=operation.revision,
            sequence=last_sequence + 1,
            status=status,
            source=source,
            recorded_by=recorded_by,
            contact=contact,
            contact_name=_text(contact_name, 150),
            contact_relationship=_text(contact_relationship, 60),
            via_link=via_link,
            reason=reason,
            reason_label=_text(reason.label if reason is not None else "", 80),
            comment=_text(comment),
            phone_number=_text(phone_number, 20),
            work_description=_text(work_description),
            amount=money(amount) if amount is not None else None,
            version=version,
            signature=signature,
            ip=normalize_ip(ip),
            user_agent=_text(user_agent, 400),
            created_at=timezone.now(),
            prev_hash=prev_hash,
        )
        decision.content_hash = _decision_hash(decision)
        decision.save(force_insert=True)
        Event.objects.create(
            shop_id=decision.shop_id,
            repair_order_id=decision.repair_order_id,
            kind=EventKind.DECISION_RECORDED,
            actor=recorded_by,
            share_link=via_link,
            data={
                "decision": decision.pk,
                "operation": decision.operation_id,
                "sequence": decision.sequence,
                "status": decision.status,
                "source": decision.source,
                "content_hash": decision.content_hash,
            },
            ip=decision.ip,
            user_agent=decision.user_agent,
        )
    return decision


def signature_append(
    *,
    repair_order: RepairOrder,
    version: EstimateVersion,
    kind: str = Signature.Kind.ESTIMATE,
    source: str,
    contact=None,
    contact_name: str,
    contact_relationship: str = "",
    via_link=None,
    recorded_by=None,
    amount: Decimal,
    svg: str,
    png: bytes,
    consent_text: str,
    ip: str | None = None,
    user_agent: str = "",
    typed_name: str = "",
    policy: str = "",
    drawing_required: bool = True,
) -> Signature:
    """Append a signature to the RO's chain, bound to the hash of the version it was given for.

    Drawn (`svg`, `png`), or typed (`typed_name`) where the shop's signature `policy` asked for
    no drawing (`drawing_required` False)."""
    if version.repair_order_id != repair_order.pk:
        raise ValueError("the signed version belongs to another repair order")
    with transaction.atomic():
        lock_repair_order(shop_id=repair_order.shop_id, ro_id=repair_order.pk)
        last_sequence, prev_hash = _chain_head(repair_order.pk)
        signature = Signature(
            shop_id=repair_order.shop_id,
            repair_order=repair_order,
            version=version,
            version_hash=version.content_hash,
            kind=kind,
            source=source,
            contact=contact,
            contact_name=_text(contact_name, 150),
            contact_relationship=_text(contact_relationship, 60),
            via_link=via_link,
            recorded_by=recorded_by,
            amount=money(amount),
            svg=_text(svg),
            png=bytes(png),
            consent_text=_text(consent_text),
            typed_name=_text(typed_name, 150),
            policy=_text(policy, 8),
            drawing_required=drawing_required,
            ip=normalize_ip(ip),
            user_agent=_text(user_agent, 400),
            created_at=timezone.now(),
            sequence=last_sequence + 1,
            prev_hash=prev_hash,
        )
        signature.content_hash = sha256_hex(signature_content(signature))
        signature.save(force_insert=True)
        Event.objects.create(
            shop_id=signature.shop_id,
            repair_order=repair_order,
            kind=EventKind.SIGNATURE_CAPTURED,
            actor=recorded_by,
            share_link=via_link,
            data={
                "signature": signature.pk,
                "version": version.number,
                "sequence": signature.sequence,
                "content_hash": signature.content_hash,
            },
            ip=signature.ip,
            user_agent=signature.user_agent,
        )
    return signature


def consent_append(
    *,
    repair_order: RepairOrder,
    contact,
    disclosure_version: int,
    language: str,
    text: str,
    source: str,
    via_link=None,
    recorded_by=None,
    ip: str | None = None,
    user_agent: str = "",
) -> EsignConsent:
    """Append a contact's acceptance of the e-sign disclosure to the RO's chain, with the text
    shown and its SHA-256. Callers check that this contact has not accepted this version yet
    (the database refuses a second one)."""
    with transaction.atomic():
        lock_repair_order(shop_id=repair_order.shop_id, ro_id=repair_order.pk)
        last_sequence, prev_hash = _chain_head(repair_order.pk)
        shown = _text(text)
        consent = EsignConsent(
            shop_id=repair_order.shop_id,
            repair_order=repair_order,
            contact=contact,
            contact_name=_text(contact.name, 150),
            disclosure_version=disclosure_version,
            language=_text(language, 5),
            text=shown,
            text_sha256=sha256_bytes(shown.encode("utf-8")),
            source=source,
            via_link=via_link,
            recorded_by=recorded_by,
            ip=normalize_ip(ip),
            user_agent=_text(user_agent, 400),
            created_at=timezone.now(),
            sequence=last_sequence + 1,
            prev_hash=prev_hash,
        )
        consent.content_hash = sha256_hex(consent_content(consent))
        consent.save(force_insert=True)
        Event.objects.create(
            shop_id=consent.shop_id,
            repair_order=repair_order,
            kind=EventKind.ESIGN_CONSENTED,
            actor=recorded_by,
            share_link=via_link,
            data={
                "consent": consent.pk,
                "contact": contact.pk,
                "disclosure_version": disclosure_version,
                "sequence": consent.sequence,
                "content_hash": consent.content_hash,
            },
            ip=consent.ip,
            user_agent=consent.user_agent,
        )
    return consent


@dataclass
class VerifyResult:
    """The outcome of re-checking an RO's evidence. `problems` lists the first broken record first."""

    repair_order_id: int
    ok: bool
    checked: int
    problems: list[str] = field(default_factory=list)
    head_hash: str = GENESIS_HASH
    decisions: int = 0
    signatures: int = 0
    versions: int = 0
    consents: int = 0

    @property
    def result(self) -> str:
        return "intact" if self.ok else "broken"

    @property
    def summary(self) -> str:
        if self.ok:
            return f"Intact: {self.checked} records checked."
        return f"Broken: {self.problems[0]}"


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _record_name(record) -> str:
    if isinstance(record, EsignConsent):
        kind = "E-sign consent"
    else:
        kind = "Decision" if isinstance(record, Decision) else "Signature"
    return f"{kind} #{record.pk} (sequence {record.sequence})"


def _version_problems(versions: list[EstimateVersion]) -> list[str]:
    return [
        f"Estimate version {v.number}: content does not match its hash"
        for v in versions
        if not _same(sha256_hex(v.content), v.content_hash)
    ]


def verify_repair_order(*, repair_order: RepairOrder) -> VerifyResult:
    """Recompute every record's hash and link on the RO, plus the versions they point at."""
    decisions = Decision.objects.filter(repair_order=repair_order).select_related(
        "version", "signature"
    )
    signatures = Signature.objects.filter(repair_order=repair_order).select_related("version")
    consents = EsignConsent.objects.filter(repair_order=repair_order)
    records = sorted([*decisions, *signatures, *consents], key=lambda r: (r.sequence, r.pk))
    versions = list(EstimateVersion.objects.filter(repair_order=repair_order).order_by("number"))

    problems: list[str] = []
    prev_hash, prev_name, expected = GENESIS_HASH, "the start of the chain", 1
    for record in records:
        name = _record_name(record)
        if record.sequence > expected:
            problems.append(f"{name}: sequence {expected} is missing (a record was removed)")
        elif record.sequence < expected:
            problems.append(f"{name}: sequence {record.sequence} appears twice")
        if isinstance(record, Decision):
            recomputed = _decision_hash(record)
        elif isinstance(record, EsignConsent):
            recomputed = sha256_hex(consent_content(record))
            if not _same(sha256_bytes(record.text.encode("utf-8")), record.text_sha256):
                problems.append(f"{name}: the disclosure text does not match its SHA-256")
        else:
            recomputed = sha256_hex(signature_content(record))
            if not _same(record.version_hash, record.version.content_hash):
                problems.append(
                    f"{name}: bound to a version hash that estimate version "
                    f"{record.version.number} does not have"
                )
        if not _same(recomputed, record.content_hash):
            problems.append(f"{name}: content hash does not match")
        if not _same(record.prev_hash, prev_hash):
            problems.append(f"{name}: previous hash does not match {prev_name}")
        prev_hash, prev_name = record.content_hash, name
        expected = max(expected, record.sequence) + 1
    problems.extend(_version_problems(versions))
    return VerifyResult(
        repair_order_id=repair_order.pk,
        ok=not problems,
        checked=len(records) + len(versions),
        problems=problems,
        head_hash=prev_hash,
        decisions=sum(1 for r in records if isinstance(r, Decision)),
        signatures=sum(1 for r in records if isinstance(r, Signature)),
        versions=len(versions),
        consents=sum(1 for r in records if isinstance(r, EsignConsent)),
    )


# What the operator is told when a chain is broken (`signoff verify`, `backup`, `restore`).
TAMPERED_ADVICE = (
    "Something changed these records outside Signoff. The evidence before the first broken "
    "record is still sound; keep this output and the database backups."
)


@dataclass(frozen=True)
class BrokenRepairOrder:
    """An RO whose chain failed: "RO 1001 (Main Street Auto)" and its first problem."""

    repair_order_id: int
    name: str
    problem: str


@dataclass
class ChainCheck:
    """Every RO of every shop (or of one) re-checked, with what was counted on the way."""

    shops: int = 0
    repair_orders: int = 0
    decisions: int = 0
    signatures: int = 0
    versions: int = 0
    broken: list[BrokenRepairOrder] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken

    @property
    def summary(self) -> str:
        """E.g. "Checked 128 ROs in 3 shops: 412 decisions, 57 signatures, 96 versions — all
        intact." """
        checked = (
            f"Checked {counted(self.repair_orders, 'RO')} in {counted(self.shops, 'shop')}: "
            f"{counted(self.decisions, 'decision')}, {counted(self.signatures, 'signature')}, "
            f"{counted(self.versions, 'version')}"
        )
        if self.ok:
            return f"{checked} — all intact."
        return f"{checked} — {counted(len(self.broken), 'RO')} BROKEN:"

    def lines(self) -> list[str]:
        """The summary, then each broken RO with its first problem (what the commands print)."""
        return [self.summary, *(f"  - {ro.name}: {ro.problem}" for ro in self.broken)]

    def add(self, repair_order: RepairOrder, result: VerifyResult) -> None:
        self.repair_orders += 1
        self.decisions += result.decisions
        self.signatures += result.signatures
        self.versions += result.versions
        if not result.ok:
            name = f"{repair_order.label} ({repair_order.shop.name})"
            self.broken.append(BrokenRepairOrder(repair_order.pk, name, result.problems[0]))


def verify_all(*, shop_slug: str | None = None) -> ChainCheck:
    """`verify_repair_order` for every RO of every shop, or of the shop with that slug.

    ROs are read in chunks (`iterator`), so a large install is never loaded at once. On a live
    database each RO is checked as it stands when reached; `signoff backup` checks a copy.
    """
    shops = Shop.objects.all()
    if shop_slug:
        shops = shops.filter(slug=shop_slug)
        if not shops.exists():
            raise NotFound(f"No shop with the slug “{shop_slug}”.")
    check = ChainCheck(shops=shops.count())
    ros = RepairOrder.objects.select_related("shop").filter(shop__in=shops)
    for ro in ros.order_by("shop__name", "shop_id", "number", "pk").iterator(chunk_size=200):
        check.add(ro, verify_repair_order(repair_order=ro))
    return check
