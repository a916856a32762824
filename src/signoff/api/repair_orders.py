"""API routes for repair orders: list, create, read with operations and totals, edit."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from signoff.api.idempotency import idempotent
from signoff.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    OperationOut,
    TotalsOut,
    UserBrief,
    operation_out,
)
from signoff.approvals.selectors import latest_decisions, status_of
from signoff.orders import selectors, services
from signoff.orders.models import RepairOrder
from signoff.orders.pricing import estimate_totals

router = Router(tags=["repair orders"])

RoStatusChoice = Literal["estimate", "awaiting", "approved", "in_progress", "completed", "closed"]


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
    estimate: TotalsOut = Field(..., description="All estimate operations, whatever their status.")
    recommendations: TotalsOut = Field(..., description="Recommended work, for later.")
    approved: TotalsOut = Field(..., description="Operations whose current status is approved.")


class RepairOrderOut(RepairOrderSummary):
    odometer_in: int | None
    notes: str
    tax_rate: str = Field(..., description="The shop's tax rate in percent.", examples=["8.250"])
    operations: list[OperationOut] = Field(
        ..., description="In table order, removed ones left out."
    )
    totals: RoTotals


class RepairOrderIn(Schema):
    customer_id: int = Field(..., description="One of your shop's customers.")
    vehicle_id: int | None = Field(None, description="One of that customer's vehicles.")
    advisor_id: int | None = Field(None, description="A member of the shop; defaults to you.")
    status: RoStatusChoice = "estimate"
    etr: datetime | None = Field(
        None,
        description="ISO 8601; without an offset it is read in the shop's time zone.",
        examples=["2026-11-24T16:30:00-08:00"],
    )
    odometer_in: int | None = Field(None, ge=0)
    notes: str = ""


class RepairOrderPatch(Schema):
    """Only the fields sent change; send null to clear the vehicle, advisor, ETR or odometer."""

    vehicle_id: int | None = None
    advisor_id: int | None = None
    status: RoStatusChoice | None = None
    etr: datetime | None = Field(None, examples=["2026-11-24T16:30:00-08:00"])
    odometer_in: int | None = Field(None, ge=0)
    notes: str | None = Field(None, examples=["Customer waiting."])


class RepairOrderSearch(Schema):
    q: str = Field("", description="RO number, customer name or VIN.")


def repair_order_out(ro: RepairOrder) -> dict:
    """The RO with each live operation's current status and the totals, priced by pricing.py."""
    operations = list(ro.operations.all())
    decisions = latest_decisions(operation_ids=[op.pk for op in operations])
    tax_rate = ro.shop.tax_rate
    statuses = {op.pk: status_of(decisions.get(op.pk)) for op in operations}
    return {
        "id": ro.pk,
        "number": ro.number,
        "label": ro.label,
        "status": ro.status,
        "customer": ro.customer,
        "vehicle": ro.vehicle,
        "advisor": ro.advisor,
        "etr": ro.etr,
        "odometer_in": ro.odometer_in,
        "notes": ro.notes,
        "created_at": ro.created_at,
        "updated_at": ro.updated_at,
        "tax_rate": str(tax_rate),
        "operations": [operation_out(op, decisions.get(op.pk)) for op in operations],
        "totals": estimate_totals(operations, statuses=statuses, tax_rate=tax_rate).as_dict(),
    }


def repair_order_detail(request: HttpRequest, ro_id: int) -> dict:
    return repair_order_out(selectors.repair_order_get(actor=request.actor, ro_id=ro_id))


@router.get(
    "/repair-orders", response=list[RepairOrderSummary], summary="List or search repair orders"
)
@paginate(LimitOffsetPagination, max_limit=200)
def repair_order_list(request: HttpRequest, filters: Query[RepairOrderSearch]):
    return selectors.repair_order_search(actor=request.actor, query=filters.q)


@router.post(
    "/repair-orders",
    response={201: RepairOrderOut, **WRITE_ERRORS},
    summary="Create a repair order",
)
@idempotent
def repair_order_create(request: HttpRequest, payload: RepairOrderIn):
    data = payload.dict(exclude={"customer_id"}, exclude_unset=True)
    ro = services.repair_order_create(
        actor=request.actor, customer_id=payload.customer_id, data=data
    )
    return Status(201, repair_order_detail(request, ro.pk))


@router.get(
    "/repair-orders/{ro_id}",
    response={200: RepairOrderOut, **READ_ERRORS},
    summary="One repair order: operations with approval status, totals, ETR",
)
def repair_order_get(request: HttpRequest, ro_id: int):
    return Status(200, repair_order_detail(request, ro_id))


@router.patch(
    "/repair-orders/{ro_id}",
    response={200: RepairOrderOut, **WRITE_ERRORS},
    summary="Edit a repair order",
)
@idempotent
def repair_order_update(request: HttpRequest, ro_id: int, payload: RepairOrderPatch):
    services.repair_order_update(
        actor=request.actor, ro_id=ro_id, data=payload.dict(exclude_unset=True)
    )
    return Status(200, repair_order_detail(request, ro_id))
