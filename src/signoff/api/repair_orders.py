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
    Money,
    OperationOut,
    Schema,
    TotalsOut,
    UserBrief,
)
from signoff.approvals import selectors as approvals_selectors
from signoff.approvals.amounts import TAX_WORDS, NotToExceed, RoAmounts
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
    "refused here (422), unless sent unchanged. `ready` and `completed` are refused (422) while "
    "`amounts.over_limit` under an enforced rule, naming the rule and the amounts; `completed` "
    "too without the PO number the customer requires (a `po_number` sent alongside counts)."
)
NOTES_MAX = max_length_of(RepairOrder, "internal_notes")
INTERNAL_NOTES = "Staff only: never shown to the customer, in page, PDF, email or text."
CUSTOMER_NOTES = "Shown to the customer with the estimate (page and PDF) when notes are shared."
PO_MAX = max_length_of(RepairOrder, "po_number")
PO_NUMBER = (
    "The customer's purchase-order number; empty when none. A customer with `requires_po` "
    "cannot have the RO shared or completed without one (422 on completion, 409 on sharing)."
)
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


class NotToExceedOut(Schema):
    # Read from an approvals.amounts.NotToExceed.
    amount: Money = Field(..., description="Before tax.", examples=["500.00"])
    signer: str = Field(..., description="Who signed for it (name as shown).")
    signed_at: datetime
    signature_id: int

    @staticmethod
    def resolve_amount(nte: NotToExceed) -> str:
        return f"{nte.amount:.2f}"

    @staticmethod
    def resolve_signed_at(nte: NotToExceed) -> datetime:
        return nte.at


class OverEstimateRuleOut(Schema):
    key: Literal["none", "california", "michigan", "florida", "ohio", "custom"]
    name: str = Field(..., examples=["Michigan's rule ($10 or 10%, whichever is less)"])
    enforced: bool = Field(
        ..., description="A rule is chosen: past `limit`, moving to ready or completed is refused."
    )
    allowance: Money = Field(
        ..., description="How far above `authorized` the rule lets the work go, before tax."
    )
    limit: Money = Field(
        ...,
        description="The most the work may come to without a new authorization, before tax: "
        "authorized + allowance, or the not-to-exceed amount when larger.",
    )


class AmountsOut(Schema):
    # Read from an approvals.amounts.RoAmounts.
    tax: Literal["before tax"] = Field(
        ..., description="Every amount here is before tax, whatever the method of approval."
    )
    authorized: Money = Field(
        ...,
        description="Operations whose latest answer is an approval, at the amounts approved "
        "(an edit returning one to pending does not end its approval).",
    )
    current: Money = Field(
        ...,
        description="Today's subtotal of the approved operations and of the estimate "
        "operations still pending.",
    )
    difference: Money = Field(..., description="current − authorized.")
    over_limit: bool = Field(..., description="current is above the rule's `limit`.")
    rule: OverEstimateRuleOut
    not_to_exceed: NotToExceedOut | None = Field(
        ..., description="The not-to-exceed amount signed at drop-off; null when none."
    )

    @staticmethod
    def resolve_tax(amounts: RoAmounts) -> str:
        return TAX_WORDS

    @staticmethod
    def resolve_authorized(amounts: RoAmounts) -> str:
        return str(amounts.authorized)

    @staticmethod
    def resolve_current(amounts: RoAmounts) -> str:
        return str(amounts.current)

    @staticmethod
    def resolve_difference(amounts: RoAmounts) -> str:
        return str(amounts.difference)

    @staticmethod
    def resolve_over_limit(amounts: RoAmounts) -> bool:
        return amounts.over

    @staticmethod
    def resolve_rule(amounts: RoAmounts) -> dict:
        return {
            "key": amounts.rule,
            "name": amounts.rule_name,
            "enforced": amounts.enforced,
            "allowance": str(amounts.allowance),
            "limit": str(amounts.limit),
        }


class RepairOrderOut(RepairOrderSummary):
    # Read from a RepairOrderPage (approvals.selectors): the RO, its rows and its totals.
    odometer_in: int | None
    internal_notes: str = Field(..., description=INTERNAL_NOTES)
    customer_notes: str = Field(..., description=CUSTOMER_NOTES)
    notes: str = Field(..., description=OLD_NOTES, deprecated=True)
    po_number: str = Field(..., description=PO_NUMBER, examples=["PO-7731"])
    amounts: AmountsOut = Field(
        ..., description="Authorized and current amounts and the over-estimate rule."
    )
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
    def resolve_po_number(page: RepairOrderPage) -> str:
        return page.ro.po_number

    @staticmethod
    def resolve_amounts(page: RepairOrderPage) -> RoAmounts:
        return page.amounts

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
    po_number: str = Field("", max_length=PO_MAX, description=PO_NUMBER)
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
    po_number: str | None = Field(
        None, max_length=PO_MAX, description=PO_NUMBER, examples=["PO-7731"]
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
            if "po_number" in data:  # a PO number sent with the move counts for it
                po = {"po_number": data.pop("po_number")}
                services.repair_order_update(actor=request.actor, ro_id=ro_id, data=po)
            ro_status_move(actor=request.actor, ro_id=ro_id, to=status)
        services.repair_order_update(actor=request.actor, ro_id=ro_id, data=data)
    return Status(200, repair_order_detail(request, ro_id))
