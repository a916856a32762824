"""API routes for approvals: an operation's decisions (its history, and recording one on the
customer's behalf), the shop's approval reasons, and the evidence check of a repair order.
They call the same services and selectors as the staff pages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from signoff.api.idempotency import idempotent
from signoff.api.schemas import READ_ERRORS, WRITE_ERRORS, UserBrief
from signoff.approvals import selectors, services
from signoff.approvals.chain import verify_repair_order
from signoff.approvals.models import Decision
from signoff.orders.selectors import operation_get, repair_order_get
from signoff.sharing import selectors as sharing_selectors

router = Router(tags=["approvals"])

StatusName = Literal["pending", "approved", "deferred", "declined"]


class DecisionIn(Schema):
    status: Literal["approved", "deferred", "declined"] = Field(
        ..., description="The customer's decision. Pending cannot be chosen."
    )
    reason: int = Field(
        ...,
        description="Id of one of the shop's active approval reasons (`GET /approval-reasons`).",
        examples=[3],
    )
    comment: str = Field("", description="Additional comments (at most 2,000 characters).")
    contact: int | None = Field(
        None,
        description=(
            "The customer's contact who gave the decision. Required when the reason's kind is "
            "`phone` or `verbal` (oral consent must name the person)."
        ),
    )
    phone_number: str = Field(
        "",
        description="The number called. Required when the reason's kind is `phone`; any format.",
        examples=["(503) 555-0142"],
    )


class DecisionOut(Schema):
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


class DecisionCreatedOut(DecisionOut):
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


class DecisionHistoryOut(Schema):
    operation_id: int
    status: StatusName = Field(..., description="The current status: the latest decision's.")
    decisions: list[DecisionHistoryItem] = Field(..., description="Newest first.")


class ReasonOut(Schema):
    id: int
    label: str
    kind: Literal["phone", "verbal", "written", "other"]
    position: int
    active: bool


class VerifyOut(Schema):
    repair_order_id: int
    ok: bool
    result: Literal["intact", "broken"]
    checked: int = Field(..., description="Decisions, signatures and versions checked.")
    problems: list[str] = Field(..., description="The first broken record first.")
    head_hash: str = Field(..., description="Content hash of the chain's newest record.")
    summary: str


def decision_out(decision: Decision) -> dict:
    return {
        "id": decision.pk,
        "operation_id": decision.operation_id,
        "repair_order_id": decision.repair_order_id,
        "sequence": decision.sequence,
        "status": decision.status,
        "source": decision.source,
        "recorded_by": decision.recorded_by,
        "contact_id": decision.contact_id,
        "contact_name": decision.contact_name,
        "contact_relationship": decision.contact_relationship,
        "reason_id": decision.reason_id,
        "reason": decision.reason_label,
        "comment": decision.comment,
        "phone_number": decision.phone_number,
        "work_description": decision.work_description,
        "amount": str(decision.amount) if decision.amount is not None else None,
        "version": decision.version.number if decision.version_id else None,
        "signature_id": decision.signature_id,
        "created_at": decision.created_at,
        "prev_hash": decision.prev_hash,
        "content_hash": decision.content_hash,
    }


def _history_item(decision: Decision) -> dict:
    sharing = decision.sharing
    shared_version = sharing.version if sharing.state == "shared" else None
    return {
        **decision_out(decision),
        "shared": sharing.state,
        "shared_version": shared_version,
        "shared_at": sharing.at,
    }


@router.get(
    "/operations/{operation_id}/decisions",
    response={200: DecisionHistoryOut, **READ_ERRORS},
    summary="An operation's decision history, newest first",
)
def decision_list(request: HttpRequest, operation_id: int):
    operation = selectors.operation_for_history(actor=request.actor, operation_id=operation_id)
    decisions = sharing_selectors.operation_history(operation=operation)
    return {
        "operation_id": operation.pk,
        "status": selectors.status_of(decisions[0] if decisions else None),
        "decisions": [_history_item(d) for d in decisions],
    }


@router.post(
    "/operations/{operation_id}/decisions",
    response={201: DecisionCreatedOut, **WRITE_ERRORS},
    summary="Record a decision on the customer's behalf",
    description=(
        "Approve, defer or decline an operation for the customer, with the reason they gave it "
        "(required). Phone and verbal reasons also need `contact`; phone reasons need "
        "`phone_number`. Technicians' tokens are refused (403)."
    ),
)
@idempotent
def decision_create(request: HttpRequest, operation_id: int, payload: DecisionIn):
    operation = operation_get(actor=request.actor, operation_id=operation_id)
    warning = selectors.over_limit_warning(
        operation=operation, status=payload.status, shop=request.actor.shop
    )
    decision = services.decision_record(
        actor=request.actor,
        operation_id=operation.pk,
        status=payload.status,
        reason_id=payload.reason,
        comment=payload.comment,
        contact_id=payload.contact,
        phone_number=payload.phone_number,
    )
    return Status(201, {**decision_out(decision), "warnings": [warning] if warning else []})


@router.get(
    "/approval-reasons",
    response={200: list[ReasonOut], **READ_ERRORS},
    summary="The shop's reasons for deciding on the customer's behalf",
)
def reason_list(request: HttpRequest, include_retired: bool = False):
    shop = request.actor.shop
    if include_retired:
        return list(selectors.reasons_all(shop=shop))
    return list(selectors.reasons_active(shop=shop))


@router.get(
    "/repair-orders/{ro_id}/verify",
    response={200: VerifyOut, **READ_ERRORS},
    summary="Check the repair order's decision chain and signature bindings",
    description=(
        "Recomputes every decision's and signature's hash and link, and every version's hash. "
        '`result` is "intact", or "broken" with `problems` naming the first record that does '
        "not match."
    ),
)
def repair_order_verify(request: HttpRequest, ro_id: int):
    ro = repair_order_get(actor=request.actor, ro_id=ro_id)
    return {"repair_order_id": ro.pk, **verify_repair_order(repair_order=ro).as_dict()}
