"""Schemas shared by several API routers: the error shape, money totals, operations and lines.

Money is always a string with two decimals ("123.45") so no client turns it into a float.
"""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from signoff.approvals.selectors import status_of
from signoff.core.formatting import staff_name
from signoff.orders.pricing import operation_content

Money = str


class ErrorBody(Schema):
    code: str = Field(..., examples=["invalid"])
    message: str = Field(..., examples=["Please correct the fields below; nothing was saved."])
    fields: dict[str, str] = Field(
        default_factory=dict,
        description="A message per invalid field; nested fields are dotted (`lines.0.quantity`).",
        examples=[{"name": "Enter the customer's name (a person or a company)."}],
    )


class ErrorOut(Schema):
    error: ErrorBody


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """Documents which error statuses a route can answer (all with the same shape)."""
    return dict.fromkeys(codes, ErrorOut)


WRITE_ERRORS = errors(401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 404)


class TotalsOut(Schema):
    labor: Money = Field(..., examples=["225.00"])
    parts: Money = Field(..., examples=["89.99"])
    fees: Money = Field(..., examples=["0.00"])
    subtotal: Money = Field(..., examples=["314.99"])
    tax: Money = Field(..., examples=["25.99"])
    total: Money = Field(..., examples=["340.98"])


class LineOut(Schema):
    id: int
    kind: Literal["labor", "part", "fee"]
    part_number: str
    description: str
    quantity: Money = Field(..., description="Hours for labor, quantity for parts, 1 for fees.")
    unit_price: Money = Field(..., description="Rate, unit price, or fee amount.")
    amount: Money = Field(..., description="quantity × unit price, rounded half-up to the cent.")
    taxable: bool


class DecisionBrief(Schema):
    """The latest decision on an operation: what its current approval status rests on."""

    id: int
    status: Literal["pending", "approved", "deferred", "declined"]
    source: str = Field(..., examples=["on_behalf"])
    contact_name: str
    contact_relationship: str
    recorded_by: str | None = Field(None, description="The staff user who recorded it.")
    reason: str = Field(
        "", description="The reason chosen when staff decided on the customer's behalf."
    )
    comment: str
    version: int | None = Field(None, description="Number of the estimate version decided on.")
    created_at: datetime


class OperationOut(Schema):
    id: int
    repair_order_id: int
    position: int
    kind: Literal["estimate", "recommendation"]
    title: str
    complaint: str
    cause: str
    correction: str
    revision: int = Field(..., description="Bumped on every change to what a customer decides on.")
    status: Literal["pending", "approved", "deferred", "declined"] = Field(
        ..., description="The current approval status: the latest decision's, else pending."
    )
    decision: DecisionBrief | None
    lines: list[LineOut]
    labor: Money
    parts: Money
    fees: Money
    subtotal: Money = Field(..., description="The operation's amount before tax.")


def _user_name(user) -> str | None:
    return None if user is None else staff_name(user)


def decision_brief(decision) -> dict | None:
    if decision is None:
        return None
    return {
        "id": decision.pk,
        "status": decision.status,
        "source": decision.source,
        "contact_name": decision.contact_name,
        "contact_relationship": decision.contact_relationship,
        "recorded_by": _user_name(decision.recorded_by),
        "reason": decision.reason_label,
        "comment": decision.comment,
        "version": decision.version.number if decision.version_id else None,
        "created_at": decision.created_at,
    }


def operation_out(operation, decision) -> dict:
    """An operation as the API shows it; `decision` is its latest Decision or None."""
    content = operation_content(operation)
    for line, row in zip(operation.lines.all(), content["lines"], strict=True):
        row["id"] = line.pk
    return {
        "id": operation.pk,
        "repair_order_id": operation.repair_order_id,
        **content,
        "status": status_of(decision),
        "decision": decision_brief(decision),
    }


class UserBrief(Schema):
    """A staff user, by name."""

    id: int
    name: str

    @staticmethod
    def resolve_name(user) -> str:
        return _user_name(user)
