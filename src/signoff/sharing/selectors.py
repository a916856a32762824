"""Reads of versions, shares, links and messages shared by the RO page and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)

from signoff.approvals.models import Decision, EstimateVersion, Event, EventKind, Source, Status
from signoff.approvals.selectors import latest_decisions
from signoff.core.errors import LinkGone, NotFound
from signoff.core.paging import counted_rows
from signoff.core.queries import newest_first, related_once
from signoff.customers.models import Contact
from signoff.documents.render import estimate_pdf
from signoff.orders.models import Operation, RepairOrder
from signoff.orders.selectors import repair_orders_for
from signoff.sharing.links import share_link_token, share_link_url
from signoff.sharing.models import (
    Channel,
    Message,
    MessageKind,
    MessageStatus,
    OutboxCapture,
    Share,
    ShareLink,
)
from signoff.sharing.rules import RecipientOption, clean_sections, recipient_options
from signoff.shops.access import Actor, require_link_access


def _repair_order_id(*, actor: Actor, ro_id: int) -> int:
    """The RO's id when it is the actor's shop's; another shop's RO is simply not found."""
    if not repair_orders_for(actor=actor).filter(pk=ro_id).exists():
        raise NotFound("Repair order not found.")
    return ro_id


def number_texted_before(*, shop_id: int, number: str) -> bool:
    """Has a text from this shop reached `number` before (sent, or delivered)? Until one has,
    each text to it says how to opt out. A text still queued or one that failed does not
    count, so a number never misses the opt-out line because an earlier text did not go out.
    Read through the (shop, to_address) index."""
    return Message.objects.filter(
        shop_id=shop_id,
        to_address=number,
        channel=Channel.SMS,
        status__in=[MessageStatus.SENT, MessageStatus.DELIVERED],
    ).exists()


def versions_for_repair_order(*, actor: Actor, ro_id: int) -> QuerySet[EstimateVersion]:
    ro_id = _repair_order_id(actor=actor, ro_id=ro_id)
    return (
        EstimateVersion.objects.filter(shop=actor.shop, repair_order_id=ro_id)
        .select_related("created_by")
        .order_by("number")
    )


@dataclass(frozen=True)
class SharedWith:
    """One share of a version and the contacts it went to."""

    share: Share
    contacts: list[Contact]


@dataclass(frozen=True)
class VersionRow:
    """One estimate version of an RO, with the shares that sent it (each with its contacts)."""

    version: EstimateVersion
    shares: list[SharedWith]


def ro_versions(*, repair_order: RepairOrder) -> list[VersionRow]:
    """The RO's versions, newest first, each with who it was shared with: one query for the
    versions, however many there are, and the RO's links (`ro_links`, read once per page). The
    snapshots stay in the database."""
    versions = EstimateVersion.objects.filter(
        shop_id=repair_order.shop_id, repair_order=repair_order
    ).defer("content")
    versions = sorted(versions.order_by(), key=lambda v: v.number, reverse=True)
    shares: dict[int, SharedWith] = {}
    for link in sorted(ro_links(repair_order=repair_order), key=lambda link: link.pk):
        shared = shares.setdefault(link.share_id, SharedWith(share=link.share, contacts=[]))
        shared.contacts.append(link.contact)
    by_version: dict[int, list[SharedWith]] = {}
    for shared in sorted(shares.values(), key=lambda s: (s.share.created_at, s.share.pk)):
        by_version.setdefault(shared.share.version_id, []).append(shared)
    return [VersionRow(version=v, shares=by_version.get(v.pk, [])) for v in versions]


def with_openings(links: QuerySet[ShareLink]) -> QuerySet[ShareLink]:
    """The links with `open_count` (up to COUNT_AHEAD + 1: read `openings`), `first_opened_at` and
    `last_opened_at` from their LINK_OPENED events (opening a link only inserts an event), read
    in the links' own query: each figure comes through the (link, kind, time) index, so it costs
    the same however often a link was opened."""
    opened = Event.objects.filter(share_link_id=OuterRef("pk"), kind=EventKind.LINK_OPENED)
    return links.annotate(
        first_opened_at=Subquery(opened.order_by("created_at").values("created_at")[:1]),
        last_opened_at=Subquery(opened.order_by("-created_at").values("created_at")[:1]),
        # In the index's order, so the planner walks the index rather than the table.
        open_count=counted_rows(opened.order_by("created_at").values("created_at")),
    )


def _shares() -> QuerySet[Share]:
    links = with_openings(ShareLink.objects.select_related("contact").order_by("id"))
    return Share.objects.select_related("version", "created_by").prefetch_related(
        Prefetch("links", queryset=links),
        Prefetch("messages", queryset=Message.objects.select_related("contact").order_by("id")),
    )


def shares_for_repair_order(*, actor: Actor, ro_id: int) -> list[Share]:
    """Every share of the RO, newest first, with links (and their openings) and messages:
    four queries in all."""
    ro_id = _repair_order_id(actor=actor, ro_id=ro_id)
    return list(_shares().filter(shop=actor.shop, repair_order_id=ro_id))


def confirmation_channels(*, link: ShareLink) -> list[str]:
    """The channels on which the link's contact was sent a confirmation of their answers."""
    sent = Message.objects.filter(link=link, kind=MessageKind.CONFIRMATION)
    return sorted(set(sent.values_list("channel", flat=True)))


