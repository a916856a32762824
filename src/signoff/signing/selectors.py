"""Reads behind the approval screens (customer page, its JSON twin, the in-person screen).

Everything a contact sees comes from the RO's current estimate version (its frozen snapshot),
with each operation's live status from its latest decision. Amounts are priced from the
snapshot's lines by orders.pricing, so the page, the consent text and the stored signature
all name the same number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import translation

from signoff.approvals import rights
from signoff.approvals.changes import Change, changes_since_answer
from signoff.approvals.esign import Disclosure, consent_for
from signoff.approvals.models import Decision, EstimateVersion, Signature, Source, Status
from signoff.approvals.selectors import DecisionFacts, latest_decision_facts
from signoff.approvals.versions import version_current
from signoff.core.errors import NotFound
from signoff.customers.models import Contact
from signoff.documents.sections import PDF_SECTION_KEYS
from signoff.orders.models import OperationKind, RepairOrder
from signoff.orders.pricing import PricedLine, Totals, price_lines
from signoff.sharing.links import share_link_resolve
from signoff.sharing.models import ShareLink
from signoff.shops.access import Actor
from signoff.shops.models import Shop, SignaturePolicy
from signoff.signing.consent import consent_text

# What a contact may answer for an operation on the approval screens (staff can also defer).
CHOICES = (Status.APPROVED, Status.DECLINED)


@dataclass
class OperationView:
    """One operation as the approval screens show it."""

    id: int
    kind: str
    title: str
    complaint: str
    cause: str
    correction: str
    lines: list[dict]
    subtotal: Decimal
    status: str
    decidable: bool
    choice: str = ""
    change: str = ""  # "new" or "changed" since the contact's last answer
    change_details: tuple[str, ...] = ()  # how it changed, in words (approvals.changes)
    since_approved: bool = False  # changed after it was approved: "Changed since you approved"
    change_before: Decimal | None = None  # the subtotal before the change
    # Who else can approve it, when this screen's contact may not (view only, or chosen for
    # approval above their limit: `over_limit`); approvals.rights.
    needs_approval_from: str = ""
    over_limit: bool = False

    @property
    def is_recommendation(self) -> bool:
        return self.kind == OperationKind.RECOMMENDATION


@dataclass(frozen=True)
class Preview:
    """What the current choices add up to, and the consent text that names it."""

    estimate: Totals
    recommendations: Totals
    approved: int
    declined: int
    needs_signature: bool
    consent_text: str

    @property
    def total(self) -> Decimal:
        return self.estimate.total + self.recommendations.total


@dataclass(frozen=True)
class Decided:
    """An operation already decided, with who decided it, when and how."""

    op: OperationView
    facts: DecisionFacts

    @property
    def on_behalf(self) -> bool:
        """Recorded by the shop for the customer (a phone call, the counter), not signed."""
        return self.facts.source == Source.ON_BEHALF


@dataclass(frozen=True)
class Standing:
    """Where the estimate stands for the contact: what is decided, by whom, and what is left.

    Amounts are priced from the version's snapshot by orders.pricing, tax included, as the
    total being approved is.
    """

    approved: list[Decided]
    declined: list[Decided]
    deferred: list[Decided]
    open: list[OperationView]  # the contact may answer these now
    ask_shop: list[OperationView]  # pending, but not answerable here (recommendations)
    approved_total: Decimal
    open_total: Decimal

    @property
    def any_decided(self) -> bool:
        return bool(self.approved or self.declined or self.deferred)

    @property
    def grouped(self) -> list[tuple[str, list[Decided]]]:
        """The decided groups that have something in them, approved first."""
        groups = (("approved", self.approved), ("declined", self.declined))
        groups += (("deferred", self.deferred),)
        return [(name, decided) for name, decided in groups if decided]


def standing_of(
    *, content: Mapping, views: list[OperationView], facts: Mapping[int, DecisionFacts]
) -> Standing:
    """Sorts the operations shown by their current status, in estimate order."""
    by_status: dict[str, list[Decided]] = {s: [] for s in Status.values}
    for view in views:
        if view.status != Status.PENDING:
            by_status[view.status].append(Decided(view, facts[view.id]))
    open_ops = [v for v in views if v.decidable]
    ask_shop = [v for v in views if v.status == Status.PENDING and not v.decidable]
    approved = by_status[Status.APPROVED]
    approved_estimate, approved_recommended = approval_amounts(
        content=content, approved_ids=[d.op.id for d in approved]
    )
    open_estimate, open_recommended = approval_amounts(
        content=content, approved_ids=[v.id for v in open_ops]
    )
    return Standing(
        approved=approved,
        declined=by_status[Status.DECLINED],
        deferred=by_status[Status.DEFERRED],
        open=open_ops,
        ask_shop=ask_shop,
        approved_total=approved_estimate.total + approved_recommended.total,
        open_total=open_estimate.total + open_recommended.total,
    )


@dataclass
class ApprovalPage:
    shop: Shop
    repair_order: RepairOrder
    version: EstimateVersion
    link: ShareLink | None
    content: dict
    sections: frozenset[str]
    estimate: list[OperationView]
    recommendations: list[OperationView]
    recommendations_approvable: bool
    contacts: list[Contact]
    approver: Contact | None
    preview: Preview
    language: str
    standing: Standing
    etr: datetime | None = None
    notes: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    changes_since: datetime | None = None
    # Who may authorize how much (approvals.rights): the approver's authority on this RO, the
    # chosen approvals above their limit, and whether the link's contact may only look.
    authority: rights.Authority | None = None
    authorities: dict[int, rights.Authority] = field(default_factory=dict)
    routed: list[rights.Routed] = field(default_factory=list)
    view_only: bool = False
    approvers_named: str = ""
    # Before the approver's first electronic signature: the disclosure to accept (else None).
    esign: Disclosure | None = None
    drawing_required: bool = True

    @property
    def operations(self) -> list[OperationView]:
        return [*self.estimate, *self.recommendations]

    @property
    def show_prices(self) -> bool:
        return "prices" in self.sections

    @property
    def vehicle(self) -> dict | None:
        return self.content.get("vehicle") if "customer_vehicle" in self.sections else None

    @property
    def decidable(self) -> list[OperationView]:
        return [op for op in self.operations if op.decidable]

    @property
    def estimate_totals(self) -> dict:
        return self.content["totals"]["estimate"]

    @property
    def capture_recommendation_approver(self) -> bool:
        return recommendation_signed(self.shop)


def share_link_view(*, raw_token: str, client: str) -> tuple[ShareLink, EstimateVersion]:
    """The link behind a token and the version its page shows: the RO's current one. Reads
    only; the opening is recorded apart (`services.share_link_opening_record`).

    Versions are frozen when the estimate is shared or changed, never here, so opening a link
    takes no lock. The link's own share always froze one, so there is a current version.
    """
    link = share_link_resolve(raw_token=raw_token, client=client)
    return link, share_link_version(link)


def share_link_version(link: ShareLink) -> EstimateVersion:
    """The RO's current version for a resolved link: its share's own when that is still the
    current one (read with the link), else read now."""
    if link.current_version_id in (None, link.share.version_id):
        return link.share.version
    return version_current(repair_order=link.repair_order) or link.share.version


def recommendation_signed(shop: Shop) -> bool:
    """Whoever approves a recommendation (on their link or at the counter) is named and signs
    for it: the shop's "capture who approved" option, which holds whether or not links may
    approve recommendations."""
    return shop.capture_recommendation_approver


def recommendations_approvable(*, shop: Shop, link: ShareLink | None) -> bool:
    """May a contact answer recommendations on this screen? On a link only when the shop
    allows it; at the counter (no link, staff present) always."""
    return link is None or shop.allow_recommendation_approval


def sections_for(link: ShareLink | None) -> frozenset[str]:
    """What the link's share chose to show. The in-person screen (no link) shows everything.

    A share made without choosing sections (e.g. a plain request for approval) shows all.
    """
    chosen = link.share.sections if link is not None else None
    return frozenset(chosen or PDF_SECTION_KEYS)


def operation_decidable(
    *, kind: str, status: str, shop: Shop, link: ShareLink | None, sections: frozenset[str]
) -> bool:
    """May a contact answer this operation now? The one rule both screens and the API use.

    Only pending operations (decided ones show their status). Recommendations only where they
    are approvable (`recommendations_approvable`) and the share shows recommendations.
    """
    if status != Status.PENDING:
        return False
    if kind == OperationKind.RECOMMENDATION:
        return recommendations_approvable(shop=shop, link=link) and "recommendations" in sections
    return True


def _lines(op: Mapping, sections: frozenset[str]) -> list[dict]:
    wanted = {"labor": "labor", "part": "parts", "fee": "prices"}
    return [dict(line) for line in op.get("lines", []) if wanted.get(line["kind"]) in sections]


def priced_lines(op: Mapping) -> list[PricedLine]:
    return [
        PricedLine(
            kind=line["kind"],
            quantity=Decimal(line["quantity"]),
            unit_price=Decimal(line["unit_price"]),
            taxable=bool(line["taxable"]),
        )
        for line in op.get("lines", [])
    ]


def approval_amounts(*, content: Mapping, approved_ids: Iterable[int]) -> tuple[Totals, Totals]:
    """(estimate, recommendations) totals of the approved operations, priced from the snapshot."""
    wanted = set(approved_ids)
    tax_rate = Decimal(content.get("tax_rate") or "0")
    chosen = [op for op in content["operations"] if op["id"] in wanted]
    estimate = [
        ln for op in chosen if op["kind"] != OperationKind.RECOMMENDATION for ln in priced_lines(op)
    ]
    recommended = [
        ln for op in chosen if op["kind"] == OperationKind.RECOMMENDATION for ln in priced_lines(op)
    ]
    return price_lines(estimate, tax_rate=tax_rate), price_lines(recommended, tax_rate=tax_rate)


def approval_preview(
    *, shop: Shop, content: Mapping, choices: Mapping[int, str], language: str
) -> Preview:
    """Totals of what is being approved and the consent text naming them."""
    kinds = {op["id"]: op["kind"] for op in content["operations"]}
    approved = [op_id for op_id, status in choices.items() if status == Status.APPROVED]
    estimate, recommendations = approval_amounts(content=content, approved_ids=approved)
    chose_recommendation = any(kinds.get(i) == OperationKind.RECOMMENDATION for i in choices)
    signs_recommendations = chose_recommendation and recommendation_signed(shop)
    needs_signature = signs_recommendations or any(
        kinds.get(i) == OperationKind.ESTIMATE for i in choices
    )
    approved_kinds = {kinds.get(i) for i in approved}
    # Until something is chosen the statement reads as an authorization; once the contact has
    # answered, it names only what they actually approve (or says they only decline).
    approves_estimate = not choices or OperationKind.ESTIMATE in approved_kinds
    approves_recommended = OperationKind.RECOMMENDATION in approved_kinds
    text = consent_text(
        shop_name=content["shop"]["name"],
        ro_label=content["repair_order"]["label"],
        estimate_amount=estimate.total if approves_estimate else None,
        recommendation_amount=(
            recommendations.total if signs_recommendations and approves_recommended else None
        ),
        language=language,
    )
    return Preview(
        estimate=estimate,
        recommendations=recommendations,
        approved=len(approved),
        declined=sum(1 for s in choices.values() if s == Status.DECLINED),
        needs_signature=needs_signature,
        consent_text=text,
    )


def customer_contacts(*, repair_order: RepairOrder) -> list[Contact]:
    """The RO customer's contacts, primary first (relationship shown); `approver_choices` are
    those who may be named as the approver."""
    return list(Contact.objects.filter(customer_id=repair_order.customer_id))


def approver_choices(
    contacts: Iterable[Contact], *, link_contact: Contact | None = None
) -> list[Contact]:
    """Who may be named as approving: every contact but the view-only ones. Through a link,
    another contact may be named only when the link's own contact can approve without a
    limit: a view-only link names nobody, and a link with a limit names only its contact, so
    neither can lend itself another contact's authority."""
    choices = [c for c in contacts if c.can_approve]
    if link_contact is None or (link_contact.can_approve and link_contact.approval_limit is None):
        return choices
    return [c for c in choices if c.pk == link_contact.pk]


