"""API routes for repair orders: list, create, read with operations and totals, edit."""

from datetime import datetime
from typing import Literal

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from signoff.api.idempotency import idempotent
from signoff.api.pagination import Paged
from signoff.api.schemas import (
    Id,
    OperationOut,
    Schema,
    TotalsOut,
    UserBrief,
)
from signoff.approvals import selectors as approvals_selectors
from signoff.approvals.lifecycle import ro_status_move
from signoff.approvals.selectors import OperationRow, RepairOrderPage
from signoff.core.errors import ValidationFailed
from signoff.core.validation import MAX_SEARCH_LENGTH, max_length_of
from signoff.customers.models import MAX_ODOMETER, Customer, Vehicle
from signoff.orders import selectors, services
from signoff.orders.models import RepairOrder
from signoff.orders.selectors import MAX_WAITING_HOURS

router = Router(tags=["repair orders"])

RoStatusChoice = Literal[
    "estimate",
    "awaiting",
    "approved",
    "partly_approved",
    "declined",
    "in_progress",
    "ready",
    "completed",
    "closed",
]
STATUS_ON_CREATE = "Always `estimate`: a new RO starts there, and its status then follows."
STATUS_ON_PATCH = (
    "Move the work along by hand: `in_progress` (from approved, partly approved or ready), "
    "`ready` (from in progress), `completed` (from ready or in progress), `closed` (from "
    "completed or declined). The estimate's statuses follow its shares and decisions and are "
    "refused here (422), unless sent unchanged."
)
NOTES_MAX = max_length_of(RepairOrder, "internal_notes")
INTERNAL_NOTES = "Staff only: never shown to the customer, in page, PDF, email or text."
CUSTOMER_NOTES = "Shown to the customer with the estimate (page and PDF) when notes are shared."
OLD_NOTES = "The older name of `internal_notes`, kept for clients written before the split."


class CustomerBrief(Schema):
    id: int
    name: str
    kind: Literal["individual", "business"]


class VehicleBrief(Schema):
    id: int
    description: str = Field(..., examples=["2019 Honda Accord"])
    vin: str
    year: int | None
    make: str
    model: str
    unit_number: str
    license_plate: str
    odometer: int | None


class RepairOrderSummary(Schema):
    id: int
    number: int = Field(..., examples=[1001])
    label: str = Field(..., examples=["RO 1001"])
    status: RoStatusChoice
    customer: CustomerBrief
    vehicle: VehicleBrief | None
    advisor: UserBrief | None
    etr: datetime | None = Field(..., description="Estimated time of repair.")
    created_at: datetime
    updated_at: datetime


class RoTotals(Schema):
    # Read from a RepairOrderPage (approvals.selectors).
    estimate: TotalsOut = Field(..., description="All estimate operations, whatever their status.")
    recommendations: TotalsOut = Field(..., description="Recommended work, for later.")
    approved: TotalsOut = Field(..., description="Operations whose current status is approved.")


class RepairOrderOut(RepairOrderSummary):
    # Read from a RepairOrderPage (approvals.selectors): the RO, its rows and its totals.
    odometer_in: int | None
    internal_notes: str = Field(..., description=INTERNAL_NOTES)
    customer_notes: str = Field(..., description=CUSTOMER_NOTES)
    notes: str = Field(..., description=OLD_NOTES, deprecated=True)
    tax_rate: str = Field(..., description="The shop's tax rate in percent.", examples=["8.250"])
    operations: list[OperationOut] = Field(
        ..., description="In table order, removed ones left out."
    )
    totals: RoTotals

    @staticmethod
    def resolve_id(page: RepairOrderPage) -> int:
        return page.ro.pk

    @staticmethod
    def resolve_number(page: RepairOrderPage) -> int:
        return page.ro.number

    @staticmethod
    def resolve_label(page: RepairOrderPage) -> str:
        return page.ro.label

    @staticmethod
    def resolve_status(page: RepairOrderPage) -> str:
        return page.ro.status

    @staticmethod
    def resolve_customer(page: RepairOrderPage) -> Customer:
        return page.ro.customer

    @staticmethod
    def resolve_vehicle(page: RepairOrderPage) -> Vehicle | None:
        return page.ro.vehicle

    @staticmethod
    def resolve_advisor(page: RepairOrderPage) -> User | None:
        return page.ro.advisor

    @staticmethod
    def resolve_etr(page: RepairOrderPage) -> datetime | None:
        return page.ro.etr

    @staticmethod
    def resolve_created_at(page: RepairOrderPage) -> datetime:
        return page.ro.created_at

    @staticmethod
    def resolve_updated_at(page: RepairOrderPage) -> datetime:
        return page.ro.updated_at

    @staticmethod
    def resolve_odometer_in(page: RepairOrderPage) -> int | None:
        return page.ro.odometer_in

    @staticmethod
    def resolve_internal_notes(page: RepairOrderPage) -> str:
        return page.ro.internal_notes

    @staticmethod
    def resolve_customer_notes(page: RepairOrderPage) -> str:
        return page.ro.customer_notes

    @staticmethod
    def resolve_notes(page: RepairOrderPage) -> str:
        return page.ro.internal_notes

    @staticmethod
    def resolve_tax_rate(page: RepairOrderPage) -> str:
        return str(page.ro.shop.tax_rate)

    @staticmethod
    def resolve_operations(page: RepairOrderPage) -> list[OperationRow]:
        return page.rows

    @staticmethod
    def resolve_totals(page: RepairOrderPage) -> RepairOrderPage:
        return page