def share_get(*, actor: Actor, share_id: int, repair_order: RepairOrder | None = None) -> Share:
    """One of the shop's shares (of `repair_order`, when given); any other id is NotFound."""
    shares = _shares().filter(shop=actor.shop, pk=share_id)
    if repair_order is not None:
        shares = shares.filter(repair_order=repair_order)
    share = shares.first()
    if share is None:
        raise NotFound("Share not found.")
    return share


def ro_messages(*, repair_order: RepairOrder) -> list[Message]:
    """The RO's messages, newest first, with their contact and link, and the version a share
    sent or a confirmation's answers were given on (one query). The versions' snapshots are
    left in the database: the list shows their number."""
    return newest_first(
        Message.objects.filter(shop_id=repair_order.shop_id, repair_order=repair_order)
        .select_related("contact", "link", "share", "share__version", "confirms__version")
        .defer("share__version__content", "confirms__version__content")
        .order_by()
    )


def ro_links(*, repair_order: RepairOrder) -> list[ShareLink]:
    """The RO's share links, newest first, with their contact, share, version and openings: one
    query, read once per RO object (the RO page's messages and versions panels both show
    them)."""
    links = ShareLink.objects.filter(shop_id=repair_order.shop_id).select_related(
        "contact", "share__version", "revoked_by"
    )
    links = with_openings(links.defer("share__version__content").order_by())
    return newest_first(related_once(repair_order, "share_links", links))


@dataclass(frozen=True)
class LinkAddress:
    link: ShareLink
    url: str


def share_link_address(*, actor: Actor, link_id: int) -> LinkAddress:
    """An active link's URL, derived on demand, for staff who hand it over themselves.

    Only roles that may reveal links (`require_link_access`): whoever holds the URL can answer
    as the contact. Withdrawn or expired links are LinkGone, since their URL would not open;
    another shop's link is NotFound.
    """
    require_link_access(actor)
    link = (
        ShareLink.objects.select_related("contact", "shop")
        .filter(shop=actor.shop, pk=link_id)
        .first()
    )
    if link is None:
        raise NotFound("Share link not found.")
    name = link.contact.name
    if not link.is_active():
        what = "was revoked" if link.is_revoked else "has expired"
        raise LinkGone(
            f"{name}'s link {what} and no longer opens. Share the estimate again to give "
            "them a new link."
        )
    return LinkAddress(link=link, url=share_link_url(share_link_token(link)))


def outbox_messages(*, actor: Actor, limit: int) -> QuerySet[Message]:
    """The dev outbox's list: the shop's captured messages, newest first. Only for roles that
    may reveal links, like each message it opens."""
    require_link_access(actor)
    return (
        Message.objects.filter(shop=actor.shop, capture__isnull=False)
        .select_related("contact", "repair_order")
        .annotate(captured_at=F("capture__created_at"))
        .order_by("-captured_at", "-id")[:limit]
    )


def outbox_capture_get(*, actor: Actor, message_id: int) -> OutboxCapture:
    """A message the dev outbox captured, as sent: its raw text holds the contact's real link,
    so only roles that may reveal links see it. Another shop's is NotFound."""
    require_link_access(actor)
    capture = (
        OutboxCapture.objects.select_related(
            "message__contact", "message__repair_order", "message__link__contact"
        )
        .filter(message_id=message_id, message__shop=actor.shop)
        .first()
    )
    if capture is None:
        raise NotFound("No captured message with that number in this shop.")
    return capture


