"""Reads of decisions shared by pages, the API, versions and the PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Max, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from signoff.approvals.amounts import (
    RoAmounts,
    approval_warning,
    covering_not_to_exceed,
    ro_amounts,
)
from signoff.approvals.models import (
    DECIDABLE_STATUSES,
    STATUS_VERBS,
    ApprovalReason,
    Decision,
    Event,
    Source,
    Status,
)
from signoff.core.errors import NotFound
from signoff.core.formatting import format_phone
from signoff.core.queries import one_or_none
from signoff.customers.models import Contact
from signoff.orders.models import Operation, OperationKind, RepairOrder
from signoff.orders.pricing import (
    ZERO,
    Totals,
    estimate_totals,
    line_amount,
    operation_subtotal,
    price_operations,
)
from signoff.orders.selectors import (
    LineRow,
    live_operations,
    repair_order_get,
    repair_orders_for,
)
from signoff.shops.access import Actor
from signoff.shops.models import Shop


def _newest_sequence() -> Subquery:
    """The sequence of the latest decision on the outer row's operation (found through the
    (operation, -sequence) index)."""
    newest = Decision.objects.filter(operation_id=OuterRef("operation_id")).order_by("-sequence")
    return Subquery(newest.values("sequence")[:1])


def latest_decisions(*, operation_ids: Iterable[int]) -> dict[int, Decision]:
    """Each operation's latest decision, in one query whatever the number of operations."""
    ids = list(operation_ids)
    if not ids:
        return {}
    rows = (
        Decision.objects.filter(operation_id__in=ids, sequence=_newest_sequence())
        .select_related("recorded_by", "version", "contact")
        # The version is there for its number and hash: its snapshot stays in the database.
        .defer("version__content")
        .order_by()
    )
    return {d.operation_id: d for d in rows}


def latest_statuses(*, operation_ids: Iterable[int]) -> dict[int, str]:
    """Each operation's current status (Pending when it has no decision), in one light query:
    for pages that show the status and nothing else of the decision (the customer page)."""
    ids = list(operation_ids)
    found = (
        Decision.objects.filter(operation_id__in=ids, sequence=_newest_sequence())
        .order_by()
        .values_list("operation_id", "status")
        if ids
        else []
    )
    return {op_id: Status.PENDING for op_id in ids} | dict(found)


@dataclass(frozen=True)
class DecisionFacts:
    """An operation's current status and who gave it, when and how: what the customer page
    says about an operation already decided ("Approved by Jordan Lee, Mar 3, 2:15 PM")."""

    status: str
    at: dt.datetime | None = None
    source: str = ""
    contact_name: str = ""

    @property
    def decided(self) -> bool:
        return self.status != Status.PENDING


def latest_decision_facts(*, operation_ids: Iterable[int]) -> dict[int, DecisionFacts]:
    """Each operation's current status with its latest decision's time, source and contact, in
    one light query (Pending, with no time, when it has no decision)."""
    ids = list(operation_ids)
    found = (
        Decision.objects.filter(operation_id__in=ids, sequence=_newest_sequence())
        .order_by()
        .values_list("operation_id", "status", "created_at", "source", "contact_name")
        if ids
        else []
    )
    facts = {op_id: DecisionFacts(Status.PENDING) for op_id in ids}
    for op_id, status, at, source, contact_name in found:
        facts[op_id] = DecisionFacts(status, at, source, contact_name)
    return facts


def status_of(decision: Decision | None) -> str:
    return decision.status if decision is not None else Status.PENDING


@dataclass(frozen=True)
class OperationRow:
    """One operation with its latest decision: a row of the RO page's table, or its status cell.

    `lines` are priced when first read, from the operation's prefetched lines when there are
    some, so the status cell (which never reads them) costs no query for them.
    """

    op: Operation
    decision: Decision | None

    @property
    def status(self) -> str:
        return status_of(self.decision)

    @cached_property
    def subtotal(self) -> Decimal:
        return operation_subtotal(self.op)

    @cached_property
    def amounts(self) -> Totals:
        """The operation's labor, parts and fees, untaxed (tax is charged on the whole RO)."""
        return price_operations([self.op], tax_rate=ZERO)

    @cached_property
    def lines(self) -> list[LineRow]:
        return [
            LineRow(line=ln, amount=line_amount(ln.quantity, ln.unit_price))
            for ln in self.op.entered_lines
        ]


def status_row(*, operation: Operation) -> OperationRow:
    """One operation's row with its latest decision (the status cell after a change)."""
    decision = latest_decisions(operation_ids=[operation.pk]).get(operation.pk)
    return OperationRow(op=operation, decision=decision)


