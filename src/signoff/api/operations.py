"""API routes for operations (line items) on a repair order: add, edit, reorder, remove."""

from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from signoff.api.idempotency import idempotent
from signoff.api.repair_orders import RepairOrderOut, repair_order_detail
from signoff.api.schemas import READ_ERRORS, WRITE_ERRORS, OperationOut
from signoff.approvals.selectors import OperationRow, status_row
from signoff.orders import selectors, services

router = Router(tags=["operations"])

OperationKindChoice = Literal["estimate", "recommendation"]


class LineIn(Schema):
    kind: Literal["labor", "part", "fee"]
    description: str = Field("", max_length=200, examples=["Replace front pads"])
    part_number: str = Field("", max_length=40)
    quantity: Decimal = Field(
        Decimal("1"),
        description="Hours for labor, quantity for parts, 1 for fees.",
        examples=["1.5"],
    )
    unit_price: Decimal = Field(
        Decimal("0"),
        description="Labor rate, unit price, or fee amount (a negative fee is a discount).",
        examples=["150.00"],
    )
    taxable: bool = True


class OperationIn(Schema):
    kind: OperationKindChoice = Field(
        "estimate", description="Estimate work, or a recommendation for later."
    )
    title: str = Field(..., max_length=200, examples=["Replace front brake pads"])
    complaint: str = ""
    cause: str = ""
    correction: str = ""
    lines: list[LineIn] = Field(default_factory=list, description="Labor, parts and fees.")


class OperationPatch(Schema):
    """Only the fields sent change; `lines`, when sent, replaces all lines. A change to what the
    customer decides on returns the operation to pending (re-authorization)."""

    kind: OperationKindChoice | None = None
    title: str | None = Field(
        None, max_length=200, examples=["Replace front brake pads and rotors"]
    )
    complaint: str | None = None
    cause: str | None = None
    correction: str | None = None
    lines: list[LineIn] | None = None


class ReorderIn(Schema):
    operation_ids: list[int] = Field(
        ..., description="Every live operation of the repair order, once, in the new order."
    )


def _operation_detail(request: HttpRequest, operation_id: int) -> OperationRow:
    operation = selectors.operation_get(actor=request.actor, operation_id=operation_id)
    return status_row(operation=operation)


@router.post(
    "/repair-orders/{ro_id}/operations",
    response={201: OperationOut, **WRITE_ERRORS},
    summary="Add an operation (estimate work or recommendation)",
)
@idempotent
def operation_add(request: HttpRequest, ro_id: int, payload: OperationIn):
    operation = services.operation_add(actor=request.actor, ro_id=ro_id, data=payload.dict())
    return Status(201, _operation_detail(request, operation.pk))


@router.post(
    "/repair-orders/{ro_id}/operations/reorder",
    response={200: RepairOrderOut, **WRITE_ERRORS},
    summary="Put the operations in a new order",
)
@idempotent
def operation_reorder(request: HttpRequest, ro_id: int, payload: ReorderIn):
    services.operation_reorder(
        actor=request.actor, ro_id=ro_id, operation_ids=payload.operation_ids
    )
    return Status(200, repair_order_detail(request, ro_id))


@router.get(
    "/operations/{operation_id}",
    response={200: OperationOut, **READ_ERRORS},
    summary="One operation with its lines and current approval status",
)
def operation_get(request: HttpRequest, operation_id: int):
    return Status(200, _operation_detail(request, operation_id))


@router.patch(
    "/operations/{operation_id}",
    response={200: OperationOut, **WRITE_ERRORS},
    summary="Edit an operation",
)
@idempotent
def operation_update(request: HttpRequest, operation_id: int, payload: OperationPatch):
    services.operation_update(
        actor=request.actor, operation_id=operation_id, data=payload.dict(exclude_unset=True)
    )
    return Status(200, _operation_detail(request, operation_id))


@router.delete(
    "/operations/{operation_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove an operation (its decisions stay as evidence)",
)
@idempotent
def operation_remove(request: HttpRequest, operation_id: int):
    services.operation_remove(actor=request.actor, operation_id=operation_id)
    return Status(204, None)