def share_recipient_options(
    *, repair_order: RepairOrder, contacts: Iterable[Contact] | None = None
) -> list[RecipientOption]:
    """The customer's contacts as the share dialog offers them, primary first. `contacts`: the
    same, when the caller has them already (the RO page reads them for its header)."""
    if contacts is None:
        contacts = Contact.objects.filter(
            shop_id=repair_order.shop_id, customer_id=repair_order.customer_id
        )
    return recipient_options(repair_order.shop, contacts)


def ro_statuses(*, repair_order: RepairOrder) -> list[tuple[str, str | None]]:
    """(current status, source of the current decision) of each live operation: what the
    sharing rules look at. Three queries whatever the number of operations."""
    op_ids = list(
        Operation.objects.filter(repair_order=repair_order, removed_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    decisions = latest_decisions(operation_ids=op_ids)
    return [
        (decisions[pk].status, decisions[pk].source) if pk in decisions else (Status.PENDING, None)
        for pk in op_ids
    ]


def version_pdf(
    *, version: EstimateVersion, sections: list[str] | None = None, include_etr: bool = True
) -> bytes:
    """A version's estimate PDF with the sections asked for (all when None)."""
    return estimate_pdf(version=version, sections=clean_sections(sections), include_etr=include_etr)


# Whether decisions reached the customer --------------------------------------------------------


@dataclass(frozen=True)
class Sharing:
    """Whether a decision reached the customer, for View details and the API history.

    `state` is "shared" (an estimate shared after it showed it: `version`, `at`), "customer" (the
    customer gave it on their link or in person, on `version`), "replaced" (a later decision on
    the operation came before any share) or "not_yet".
    """

    state: str
    version: int | None = None
    at: dt.datetime | None = None


def _shared_statuses(share) -> dict[int, str]:
    return {op.get("id"): op.get("status") for op in share.version.content.get("operations", [])}


def decision_sharing(*, decisions: list[Decision]) -> dict[int, Sharing]:
    """For one operation's decisions (any order): whether and how each reached the customer.

    A decision staff recorded reaches the customer with the first share made after it whose
    version shows the operation with that status, provided no later decision on the operation
    came first. The version a decision was *made against* (`Decision.version`) is the one the
    customer had before, so it cannot say this.
    """
    ordered = sorted(decisions, key=lambda d: d.sequence)
    if not ordered:
        return {}
    shares = list(
        Share.objects.filter(
            repair_order_id=ordered[0].repair_order_id, created_at__gte=ordered[0].created_at
        )
        .select_related("version")
        .order_by("created_at", "id")
    )
    statuses = {share.pk: _shared_statuses(share) for share in shares}
    result: dict[int, Sharing] = {}
    for i, decision in enumerate(ordered):
        if decision.source in (Source.LINK, Source.IN_PERSON):
            number = decision.version.number if decision.version_id else None
            result[decision.pk] = Sharing("customer", version=number)
            continue
        replaced_at = ordered[i + 1].created_at if i + 1 < len(ordered) else None
        sharing = Sharing("replaced" if replaced_at else "not_yet")
        for share in shares:
            if share.created_at < decision.created_at:
                continue
            if replaced_at is not None and share.created_at >= replaced_at:
                break
            if statuses[share.pk].get(decision.operation_id) == decision.status:
                sharing = Sharing("shared", version=share.version.number, at=share.created_at)
                break
        result[decision.pk] = sharing
    return result


def operation_history(*, operation: Operation) -> list[Decision]:
    """An operation's decisions, newest first, with what the history shows loaded.

    Each decision carries `.sharing` (a `Sharing`): whether it was shared with the customer.
    """
    decisions = list(
        Decision.objects.filter(operation=operation)
        .select_related("recorded_by", "contact", "version", "reason", "signature")
        .order_by("-sequence")
    )
    sharing = decision_sharing(decisions=decisions)
    for decision in decisions:
        decision.sharing = sharing[decision.pk]
    return decisions


def message_repair_order_id(*, actor: Actor, message_id: int) -> int:
    """The RO of one of the shop's messages; any other id is NotFound."""
    ro_id = (
        Message.objects.filter(shop=actor.shop, pk=message_id)
        .values_list("repair_order_id", flat=True)
        .first()
    )
    if ro_id is None:
        raise NotFound("Message not found.")
    return ro_id