def reasons_active(*, shop: Shop) -> QuerySet[ApprovalReason]:
    return ApprovalReason.objects.filter(shop=shop, active=True).order_by("position", "id")


def reasons_all(*, shop: Shop) -> QuerySet[ApprovalReason]:
    return ApprovalReason.objects.filter(shop=shop).order_by("-active", "position", "id")


def decision_contacts(*, operation: Operation) -> list[Contact]:
    """Who may have given approval: the RO customer's contacts, primary first."""
    return list(Contact.objects.filter(customer_id=operation.repair_order.customer_id))


def operation_for_history(*, actor: Actor, operation_id: int) -> Operation:
    """Any operation of the actor's shop, removed ones included: their history is evidence too."""
    operation = one_or_none(
        Operation.objects.select_related("repair_order").filter(shop=actor.shop, pk=operation_id)
    )
    if operation is None:
        raise NotFound("Operation not found.")
    return operation


def decision_form_initial(*, operation: Operation, status: str | None) -> dict:
    """The pop-up's starting values: the chosen status, the primary contact and their number."""
    primary = next(iter(decision_contacts(operation=operation)), None)
    return {
        "status": status if status in DECIDABLE_STATUSES else "",
        "contact": primary.pk if primary else None,
        "phone_number": format_phone(primary.preferred_phone) if primary else "",
    }


def decision_form_data(*, actor: Actor, operation: Operation, status: str) -> dict:
    """What the decision pop-up shows besides the form: the choices, the amount, any warning."""
    subtotal = operation_subtotal(operation)
    return {
        "operation": operation,
        "ro": operation.repair_order,
        "status": status if status in DECIDABLE_STATUSES else "",
        "verb": STATUS_VERBS.get(status, ""),
        "reasons": list(reasons_active(shop=actor.shop)),
        "contacts": decision_contacts(operation=operation),
        "subtotal": subtotal,
        "warning": approval_warning(operation=operation, status=status, shop=actor.shop),
        "not_to_exceed": covering_not_to_exceed(
            operation=operation, status=status, subtotal=subtotal
        ),
        "current": status_row(operation=operation),
    }


def repair_orders_numbered(*, number: int, shop_slug: str | None = None) -> list[RepairOrder]:
    """ROs with that number across shops (for the operator's `verify_ro` command)."""
    qs = RepairOrder.objects.select_related("shop").filter(number=number)
    if shop_slug:
        qs = qs.filter(shop__slug=shop_slug)
    return list(qs.order_by("shop__slug"))


# The staff RO page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RepairOrderPage:
    ro: RepairOrder
    rows: list[OperationRow]
    estimate: Totals
    recommendations: Totals
    approved: Totals

    @property
    def has_recommendations(self) -> bool:
        return any(row.op.kind == OperationKind.RECOMMENDATION for row in self.rows)

    @cached_property
    def amounts(self) -> RoAmounts:
        """Authorized, current and the rule (approvals.amounts), from the rows and, on the RO
        page, the decisions prefetched with them."""
        decisions = ro_decisions_of(self.ro) if _prefetched(self.ro, "decisions") else None
        operations = [row.op for row in self.rows]
        return ro_amounts(repair_order=self.ro, operations=operations, decisions=decisions)

    @property
    def stamp(self) -> str:
        """The RO's change stamp as this page read it (`ro_change_stamp` asks again later)."""
        return _stamp(self.ro.updated_at, self.ro.last_event_id)

    @property
    def last_answer_at(self) -> dt.datetime | None:
        """When a contact last answered on the RO through their link (what the Today page's
        "answered since you last looked" counts), or None."""
        return max(
            (d.created_at for d in ro_decisions_of(self.ro) if d.source == ANSWER_SOURCE),
            default=None,
        )


def repair_order_page(*, actor: Actor, ro_id: int) -> RepairOrderPage:
    """Everything the staff RO page shows, in a number of queries that does not grow with rows."""
    ro = one_or_none(
        repair_orders_for(actor=actor)
        .select_related("customer", "vehicle", "advisor", "shop")
        .prefetch_related(
            Prefetch("operations", queryset=live_operations()),
            Prefetch(
                "customer__contacts",
                queryset=Contact.objects.order_by("-is_primary", "position", "id"),
            ),
            # Every decision, once: the rows take each operation's latest and the authorization
            # panel reads them all (`authorization_summary`).
            Prefetch("decisions", queryset=ro_decisions()),
        )
        # The live page's change stamp, read here rather than in a query of its own.
        .annotate(last_event_id=Subquery(_last_event_of_ro("pk")))
        .filter(pk=ro_id)
    )
    if ro is None:
        raise NotFound("Repair order not found.")
    return _page_of(ro)


