"""API routes for approvals: an operation's decisions (its history, and recording one on the
customer's behalf), the shop's approval reasons, and the evidence check of a repair order.
They call the same services and selectors as the staff pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router
from ninja.responses import Status

from signoff.api.idempotency import idempotent
from signoff.api.schemas import Id, Schema, UserBrief
from signoff.approvals import selectors, services
from signoff.approvals.amounts import approval_warning
from signoff.approvals.chain import VerifyResult, verify_repair_order
from signoff.approvals.models import Decision
from signoff.core.validation import PHONE_INPUT_MAX_LENGTH, max_length_of
from signoff.orders.models import Operation
from signoff.orders.selectors import operation_get, repair_order_get
from signoff.sharing import selectors as sharing_selectors

router = Router(tags=["approvals"])

StatusName = Literal["pending", "approved", "deferred", "declined"]


class DecisionIn(Schema):
    status: Literal["approved", "deferred", "declined"] = Field(
        ..., description="The customer's decision. Pending cannot be chosen."
    )
    reason: Id = Field(
        ...,
        description="Id of one of the shop's active approval reasons (`GET /approval-reasons`).",
        examples=[3],
    )
    comment: str = Field(
        "", max_length=max_length_of(Decision, "comment"), description="Additional comments."
    )
    contact: Id | None = Field(
        None,
        description=(
            "The customer's contact who gave the decision. Required when the reason's kind is "
            "`phone` or `verbal` (oral consent must name the person)."
        ),
    )
    phone_number: str = Field(
        "",
        max_length=PHONE_INPUT_MAX_LENGTH,
        description="The number called. Required when the reason's kind is `phone`; any format.",
        examples=["(503) 555-0142"],
    )


class DecisionOut(Schema):
    # Read from a Decision.
    id: int
    operation_id: int
    repair_order_id: int
    sequence: int = Field(..., description="Position in the repair order's evidence chain.")
    status: StatusName
    source: Literal["on_behalf", "link", "in_person", "system"]
    recorded_by: UserBrief | None = Field(None, description="The staff user who recorded it.")
    contact_id: int | None
    contact_name: str = Field(..., description="The approving contact's name as shown then.")
    contact_relationship: str
    reason_id: int | None
    reason: str = Field(..., description="The reason's label when the decision was made.")
    comment: str
    phone_number: str = Field(..., description="The number called (E.164), for phone consent.")
    work_description: str = Field(..., description="The work decided on: title and correction.")
    amount: str | None = Field(
        None, description="The operation's amount before tax when decided.", examples=["314.99"]
    )
    version: int | None = Field(
        None, description="Number of the shared estimate version it was made against, if any."
    )
    signature_id: int | None
    created_at: datetime
    prev_hash: str
    content_hash: str = Field(..., description="SHA-256 of the record's canonical content.")

    @staticmethod
    def resolve_reason(decision: Decision) -> str:
        return decision.reason_label

    @staticmethod
    def resolve_amount(decision: Decision) -> str | None:
        return None if decision.amount is None else str(decision.amount)

    @staticmethod
    def resolve_version(decision: Decision) -> int | None:
        return decision.version.number if decision.version_id else None


class DecisionCreatedOut(DecisionOut):
    # Read from the Decision just recorded, with the `warnings` the route gave it.
    warnings: list[str] = Field(
        default_factory=list,
        description="E.g. the approved total now exceeds the shop's over-estimate limit.",
    )


class DecisionHistoryItem(DecisionOut):
    shared: Literal["shared", "customer", "replaced", "not_yet"] = Field(
        ...,
        description=(
            "Whether the decision reached the customer: `shared` (an estimate shared after it "
            "shows it, see `shared_version` and `shared_at`), `customer` (the customer gave it "
            "on their link or in person), `replaced` (a later decision came before any share) "
            "or `not_yet`."
        ),
    )
    shared_version: int | None = Field(
        None, description="Number of the shared version that showed it to the customer."
    )
    shared_at: datetime | None = Field(None, description="When that version was shared.")

    # Read from a Decision of sharing.selectors.operation_history (with its `.sharing`).
    @staticmethod
    def resolve_shared(decision: Decision) -> str:
        return decision.sharing.state

    @staticmethod
    def resolve_shared_version(decision: Decision) -> int | None:
        sharing = decision.sharing
        return sharing.version if sharing.state == "shared" else None

    @staticmethod
    def resolve_shared_at(decision: Decision) -> datetime | None:
        return decision.sharing.at


class DecisionHistoryOut(Schema):
    # Read from a DecisionHistory.
    operation_id: int
    status: StatusName = Field(..., description="The current status: the latest decision's.")
    decisions: list[DecisionHistoryItem] = Field(..., description="Newest first.")

    @staticmethod
    def resolve_operation_id(history: DecisionHistory) -> int:
        return history.operation.pk

    @staticmethod
    def resolve_status(history: DecisionHistory) -> str:
        return selectors.status_of(history.decisions[0] if history.decisions else None)


class ReasonOut(Schema):
    id: int
    label: str
    kind: Literal["phone", "verbal", "written", "other"]
    position: int
    active: bool


class VerifyOut(Schema):
    # Read from a chain.VerifyResult.
    repair_order_id: int
    ok: bool
    result: Literal["intact", "broken"]
    checked: int = Field(..., description="Decisions, signatures and versions checked.")
    problems: list[str] = Field(..., description="The first broken record first.")
    head_hash: str = Field(..., description="Content hash of the chain's newest record.")
    summary: str


@dataclass(frozen=True)
class DecisionHistory:
    operation: Operation
    decisions: list[Decision]  # newest first, each with its `.sharing`


@router.get(
    "/operations/{operation_id}/decisions",
    response={200: DecisionHistoryOut},
    summary="An operation's decision history, newest first",
)
def decision_list(request: HttpRequest, operation_id: Id) -> DecisionHistory:
    operation = selectors.operation_for_history(actor=request.actor, operation_id=operation_id)
    return DecisionHistory(
        operation=operation, decisions=sharing_selectors.operation_history(operation=operation)
    )


@router.post(
    "/operations/{operation_id}/decisions",
    response={201: DecisionCreatedOut},
    summary="Record a decision on the customer's behalf",
    description=(
        "Approve, defer or decline an operation for the customer, with the reason they gave it "
        "(required). Phone and verbal reasons also need `contact`; phone reasons need "
        "`phone_number`. Technicians' tokens are refused (403)."
    ),
)
@idempotent
def decision_create(request: HttpRequest, operation_id: Id, payload: DecisionIn):
    operation = operation_get(actor=request.actor, operation_id=operation_id)
    warning = approval_warning(operation=operation, status=payload.status, shop=request.actor.shop)
    decision = services.decision_record(
        actor=request.actor,
        operation_id=operation.pk,
        status=payload.status,
        reason_id=payload.reason,
        comment=payload.comment,
        contact_id=payload.contact,
        phone_number=payload.phone_number,
    )
    decision.warnings = [warning] if warning else []  # read by DecisionCreatedOut
    return Status(201, decision)


@router.get(
    "/approval-reasons",
    response={200: list[ReasonOut]},
    summary="The shop's reasons for deciding on the customer's behalf",
)
def reason_list(request: HttpRequest, include_retired: bool = False):
    shop = request.actor.shop
    if include_retired:
        return list(selectors.reasons_all(shop=shop))
    return list(selectors.reasons_active(shop=shop))


@router.get(
    "/repair-orders/{ro_id}/verify",
    response={200: VerifyOut},
    summary="Check the repair order's decision chain and signature bindings",
    description=(
        "Recomputes every decision's and signature's hash and link, and every version's hash. "
        '`result` is "intact", or "broken" with `problems` naming the first record that does '
        "not match."
    ),
)
def repair_order_verify(request: HttpRequest, ro_id: Id) -> VerifyResult:
    ro = repair_order_get(actor=request.actor, ro_id=ro_id)
    return verify_repair_order(repair_order=ro)
