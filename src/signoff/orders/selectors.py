"""Reads of repair orders shared by staff pages and the API. Query shape is decided here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from signoff.customers.models import Contact
from signoff.errors import NotFound
from signoff.orders.models import Operation, OperationKind, OperationLine, RepairOrder
from signoff.orders.pricing import (
    Totals,
    estimate_totals,
    line_amount,
    operation_subtotal,
    price_operations,
)
from signoff.shops.access import Actor


def repair_orders_for(*, actor: Actor) -> QuerySet[RepairOrder]:
    return RepairOrder.objects.filter(shop=actor.shop)


def live_operations() -> QuerySet[Operation]:
    """Operations not removed, with their lines in the order staff entered them."""
    return Operation.objects.filter(removed_at__isnull=True).prefetch_related(
        Prefetch("lines", queryset=OperationLine.objects.order_by("position", "id"))
    )


def repair_order_get(*, actor: Actor, ro_id: int) -> RepairOrder:
    """The access funnel for one RO: another shop's RO is simply not found."""
    ro = (
        repair_orders_for(actor=actor)
        .select_related("customer", "vehicle", "advisor", "shop")
        .prefetch_related(Prefetch("operations", queryset=live_operations()))
        .filter(pk=ro_id)
        .first()
    )
    if ro is None:
        raise NotFound("Repair order not found.")
    return ro


def operation_get(*, actor: Actor, operation_id: int) -> Operation:
    op = (
        live_operations()
        .select_related("repair_order", "repair_order__customer")
        .filter(shop=actor.shop, pk=operation_id)
        .first()
    )
    if op is None:
        raise NotFound("Operation not found.")
    return op


def repair_order_search(*, actor: Actor, query: str = "") -> QuerySet[RepairOrder]:
    qs = repair_orders_for(actor=actor).select_related("customer", "vehicle", "advisor")
    query = query.strip()
    if query:
        cond = (
            Q(customer__name__icontains=query)
            | Q(vehicle__vin__icontains=query)
            | Q(vehicle__unit_number__iexact=query)
        )
        digits = query.upper().removeprefix("RO").strip(" -#")
        if digits.isdigit():
            cond |= Q(number=int(digits))
        qs = qs.filter(cond)
    return qs.order_by("-number")


@dataclass(frozen=True)
class LineRow:
    line: OperationLine
    amount: Decimal


@dataclass(frozen=True)
class OperationRow:
    """One row of the RO page's operations table (the approvals status cell reads this)."""

    op: Operation
    decision: Any  # approvals.models.Decision | None
    status: str
    subtotal: Decimal
    lines: list[LineRow]


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


def repair_order_page(*, actor: Actor, ro_id: int) -> RepairOrderPage:
    """Everything the staff RO page shows, in a number of queries that does not grow with rows."""
    from signoff.approvals.selectors import latest_decisions, status_of

    ro = (
        repair_orders_for(actor=actor)
        .select_related("customer", "vehicle", "advisor", "shop")
        .prefetch_related(
            Prefetch("operations", queryset=live_operations()),
            Prefetch(
                "customer__contacts",
                queryset=Contact.objects.order_by("-is_primary", "position", "id"),
            ),
        )
        .filter(pk=ro_id)
        .first()
    )
    if ro is None:
        raise NotFound("Repair order not found.")
    operations = list(ro.operations.all())
    decisions = latest_decisions(operation_ids=[op.pk for op in operations])
    rows = []
    for op in operations:
        decision = decisions.get(op.pk)
        lines = [
            LineRow(line=ln, amount=line_amount(ln.quantity, ln.unit_price))
            for ln in op.lines.all()
        ]
        rows.append(
            OperationRow(
                op=op,
                decision=decision,
                status=status_of(decision),
                subtotal=operation_subtotal(op),
                lines=lines,
            )
        )
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


def repair_order_totals(
    *, repair_orders: Iterable[RepairOrder], tax_rate: Decimal
) -> dict[int, Totals]:
    """The estimate totals of many ROs (a list page) in one query for operations and one for lines."""
    ros = list(repair_orders)
    by_ro: dict[int, list[Operation]] = {ro.pk: [] for ro in ros}
    for op in live_operations().filter(repair_order_id__in=by_ro, kind=OperationKind.ESTIMATE):
        by_ro[op.repair_order_id].append(op)
    return {ro_id: price_operations(ops, tax_rate=tax_rate) for ro_id, ops in by_ro.items()}
