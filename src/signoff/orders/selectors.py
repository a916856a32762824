"""Reads of repair orders shared by staff pages and the API. Query shape is decided here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from signoff.core.errors import NotFound, ValidationFailed
from signoff.core.queries import one_or_none
from signoff.core.search import among, any_of, likely
from signoff.core.validation import parse_id, parse_whole_number, search_query
from signoff.customers.selectors import customer_ids_matching_text, vehicles_matching
from signoff.customers.validation import looks_like_vin
from signoff.orders.models import (
    PREFETCHED_LINES,
    Operation,
    OperationKind,
    OperationLine,
    RepairOrder,
    RoStatus,
)
from signoff.orders.pricing import (
    Totals,
    price_operations,
)
from signoff.shops.access import Actor


def repair_orders_for(*, actor: Actor) -> QuerySet[RepairOrder]:
    return RepairOrder.objects.filter(shop=actor.shop)


def live_operations() -> QuerySet[Operation]:
    """Operations not removed, with their lines in the order staff entered them
    (`Operation.entered_lines`)."""
    lines = OperationLine.objects.order_by("position", "id")
    return Operation.objects.filter(removed_at__isnull=True).prefetch_related(
        Prefetch("lines", queryset=lines, to_attr=PREFETCHED_LINES)
    )


def repair_order_get(*, actor: Actor, ro_id: int) -> RepairOrder:
    """The access funnel for one RO: another shop's RO is simply not found."""
    ro = one_or_none(
        repair_orders_for(actor=actor)
        .select_related("customer", "vehicle", "advisor", "shop")
        .prefetch_related(Prefetch("operations", queryset=live_operations()))
        .filter(pk=ro_id)
    )
    if ro is None:
        raise NotFound("Repair order not found.")
    return ro


def operation_get(*, actor: Actor, operation_id: int) -> Operation:
    op = one_or_none(
        live_operations()
        .select_related("repair_order", "repair_order__customer")
        .filter(shop=actor.shop, pk=operation_id)
    )
    if op is None:
        raise NotFound("Operation not found.")
    return op


def ro_number_in(query: str) -> int | None:
    """The RO number staff typed: "1001", "RO 1001", "ro-1001", "#1001"."""
    digits = query.strip().upper().removeprefix("RO").strip(" -#")
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 9 else None


UNASSIGNED = "none"  # the advisor filter's value for ROs nobody advises
MAX_WAITING_HOURS = 24 * 366


@dataclass(frozen=True)
class RoFilters:
    """What the RO list narrows to besides its search: a status, an advisor (or UNASSIGNED),
    and "awaiting an answer for more than N hours"."""

    status: str = ""
    advisor: int | str | None = None
    waiting_hours: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.status or self.advisor or self.waiting_hours)

    def apply(self, queryset: QuerySet[RepairOrder]) -> QuerySet[RepairOrder]:
        if self.status:
            queryset = queryset.filter(status=self.status)
        if self.advisor == UNASSIGNED:
            queryset = queryset.filter(advisor__isnull=True)
        elif self.advisor:
            queryset = queryset.filter(advisor_id=self.advisor)
        if self.waiting_hours:
            since = timezone.now() - timedelta(hours=self.waiting_hours)
            queryset = queryset.filter(status=RoStatus.AWAITING, status_changed_at__lte=since)
        return queryset


def ro_filters(
    *, status: object = "", advisor: object = "", waiting_hours: object = ""
) -> RoFilters:
    """The RO list's filters as a client sent them (blank: not filtered). Raises
    ValidationFailed naming each field that cannot be one."""
    errors: dict[str, str] = {}
    status = str(status or "")
    if status and status not in RoStatus.values:
        errors["status"] = "Choose one of: " + ", ".join(RoStatus.labels) + "."
    chosen: int | str | None = None
    if advisor not in (None, ""):
        chosen = UNASSIGNED if advisor == UNASSIGNED else parse_id(advisor)
        if chosen is None:
            errors["advisor"] = "Choose an advisor from the list."
    hours = None
    if waiting_hours not in (None, ""):
        hours = parse_whole_number(waiting_hours)
        if hours is None or not 1 <= hours <= MAX_WAITING_HOURS:
            errors["waiting_hours"] = (
                f"Enter the hours waited as a whole number from 1 to {MAX_WAITING_HOURS:,}."
            )
    if errors:
        raise ValidationFailed(" ".join(errors.values()), fields=errors)
    return RoFilters(status=status, advisor=chosen, waiting_hours=hours)


def repair_order_search(
    *, actor: Actor, query: str = "", filters: RoFilters | None = None
) -> QuerySet[RepairOrder]:
    """The shop's ROs, newest number first; with a query, those it finds by RO number, by
    vehicle (VIN, its last 6–8 characters, unit number, plate) or by the customer's or a
    contact's name or email.

    Each way is one index read (customers.selectors, core.search), combined by `any_of` into
    one read of the matching ROs (an OR of IN subqueries across the RO, vehicle and customer
    tables would read every RO). Raises ValidationFailed for a query that cannot be one
    (core.validation.search_query).
    """
    query = search_query(query)
    if not query:
        qs = repair_orders_for(actor=actor)
    else:
        vehicles = vehicles_matching(shop=actor.shop, query=query).values("pk")
        ways = [among("vehicle_id", vehicles)]
        number = ro_number_in(query)
        if number is not None:
            ways.append(Q(number=number))
        elif not looks_like_vin(query):  # nor is a number or a whole VIN in names and emails
            customers = customer_ids_matching_text(shop=actor.shop, query=query)
            ways += [among("customer_id", ids) for ids in customers]
        qs = any_of(RepairOrder.objects.filter(likely(Q(shop=actor.shop))), ways)
    if filters is not None:
        qs = filters.apply(qs)
    return qs.select_related("customer", "vehicle", "advisor").order_by("-number")


@dataclass(frozen=True)
class LineRow:
    line: OperationLine
    amount: Decimal


def repair_order_totals(
    *, repair_orders: Iterable[RepairOrder], tax_rate: Decimal
) -> dict[int, Totals]:
    """The estimate totals of many ROs (a list page) in one query for operations and one for lines."""
    ros = list(repair_orders)
    by_ro: dict[int, list[Operation]] = {ro.pk: [] for ro in ros}
    for op in live_operations().filter(repair_order_id__in=by_ro, kind=OperationKind.ESTIMATE):
        by_ro[op.repair_order_id].append(op)
    return {ro_id: price_operations(ops, tax_rate=tax_rate) for ro_id, ops in by_ro.items()}


def po_number_problem(*, repair_order: RepairOrder) -> str:
    """Why the RO may not be shared or completed for want of a PO number ('' when it may): its
    customer requires one and it has none. Staff-facing (the share dialog, the status move)."""
    if not repair_order.customer.requires_po or repair_order.po_number.strip():
        return ""
    return _(
        "%(customer)s requires a PO number on every repair order: enter it in the RO's details "
        "(Edit details) first."
    ) % {"customer": repair_order.customer.name}