def drawing_required(*, shop: Shop, repair_order: RepairOrder) -> bool:
    """Does a signature on this RO have to be drawn now? The shop's signature policy, as
    Shopmonkey's e-signature setting offers it: never (a typed name and the consent), only for
    the RO's first authorization (the first signature given on it through a link or at the
    counter is drawn; later ones are typed), or always."""
    if shop.signature_policy == SignaturePolicy.NEVER:
        return False
    if shop.signature_policy == SignaturePolicy.FIRST:
        return not Signature.objects.filter(repair_order=repair_order).exclude(svg="").exists()
    return True


def _limit_split(
    views: list[OperationView],
    *,
    approver: Contact | None,
    authority: Mapping[int, rights.Authority],
) -> list[rights.Routed]:
    """Marks the operations chosen for approval above the approver's limit, and returns them."""
    mine = authority.get(approver.pk) if approver is not None else None
    if mine is None:
        return []
    chosen = [(v.id, v.title, v.subtotal) for v in views if v.choice == Status.APPROVED]
    _within, routed = rights.split_by_limit(approver=mine, authority=authority, approvals=chosen)
    by_id = {r.operation_id: r for r in routed}
    for view in views:
        if view.id in by_id:
            view.over_limit = True
            view.needs_approval_from = by_id[view.id].approver_names
    return routed