def repair_order_detail(*, actor: Actor, ro_id: int) -> RepairOrderPage:
    """The RO with its rows and totals as the API shows it (without the page's contacts)."""
    return _page_of(repair_order_get(actor=actor, ro_id=ro_id))


def ro_decisions() -> QuerySet[Decision]:
    """An RO's decisions as the RO page and the authorization summary read them (in no order:
    sort by `sequence` for the chain's)."""
    return Decision.objects.select_related(
        "operation", "version", "recorded_by", "contact"
    ).order_by()


def ro_decisions_of(ro: RepairOrder) -> list[Decision]:
    """All of the RO's decisions, in no order: prefetched by `repair_order_page`, else one
    query."""
    if _prefetched(ro, "decisions"):
        return list(ro.decisions.all())
    return list(ro_decisions().filter(repair_order=ro))


def _prefetched(instance, name: str) -> bool:
    return name in getattr(instance, "_prefetched_objects_cache", {})


def _latest_of(decisions: Iterable[Decision]) -> dict[int, Decision]:
    """Each operation's latest decision among `decisions` (the highest sequence)."""
    latest: dict[int, Decision] = {}
    for decision in decisions:
        held = latest.get(decision.operation_id)
        if held is None or decision.sequence > held.sequence:
            latest[decision.operation_id] = decision
    return latest


def _page_of(ro: RepairOrder) -> RepairOrderPage:
    """Rows and totals of an RO whose live operations and lines are prefetched (two queries;
    none more when its decisions are prefetched too)."""
    operations = list(ro.operations.all())
    if _prefetched(ro, "decisions"):
        decisions = _latest_of(ro_decisions_of(ro))
    else:
        decisions = latest_decisions(operation_ids=[op.pk for op in operations])
    rows = [OperationRow(op=op, decision=decisions.get(op.pk)) for op in operations]
    totals = estimate_totals(
        operations, statuses={r.op.pk: r.status for r in rows}, tax_rate=ro.shop.tax_rate
    )
    return RepairOrderPage(
        ro=ro,
        rows=rows,
        estimate=totals.estimate,
        recommendations=totals.recommendations,
        approved=totals.approved,
    )


def with_last_activity(repair_orders: QuerySet[RepairOrder]) -> QuerySet[RepairOrder]:
    """The ROs with `last_activity_at`: when anything last happened on each, its last event of
    any kind (a share, an opening, a message's status, a decision, a status change) or its own
    last change when that is later (an edit of an operation records no event). Read for the
    rows of a page only: one index read each (event_ro_time)."""
    last_event = Subquery(_last_event_of_ro("created_at"))
    return repair_orders.annotate(
        last_activity_at=Greatest("updated_at", Coalesce(last_event, "updated_at"))
    )


def _last_event_of_ro(field: str) -> QuerySet[Event]:
    """`field` of the outer RO's newest event, for a subquery (read through event_ro_time)."""
    return (
        Event.objects.filter(repair_order_id=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values(field)[:1]
    )


def ro_change_stamp(*, actor: Actor, ro_id: int) -> str:
    """A short stamp that changes whenever anything shown on the RO page changes: its last
    event (shares, openings, message statuses, decisions, signatures, status changes) and its
    own last change (edits of it or its operations). One query, one index read for the event
    (event_ro_time). Raises NotFound for another shop's RO."""
    last_event = _last_event_of_ro("pk")
    row = next(
        iter(
            RepairOrder.objects.filter(shop=actor.shop, pk=ro_id)
            .order_by()
            .annotate(last_event=Subquery(last_event))
            .values_list("updated_at", "last_event")[:1]
        ),
        None,
    )
    if row is None:
        raise NotFound("Repair order not found.")
    return _stamp(*row)


def _stamp(updated_at: dt.datetime, last_event_id: int | None) -> str:
    return f"{last_event_id or 0}.{int(updated_at.timestamp() * 1_000_000)}"


ANSWERS_SHOWN_DAYS = 30
# A customer's answer, as the Today page counts them: given through their link.
ANSWER_SOURCE = Source.LINK


def customer_answers(*, shop: Shop, days: int = ANSWERS_SHOWN_DAYS) -> dict[int, dt.datetime]:
    """RO id → when a contact last answered through their link, over the last `days` (one
    query through decision_shop_source_time)."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        Decision.objects.filter(shop=shop, source=ANSWER_SOURCE, created_at__gte=since)
        .order_by()
        .values("repair_order_id")
        .annotate(last=Max("created_at"))
        .values_list("repair_order_id", "last")
    )
    return dict(rows)
