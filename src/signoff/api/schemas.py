"""Schemas shared by several API routers: the error shape, money totals, operations and lines.

Money is always a string with two decimals ("123.45") so no client turns it into a float.
"""

from datetime import datetime
from typing import Annotated, Literal

import ninja
from ninja import Field
from pydantic import ConfigDict

from signoff.approvals.models import Decision
from signoff.approvals.selectors import OperationRow
from signoff.core.formatting import staff_name
from signoff.core.validation import MAX_ID
from signoff.orders.models import OperationLine
from signoff.orders.pricing import Totals, line_amount

Money = str


class Schema(ninja.Schema):
    """ninja's Schema, for every schema of the API. An answer always carries every field of its
    schema, so each is documented as required, defaults or not (a default only fills a field a
    request leaves out); a field that can be null says so with `| None`."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


# Every id a client sends, in a path or a body: a row's id is within the database's integer
# range, and a number outside it is refused (422, naming the field) before a query is made.
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="An id (1 to 2^63 - 1).")]


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
    """Error statuses only one route answers, for its `response`; the statuses every route of
    a kind answers are added by `api.responses.document_errors`."""
    return dict.fromkeys(codes, ErrorOut)


class TotalsOut(Schema):
    # Read from a pricing.Totals.
    labor: Money = Field(..., examples=["225.00"])
    parts: Money = Field(..., examples=["89.99"])
    fees: Money = Field(..., examples=["0.00"])
    subtotal: Money = Field(..., examples=["314.99"])
    tax: Money = Field(..., examples=["25.99"])
    total: Money = Field(..., examples=["340.98"])

    @staticmethod
    def resolve_labor(totals: Totals) -> str:
        return str(totals.labor)

    @staticmethod
    def resolve_parts(totals: Totals) -> str:
        return str(totals.parts)

    @staticmethod
    def resolve_fees(totals: Totals) -> str:
        return str(totals.fees)

    @staticmethod
    def resolve_subtotal(totals: Totals) -> str:
        return str(totals.subtotal)

    @staticmethod
    def resolve_tax(totals: Totals) -> str:
        return str(totals.tax)

    @staticmethod
    def resolve_total(totals: Totals) -> str:
        return str(totals.total)


class LineOut(Schema):
    # Read from an OperationLine.
    id: int
    kind: Literal["labor", "part", "fee"]
    part_number: str
    description: str
    quantity: Money = Field(..., description="Hours for labor, quantity for parts, 1 for fees.")
    unit_price: Money = Field(..., description="Rate, unit price, or fee amount.")
    amount: Money = Field(..., description="quantity × unit price, rounded half-up to the cent.")
    taxable: bool

    @staticmethod
    def resolve_quantity(line: OperationLine) -> str:
        return str(line.quantity)

    @staticmethod
    def resolve_unit_price(line: OperationLine) -> str:
        return str(line.unit_price)

    @staticmethod
    def resolve_amount(line: OperationLine) -> str:
        return str(line_amount(line.quantity, line.unit_price))


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

    @staticmethod
    def resolve_recorded_by(decision: Decision) -> str | None:
        return _user_name(decision.recorded_by)

    @staticmethod
    def resolve_reason(decision: Decision) -> str:
        return decision.reason_label

    @staticmethod
    def resolve_version(decision: Decision) -> int | None:
        return decision.version.number if decision.version_id else None


class OperationOut(Schema):
    # Read from an OperationRow (approvals.selectors): the operation and its latest decision.
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

    @staticmethod
    def resolve_id(row: OperationRow) -> int:
        return row.op.pk

    @staticmethod
    def resolve_repair_order_id(row: OperationRow) -> int:
        return row.op.repair_order_id

    @staticmethod
    def resolve_position(row: OperationRow) -> int:
        return row.op.position

    @staticmethod
    def resolve_kind(row: OperationRow) -> str:
        return row.op.kind

    @staticmethod
    def resolve_title(row: OperationRow) -> str:
        return row.op.title

    @staticmethod
    def resolve_complaint(row: OperationRow) -> str:
        return row.op.complaint

    @staticmethod
    def resolve_cause(row: OperationRow) -> str:
        return row.op.cause

    @staticmethod
    def resolve_correction(row: OperationRow) -> str:
        return row.op.correction

    @staticmethod
    def resolve_revision(row: OperationRow) -> int:
        return row.op.revision

    @staticmethod
    def resolve_lines(row: OperationRow) -> list[OperationLine]:
        return row.op.entered_lines

    @staticmethod
    def resolve_labor(row: OperationRow) -> str:
        return str(row.amounts.labor)

    @staticmethod
    def resolve_parts(row: OperationRow) -> str:
        return str(row.amounts.parts)

    @staticmethod
    def resolve_fees(row: OperationRow) -> str:
        return str(row.amounts.fees)

    @staticmethod
    def resolve_subtotal(row: OperationRow) -> str:
        return str(row.amounts.subtotal)


def _user_name(user) -> str | None:
    return None if user is None else staff_name(user)


class UserBrief(Schema):
    """A staff user, by name."""

    id: int
    name: str

    @staticmethod
    def resolve_name(user) -> str:
        return _user_name(user)