def _change_fields(change: Change | None) -> dict:
    if change is None:
        return {}
    return {
        "change": change.what,
        "change_details": change.details,
        "since_approved": change.since_approved,
        "change_before": change.before if change.what == "changed" else None,
    }


def _answer(posted: str) -> str:
    return posted if posted in CHOICES else ""


def _etr(content: Mapping) -> datetime | None:
    raw = content["repair_order"].get("etr")
    return datetime.fromisoformat(raw) if raw else None


def approval_page(
    *,
    repair_order: RepairOrder,
    version: EstimateVersion,
    link: ShareLink | None = None,
    choices: Mapping[int, str] | None = None,
    approver_id: int | None = None,
    language: str = "en",
) -> ApprovalPage:
    """Everything the approval screens and the portal API show, for one version of one RO."""
    shop = repair_order.shop
    content = version.content
    sections = sections_for(link)
    op_ids = [op["id"] for op in content["operations"]]
    facts = latest_decision_facts(operation_ids=op_ids)
    everyone = customer_contacts(repair_order=repair_order)
    authority = rights.authorities(repair_order_id=repair_order.pk, contacts=everyone)
    contacts = approver_choices(everyone, link_contact=link.contact if link else None)
    # A view-only contact's link shows the estimate and who can approve it, and takes no answer.
    view_only = link is not None and not link.contact.can_approve
    by_id = {c.pk: c for c in contacts}
    default = link.contact if link is not None else next(iter(contacts), None)
    if view_only:
        default = None
    approver = by_id.get(approver_id, default) if approver_id and not view_only else default

    with translation.override(language):  # the words of each change, in the page's language
        since = changes_since_answer(
            repair_order=repair_order,
            contact=link.contact if link else None,
            version=version,
            prices="prices" in sections,
        )
    changed = {c.operation_id: c for c in since.changes if c.what != "removed"}

    views = []
    for op in content["operations"]:
        status = facts[op["id"]].status
        decidable = operation_decidable(
            kind=op["kind"], status=status, shop=shop, link=link, sections=sections
        )
        if op["kind"] == OperationKind.RECOMMENDATION and "recommendations" not in sections:
            continue
        needs_from = ""
        if view_only and decidable:
            decidable = False
            needs_from = rights.names_of(
                rights.approvers_for(
                    authority=authority, amount=Decimal(op["subtotal"]), exclude=link.contact_id
                )
            )
        views.append(
            OperationView(
                id=op["id"],
                kind=op["kind"],
                title=op["title"],
                complaint=op.get("complaint", ""),
                cause=op.get("cause", ""),
                correction=op.get("correction", ""),
                lines=_lines(op, sections),
                subtotal=Decimal(op["subtotal"]),
                status=status,
                decidable=decidable,
                # Only a real answer is kept to show again: anything else posted is refused
                # (services), never echoed into the page or its memoized card.
                choice=_answer((choices or {}).get(op["id"], "")) if decidable else "",
                **_change_fields(changed.get(op["id"])),
                needs_approval_from=needs_from,
            )
        )
    routed = _limit_split(views, approver=approver, authority=authority)
    held = {r.operation_id for r in routed}
    picked = {op.id: op.choice for op in views if op.choice and op.id not in held}
    notes = []
    if "notes" in sections:
        share_notes = link.share.notes if link is not None else ""
        ro_note = content["repair_order"].get("customer_notes", "")  # never `notes` (schema 1)
        notes = [n for n in (ro_note, share_notes) if n]
    include_etr = link.share.include_etr if link is not None else True
    return ApprovalPage(
        shop=shop,
        repair_order=repair_order,
        version=version,
        link=link,
        content=content,
        sections=sections,
        estimate=[v for v in views if not v.is_recommendation],
        recommendations=[v for v in views if v.is_recommendation],
        recommendations_approvable=recommendations_approvable(shop=shop, link=link),
        contacts=contacts,
        approver=approver,
        preview=approval_preview(shop=shop, content=content, choices=picked, language=language),
        language=language,
        standing=standing_of(content=content, views=views, facts=facts),
        etr=_etr(content) if include_etr else None,
        notes=notes,
        changes=since.changes,
        changes_since=since.since,
        authority=authority.get(approver.pk) if approver is not None else None,
        authorities=authority,
        routed=routed,
        view_only=view_only,
        approvers_named=rights.names_of(a.contact for a in authority.values() if a.can_decide)
        if view_only
        else "",
        esign=consent_for(contact=approver, shop=shop, language=language),
        drawing_required=drawing_required(shop=shop, repair_order=repair_order),
    )


def link_answered(*, link: ShareLink) -> bool:
    """Did anyone answer through this link? Then its contact may download the signed copy."""
    return Decision.objects.filter(repair_order_id=link.repair_order_id, via_link=link).exists()


def signature_get(*, actor: Actor, ro_id: int, signature_id: int) -> Signature:
    """One signature of one of the actor's shop's ROs (another shop's is not found)."""
    signature = Signature.objects.filter(
        shop=actor.shop, repair_order_id=ro_id, pk=signature_id
    ).first()
    if signature is None:
        raise NotFound("Signature not found.")
    return signature
