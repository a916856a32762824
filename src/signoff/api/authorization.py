"""API route for an RO's authorization summary: who authorized what, how, when, with signatures."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router
from ninja.responses import Status

from signoff.api.schemas import Id, Schema
from signoff.approvals.authorization import AuthorizationEntry, authorization_summary
from signoff.orders.selectors import repair_order_get

router = Router(tags=["authorization"])


class AnsweredOut(Schema):
    operation: str
    status: str


class AuthorizationOut(Schema):
    kind: str = Field(
        ..., description="`estimate`, `recommendation` or `not_to_exceed` (left at drop-off)."
    )
    signer: str = Field(..., description="Who authorized (name as shown); empty if not recorded.")
    relationship: str
    when: datetime
    how: str = Field(
        ..., examples=["Customer share link", "On behalf of the customer — Phone call"]
    )
    source: str = Field(..., description="`link`, `in_person` or `on_behalf`.")
    reason: str = Field(..., description="On-behalf approvals: the reason chosen by staff.")
    comment: str
    recorded_by: str = Field(..., description="The staff member who recorded it, if any.")
    via: str = Field(..., description="Whose link it came through, when not the signer's own.")
    version: int | None = Field(..., description="The estimate version number authorized.")
    version_hash: str
    amount: str | None = Field(
        ...,
        description="The amount authorized BEFORE TAX, stated the same way for every source: "
        "the subtotals of the operations approved (or the not-to-exceed amount); null when "
        "nothing was approved.",
    )
    signed_total: str | None = Field(
        ...,
        description="Link and in-person estimate or recommendation signatures: the total the "
        "signer saw and signed for, WITH TAX, as their consent statement says; null otherwise.",
    )
    signature_id: int | None
    signature_url: str | None = Field(
        ...,
        description="Staff URL of the signature image (PNG); needs a staff session. null for "
        "a typed signature and on the customer's behalf.",
    )
    operations: list[str]
    decisions: list[AnsweredOut]
    ip: str
    typed_name: str = Field(
        ..., description="A signature given as a typed name (no drawing asked for); else empty."
    )
    signature_policy: str = Field(
        ...,
        description="The shop's signature policy when signed (`never`, `first`, `always`); "
        "empty for approvals on the customer's behalf and older signatures.",
    )
    drawing_required: bool | None = Field(
        ..., description="Whether the policy asked for a drawing; null on the customer's behalf."
    )
    consent_text: str = Field(
        ...,
        description=(
            "The consent statement shown to the signer and agreed to, exactly as stored with "
            "the signature (in the language they read); empty for approvals on their behalf."
        ),
    )

    @staticmethod
    def resolve_amount(entry: AuthorizationEntry) -> str | None:
        return None if entry.amount is None else f"{entry.amount:.2f}"

    @staticmethod
    def resolve_signed_total(entry: AuthorizationEntry) -> str | None:
        return None if entry.signed_total is None else f"{entry.signed_total:.2f}"

    @staticmethod
    def resolve_signature_url(entry: AuthorizationEntry) -> str | None:
        if not entry.signature_id or not entry.signature_png:
            return None  # a typed signature has no image
        return reverse("web:signature_png", args=[entry.repair_order_id, entry.signature_id])


@router.get(
    "/repair-orders/{ro_id}/authorization-summary",
    response={200: list[AuthorizationOut]},
    summary="Who authorized what on the RO, how and when, with signature references",
)
def authorization_summary_get(request: HttpRequest, ro_id: Id):
    ro = repair_order_get(actor=request.actor, ro_id=ro_id)
    return Status(200, authorization_summary(repair_order=ro))
