"""API routes for operations (line items) on a repair order: add, edit, reorder, remove."""

from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router
from ninja.responses import Status

from signoff.api.idempotency import idempotent
from signoff.api.repair_orders import RepairOrderOut, repair_order_detail
from signoff.api.schemas import Id, OperationOut, Schema
from signoff.approvals.selectors import OperationRow, status_row
from signoff.core.validation import max_length_of
from signoff.orders import selectors, services
from signoff.orders.models import MAX_LINE_NUMBER, Operation, OperationLine

router = Router(tags=["operations"])

OperationKindChoice = Literal["estimate", "recommendation"]
TITLE_MAX = max_length_of(Operation, "title")
TEXT_MAX = max_length_of(Operation, "complaint")


class LineIn(Schema):
    kind: Literal["labor", "part", "fee"]
    description: str = Field(
        "", max_length=max_length_of(OperationLine, "description"), examples=["Replace front pads"]
    )
    part_number: str = Field("", max_length=max_length_of(OperationLine, "part_number"))
    # Not negative either; that is the service's check, whose message says so.
    quantity: Decimal = Field(
        Decimal("1"),
        ge=-MAX_LINE_NUMBER,
        le=MAX_LINE_NUMBER,
        description=(
            "Hours for labor, quantity for parts, 1 for fees: 0 or more, at most two decimals."
        ),
        examples=["1.5"],
    )
    unit_price: Decimal = Field(
        Decimal("0"),
        ge=-MAX_LINE_NUMBER,
        le=MAX_LINE_NUMBER,
        description=(
            "Labor rate, unit price, or fee amount (a negative fee is a discount). "
            "At most two decimals."
        ),
        examples=["150.00"],
    )
    taxable: bool = True


class OperationIn(Schema):
    kind: OperationKindChoice = Field(
        "estimate", description="Estimate work, or a recommendation for later."
    )
    title: str = Field(..., max_length=TITLE_MAX, examples=["Replace front brake pads"])
    complaint: str = Field("", max_length=TEXT_MAX)
    cause: str = Field("", max_length=TEXT_MAX)
    correction: str = Field("", max_length=TEXT_MAX)
    lines: list[LineIn] = Field(
        default_factory=list, max_length=services.MAX_LINES, description="Labor, parts and fees."
    )


class OperationPatch(Schema):
    """Only the fields sent change; `lines`, when sent, replaces all lines. A change to what the
    customer decides on returns the operation to pending (re-authorization)."""

    kind: OperationKindChoice | None = None
    title: str | None = Field(
        None, max_length=TITLE_MAX, examples=["Replace front brake pads and rotors"]
    )
    complaint: str | None = Field(None, max_length=TEXT_MAX)
    cause: str | None = Field(None, max_length=TEXT_MAX)
    correction: str | None = Field(None, max_length=TEXT_MAX)
    lines: list[LineIn] | None = Field(None, max_length=services.MAX_LINES)


class ReorderIn(Schema):
    operation_ids: list[Id] = Field(
        ..., description="Every live operation of the repair order, once, in the new order."
    )


def _operation_detail(request: HttpRequest, operation_id: int) -> OperationRow:
    operation = selectors.operation_get(actor=request.actor, operation_id=operation_id)
    return status_row(operation=operation)


@router.post(
    "/repair-orders/{ro_id}/operations",
    response={201: OperationOut},
    summary="Add an operation (estimate work or recommendation)",
)
@idempotent
def operation_add(request: HttpRequest, ro_id: Id, payload: OperationIn):
    operation = services.operation_add(actor=request.actor, ro_id=ro_id, data=payload.dict())
    return Status(201, _operation_detail(request, operation.pk))


@router.post(
    "/repair-orders/{ro_id}/operations/reorder",
    response={200: RepairOrderOut},
    summary="Put the operations in a new order",
)
@idempotent
def operation_reorder(request: HttpRequest, ro_id: Id, payload: ReorderIn):
    services.operation_reorder(
        actor=request.actor, ro_id=ro_id, operation_ids=payload.operation_ids
    )
    return Status(200, repair_order_detail(request, ro_id))


@router.get(
    "/operations/{operation_id}",
    response={200: OperationOut},
    summary="One operation with its lines and current approval status",
)
def operation_get(request: HttpRequest, operation_id: Id):
    return Status(200, _operation_detail(request, operation_id))


@router.patch(
    "/operations/{operation_id}",
    response={200: OperationOut},
    summary="Edit an operation",
)
@idempotent
def operation_update(request: HttpRequest, operation_id: Id, payload: OperationPatch):
    services.operation_update(
        actor=request.actor, operation_id=operation_id, data=payload.dict(exclude_unset=True)
    )
    return Status(200, _operation_detail(request, operation_id))


@router.delete(
    "/operations/{operation_id}",
    response={204: None},
    summary="Remove an operation (its decisions stay as evidence)",
)
@idempotent
def operation_remove(request: HttpRequest, operation_id: Id):
    services.operation_remove(actor=request.actor, operation_id=operation_id)
    return Status(204, None)