class RepairOrderIn(Schema):
    customer_id: Id = Field(..., description="One of your shop's customers.")
    vehicle_id: Id | None = Field(None, description="One of that customer's vehicles.")
    advisor_id: Id | None = Field(None, description="A member of the shop; defaults to you.")
    status: Literal["estimate"] = Field("estimate", description=STATUS_ON_CREATE)
    etr: datetime | None = Field(
        None,
        description="ISO 8601; without an offset it is read in the shop's time zone.",
        examples=["2026-11-24T16:30:00-08:00"],
    )
    odometer_in: int | None = Field(None, ge=0, le=MAX_ODOMETER)
    internal_notes: str = Field("", max_length=NOTES_MAX, description=INTERNAL_NOTES)
    customer_notes: str = Field("", max_length=NOTES_MAX, description=CUSTOMER_NOTES)
    notes: str | None = Field(None, max_length=NOTES_MAX, description=OLD_NOTES, deprecated=True)


class RepairOrderPatch(Schema):
    """Only the fields sent change; send null to clear the vehicle, advisor, ETR or odometer."""

    vehicle_id: Id | None = None
    advisor_id: Id | None = None
    status: RoStatusChoice | None = Field(None, description=STATUS_ON_PATCH)
    etr: datetime | None = Field(None, examples=["2026-11-24T16:30:00-08:00"])
    odometer_in: int | None = Field(None, ge=0, le=MAX_ODOMETER)
    internal_notes: str | None = Field(
        None, max_length=NOTES_MAX, description=INTERNAL_NOTES, examples=["Call after 3 PM."]
    )
    customer_notes: str | None = Field(
        None, max_length=NOTES_MAX, description=CUSTOMER_NOTES, examples=["Photos to follow."]
    )
    notes: str | None = Field(None, max_length=NOTES_MAX, description=OLD_NOTES, deprecated=True)


class RepairOrderSearch(Schema):
    q: str = Field(
        "",
        max_length=MAX_SEARCH_LENGTH,
        description=(
            "RO number (1001, RO 1001, #1001), VIN or its last 6–8 characters, unit number, "
            "plate, or part of the customer's or a contact's name or email."
        ),
    )
    status: RoStatusChoice | None = Field(None, description="Only ROs in this status.")
    advisor_id: Id | None = Field(None, description="Only ROs this member of the shop advises.")
    unassigned: bool = Field(False, description="Only ROs nobody advises.")
    waiting_hours: int | None = Field(
        None,
        ge=1,
        le=MAX_WAITING_HOURS,
        description="Only ROs awaiting an answer for more than this many hours.",
    )


def repair_order_detail(request: HttpRequest, ro_id: int) -> RepairOrderPage:
    return approvals_selectors.repair_order_detail(actor=request.actor, ro_id=ro_id)


@router.get(
    "/repair-orders", response=list[RepairOrderSummary], summary="List or search repair orders"
)
@paginate(Paged)
def repair_order_list(request: HttpRequest, filters: Query[RepairOrderSearch]):
    if filters.unassigned and filters.advisor_id:
        message = "Send `advisor_id` or `unassigned`, not both."
        raise ValidationFailed(message, fields={"unassigned": message})
    narrowed = selectors.RoFilters(
        status=filters.status or "",
        advisor=selectors.UNASSIGNED if filters.unassigned else filters.advisor_id,
        waiting_hours=filters.waiting_hours,
    )
    return selectors.repair_order_search(actor=request.actor, query=filters.q, filters=narrowed)


def _old_notes_named(data: dict) -> dict:
    """`notes`, the older name, as `internal_notes`; both, when they differ, are refused."""
    old = data.pop("notes", None)
    if old is None:
        return data
    if data.setdefault("internal_notes", old) != old:
        message = "Send `internal_notes` alone: `notes` is its older name."
        raise ValidationFailed(message, fields={"notes": message})
    return data


@router.post(
    "/repair-orders",
    response={201: RepairOrderOut},
    summary="Create a repair order",
)
@idempotent
def repair_order_create(request: HttpRequest, payload: RepairOrderIn):
    data = _old_notes_named(payload.dict(exclude={"customer_id", "status"}, exclude_unset=True))
    ro = services.repair_order_create(
        actor=request.actor, customer_id=payload.customer_id, data=data
    )
    return Status(201, repair_order_detail(request, ro.pk))


@router.get(
    "/repair-orders/{ro_id}",
    response={200: RepairOrderOut},
    summary="One repair order: operations with approval status, totals, ETR",
)
def repair_order_get(request: HttpRequest, ro_id: Id):
    return Status(200, repair_order_detail(request, ro_id))


@router.patch(
    "/repair-orders/{ro_id}",
    response={200: RepairOrderOut},
    summary="Edit a repair order",
)
@idempotent
def repair_order_update(request: HttpRequest, ro_id: Id, payload: RepairOrderPatch):
    data = _old_notes_named(payload.dict(exclude_unset=True))
    status = data.pop("status", None)
    # One transaction: a move refused leaves the other fields unsaved too. The move comes
    # first, judged against the status the client read: the edit may move the estimate's status.
    with transaction.atomic():
        if status is not None:
            ro_status_move(actor=request.actor, ro_id=ro_id, to=status)
        services.repair_order_update(actor=request.actor, ro_id=ro_id, data=data)
    return Status(200, repair_order_detail(request, ro_id))
