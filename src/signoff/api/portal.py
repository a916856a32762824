"""API routes for the customer side: the share-link token in the path is the only credential.

The JSON twin of the customer page (`GET /portal/{token}`) and its approval form (`POST
/portal/{token}/approval`). Both call the same services as the page, and answer with the
portal's private headers (no referrer, no caching), errors included.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Field, Router
from ninja.responses import Status

from signoff.api.schemas import Id, Schema
from signoff.approvals.models import Decision, Signature
from signoff.core.errors import RateLimited, SignoffError, ValidationFailed
from signoff.core.http import client_address, private, retry_after, user_agent
from signoff.sharing.links import share_link_resolve
from signoff.signing import selectors, services
from signoff.signing.inputs import language_for
from signoff.signing.services import TYPED_NAME_MAX
from signoff.signing.signature import MAX_PNG_BYTES, PAD_HEIGHT, PAD_WIDTH

router = Router(tags=["portal"], auth=None)


class PortalContactOut(Schema):
    id: int
    name: str
    relationship: str = Field(..., examples=["Spouse"])
    is_link_contact: bool = Field(..., description="The contact this link was sent to.")
    approval_right: Literal["approve", "designated"] = Field(
        ...,
        description="`approve`, or `designated` for a designated authorizer (California BPC "
        "9884.9(d)). View-only contacts are never offered as approvers.",
    )
    approval_limit: str | None = Field(
        ...,
        description="The most this contact's approvals on this RO may add up to, before tax; "
        "null for no limit.",
    )
    approved_on_ro: str = Field(
        ..., description="What this contact's standing approvals on the RO add up to, before tax."
    )
    remaining: str | None = Field(
        ..., description="What they may still approve on the RO, before tax; null for no limit."
    )


class PortalRoutedOut(Schema):
    # Read from an approvals.rights.Routed.
    operation_id: int
    title: str
    amount: str = Field(..., description="Before tax.")
    needs_approval_from: list[int] = Field(
        ..., description="Ids of the contacts who can approve it (it is sent to them)."
    )
    needs_approval_from_names: str = Field(..., examples=["Pat Fleet (Fleet manager)"])

    @staticmethod
    def resolve_amount(item) -> str:
        return f"{item.amount:.2f}"

    @staticmethod
    def resolve_needs_approval_from(item) -> list[int]:
        return [c.pk for c in item.approvers]

    @staticmethod
    def resolve_needs_approval_from_names(item) -> str:
        return item.approver_names


class PortalDisclosureOut(Schema):
    version: int = Field(..., description="The disclosure version; accepted once per contact.")
    language: Literal["en", "es"]
    text: str = Field(..., description="Show it word for word before the contact signs.")
    sha256: str = Field(
        ...,
        description="SHA-256 of `text` (UTF-8): send it back as `esign_disclosure_sha256` so "
        "the acceptance is of the words shown.",
    )


class PortalLineOut(Schema):
    kind: Literal["labor", "part", "fee"]
    part_number: str
    description: str
    quantity: str
    unit_price: str | None = Field(..., description="null when the share hides prices.")
    amount: str | None = Field(..., description="null when the share hides prices.")


class PortalOperationOut(Schema):
    id: int
    kind: Literal["estimate", "recommendation"]
    title: str
    complaint: str
    cause: str
    correction: str
    status: Literal["pending", "approved", "deferred", "declined"]
    decidable: bool = Field(
        ..., description="The contact may answer it now (pending, and allowed by shop settings)."
    )
    change: Literal["", "new", "changed"] = Field(
        ..., description="`new` or `changed` since this contact's last approval, else empty."
    )
    subtotal: str | None = Field(..., description="null when the share hides prices.")
    lines: list[PortalLineOut]
    needs_approval_from: str = Field(
        ...,
        description="On a view-only contact's link: who can approve it (names), else empty.",
    )


class ChangeOut(Schema):
    # Read from a signing.selectors.Change.
    operation_id: int
    title: str
    what: Literal["new", "changed", "removed"]
    before: str | None
    after: str | None

    @staticmethod
    def resolve_before(change: selectors.Change) -> str | None:
        return _money(change.before)

    @staticmethod
    def resolve_after(change: selectors.Change) -> str | None:
        return _money(change.after)


class PortalVersionOut(Schema):
    id: int = Field(..., description="Send it back as `version_id` when approving.")
    number: int
    content_hash: str
    created_at: datetime


class PortalShopOut(Schema):
    name: str = Field(..., examples=["Main Street Auto"])
    phone: str = Field(..., examples=["+15035550100"])
    email: str
    address: str


class PortalRepairOrderOut(Schema):
    number: int = Field(..., examples=[1001])
    label: str = Field(..., examples=["RO 1001"])
    etr: datetime | None = Field(
        ..., description="Estimated time of repair, if the share shows it."
    )
    notes: list[str] = Field(..., description="Notes for the customer.")


class PortalCustomerOut(Schema):
    name: str


class PortalVehicleOut(Schema):
    description: str = Field(..., examples=["2019 Honda Accord"])
    vin: str
    year: int | None
    make: str
    model: str
    unit_number: str
    license_plate: str
    odometer: int | None


class PortalTotalsOut(Schema):
    labor: str = Field(..., examples=["225.00"])
    parts: str = Field(..., examples=["89.99"])
    fees: str = Field(..., examples=["0.00"])
    subtotal: str = Field(..., examples=["314.99"])
    tax: str = Field(..., examples=["25.99"])
    total: str = Field(..., examples=["340.98"])


class SignaturePadOut(Schema):
    width: int = Field(..., description="Width of the strokes' logical space.")
    height: int = Field(..., description="Height of the strokes' logical space.")
    max_png_bytes: int = Field(..., description="The largest signature PNG accepted.")


class PortalOut(Schema):
    shop: PortalShopOut
    repair_order: PortalRepairOrderOut
    customer: PortalCustomerOut
    vehicle: PortalVehicleOut | None = Field(
        ..., description="null when the share leaves the vehicle out (or the RO has none)."
    )
    version: PortalVersionOut
    operations: list[PortalOperationOut]
    totals: PortalTotalsOut | None = Field(
        ..., description="The estimate's totals; null when the share hides prices."
    )
    contacts: list[PortalContactOut] = Field(..., description="Who may be named as the approver.")
    approver_id: int | None = Field(..., description="Pre-selected approver: the link's contact.")
    recommendations_approvable: bool
    recommendation_approver_captured: bool = Field(
        ...,
        description=(
            "When true, approving a recommendation records the approver and a signature; "
            "when false, recommendation approvals are recorded without naming anyone."
        ),
    )
    changes: list[ChangeOut]
    view_only: bool = Field(
        ..., description="The link's contact may view but not decide: no answer is taken."
    )
    signature_policy: Literal["never", "first", "always"] = Field(
        ...,
        description="The shop's setting: `never` (typed name and consent), `first` (a drawing "
        "on the RO's first signature only), `always`.",
    )
    drawing_required: bool = Field(
        ...,
        description="Whether `signature` (a drawing) is required now; when false send "
        "`typed_name` instead.",
    )
    esign_disclosure: PortalDisclosureOut | None = Field(
        ...,
        description="The consumer disclosure for doing business electronically (E-SIGN Act, "
        "15 U.S.C. 7001(c)) the approver has still to accept: show it; `consent: true` then "
        "records the acceptance. null once they accepted the current text.",
    )
    language: Literal["en", "es"] = Field(
        ...,
        description="The contact's preferred language; with none, the request's "
        "Accept-Language (English when neither is Spanish).",
    )
    signature_pad: SignaturePadOut = Field(
        ...,
        description="Stroke points are in this logical space; the PNG must stay under the limit.",
    )

    # Read from a signing.selectors.ApprovalPage; `shop`, `repair_order` and `customer` are the
    # parts of its version's snapshot a contact may see.
    @staticmethod
    def resolve_shop(page: selectors.ApprovalPage) -> dict:
        return {k: page.content["shop"][k] for k in ("name", "phone", "email", "address")}

    @staticmethod
    def resolve_repair_order(page: selectors.ApprovalPage) -> dict:
        ro = page.content["repair_order"]
        return {"number": ro["number"], "label": ro["label"], "etr": page.etr, "notes": page.notes}

    @staticmethod
    def resolve_customer(page: selectors.ApprovalPage) -> dict:
        return {"name": page.content["customer"]["name"]}

    @staticmethod
    def resolve_operations(page: selectors.ApprovalPage) -> list[dict]:
        # Each operation's prices are shown or hidden by the share, which the operation
        # does not know: so they are shaped here.
        prices = page.show_prices
        return [
            {
                **{k: getattr(op, k) for k in ("id", "kind", "title", "complaint", "cause")},
                **{k: getattr(op, k) for k in ("correction", "status", "decidable", "change")},
                "needs_approval_from": op.needs_approval_from,
                "subtotal": _money(op.subtotal) if prices else None,
                "lines": [
                    {**line, **({} if prices else {"unit_price": None, "amount": None})}
                    for line in op.lines
                ],
            }
            for op in page.operations
        ]

    @staticmethod
    def resolve_totals(page: selectors.ApprovalPage) -> dict | None:
        return page.estimate_totals if page.show_prices else None

    @staticmethod
    def resolve_contacts(page: selectors.ApprovalPage) -> list[dict]:
        link_contact = page.link.contact_id if page.link else None
        out = []
        for c in page.contacts:
            authority = page.authorities.get(c.pk)
            remaining = authority.remaining if authority else None
            out.append(
                {
                    "id": c.pk,
                    "name": c.name,
                    "relationship": c.relationship_label,
                    "is_link_contact": c.pk == link_contact,
                    "approval_right": c.approval_right,
                    "approval_limit": _money(c.approval_limit),
                    "approved_on_ro": _money(authority.used if authority else 0),
                    "remaining": _money(remaining),
                }
            )
        return out

    @staticmethod
    def resolve_signature_policy(page: selectors.ApprovalPage) -> str:
        return page.shop.signature_policy

    @staticmethod
    def resolve_esign_disclosure(page: selectors.ApprovalPage):
        return page.esign

    @staticmethod
    def resolve_approver_id(page: selectors.ApprovalPage) -> int | None:
        return page.approver.pk if page.approver else None

    @staticmethod
    def resolve_recommendation_approver_captured(page: selectors.ApprovalPage) -> bool:
        return page.capture_recommendation_approver

    @staticmethod
    def resolve_signature_pad(page: selectors.ApprovalPage) -> dict:
        return {"width": PAD_WIDTH, "height": PAD_HEIGHT, "max_png_bytes": MAX_PNG_BYTES}


class AnswerIn(Schema):
    operation_id: Id
    status: Literal["approved", "declined"]


class SignatureIn(Schema):
    png: str = Field(
        ...,
        description=f"The drawn signature as a PNG: base64 or a data URL, at most {MAX_PNG_BYTES // 1024} KB.",
    )
    strokes: list[list[list[float]]] = Field(
        ...,
        description=(
            f"The strokes drawn, each a list of [x, y] points in a {PAD_WIDTH} × {PAD_HEIGHT} "
            "space. The stored SVG is rebuilt from these points."
        ),
        examples=[[[[20, 120], [80, 60], [140, 130]]]],
    )


class ApprovalIn(Schema):
    version_id: Id = Field(..., description="The version shown (`version.id` from the GET).")
    decisions: list[AnswerIn] = Field(..., description="At least one answer.")
    contact_id: Id | None = Field(
        None, description="Who is approving (one of `contacts`); defaults to the link's contact."
    )
    signature: SignatureIn | None = Field(
        None,
        description="The drawn signature: required when answering estimate work (or signed "
        "recommendations) while `drawing_required` is true.",
    )
    consent: bool = Field(
        False,
        description="The contact agreed to sign electronically (and, when `esign_disclosure` "
        "was shown, accepted it).",
    )
    typed_name: str = Field(
        "",
        max_length=TYPED_NAME_MAX,
        description="The signer's typed name, required instead of `signature` when "
        "`drawing_required` is false.",
    )
    amount: Decimal | None = Field(
        None,
        max_digits=Signature._meta.get_field("amount").max_digits,
        decimal_places=Signature._meta.get_field("amount").decimal_places,
        description="Optional: the total shown to the contact; refused if it differs.",
    )
    esign_disclosure_sha256: str | None = Field(
        None,
        max_length=64,
        description="The `esign_disclosure.sha256` shown (empty string when none was shown). "
        "409 `stale_version` when the shop's disclosure is another text now: GET it again. "
        "Left out, the current text is recorded as accepted.",
        examples=[""],
    )
    language: Literal["en", "es"] | None = Field(
        None,
        description="Language of the stored consent text; defaults to the contact's preferred "
        "one, else the request's Accept-Language.",
    )


class PortalDecisionOut(Schema):
    # Read from a Decision.
    id: int
    operation_id: int
    status: str
    contact_name: str
    version: int

    @staticmethod
    def resolve_version(decision: Decision) -> int:
        return decision.version.number


class SignatureOut(Schema):
    # Read from a Signature.
    id: int
    kind: str
    amount: str
    content_hash: str
    policy: str = Field(..., description="The shop's signature policy when it was given.")
    drawing_required: bool
    typed_name: str = Field(..., description="The typed name, when no drawing was given.")

    @staticmethod
    def resolve_amount(signature: Signature) -> str:
        return f"{signature.amount:.2f}"


class EsignConsentOut(Schema):
    # Read from an EsignConsent.
    id: int
    disclosure_version: int
    text_sha256: str
    content_hash: str


class ApprovalOut(Schema):
    # Read from a signing.services.ApprovalResult.
    decisions: list[PortalDecisionOut]
    signatures: list[SignatureOut]
    amount: str = Field(..., description="What was approved, tax included.")
    consent_text: str = Field(..., description="The consent statement stored with the signature.")
    routed: list[PortalRoutedOut] = Field(
        ...,
        description="Approvals above the approver's limit: left pending and sent to the "
        "contacts who can approve them, with the reason.",
    )
    esign_consent: EsignConsentOut | None = Field(
        ..., description="The e-sign disclosure acceptance recorded with this submission, if any."
    )

    @staticmethod
    def resolve_amount(result: services.ApprovalResult) -> str:
        return f"{result.amount:.2f}"


def _answer(response: HttpResponse, handler: Callable[[], Status]):
    private(response)
    try:
        return handler()
    except RateLimited as exc:
        retry_after(response, exc)
        return Status(exc.status, exc.as_dict())
    except SignoffError as exc:
        return Status(exc.status, exc.as_dict())


def _money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


@router.get(
    "/portal/{token}",
    response={200: PortalOut},
    summary="The customer page as JSON: RO, current version, operations, contacts to choose from",
    description="Counts as an opening of the link (recorded with IP and user agent).",
)
def portal_get(request: HttpRequest, token: str, response: HttpResponse):
    def handler():
        link, version = selectors.share_link_view(raw_token=token, client=client_address(request))
        page = selectors.approval_page(
            repair_order=link.repair_order,
            version=version,
            link=link,
            language=language_for(request, link.contact.language),
        )
        services.share_link_opening_after_response(request, link=link, version=version, via="api")
        return Status(200, page)

    return _answer(response, handler)


def _input(payload: ApprovalIn, language: str) -> services.ApprovalInput:
    choices = {answer.operation_id: answer.status for answer in payload.decisions}
    if len(choices) != len(payload.decisions):
        message = "Answer each operation once."
        raise ValidationFailed(message, fields={"decisions": message})
    return services.ApprovalInput(
        version_id=payload.version_id,
        choices=choices,
        contact_id=payload.contact_id,
        signature_png=payload.signature.png if payload.signature else "",
        signature_strokes=payload.signature.strokes if payload.signature else [],
        consent=payload.consent,
        shown_total=payload.amount,
        language=payload.language or language,
        typed_name=payload.typed_name,
        esign_sha256=payload.esign_disclosure_sha256,
    )


@router.post(
    "/portal/{token}/approval",
    response={201: ApprovalOut},
    summary="Submit answers for the version shown, the approving contact, signature and consent",
    description=(
        "Records one decision per answer and one signature bound to the version's hash, in one "
        "transaction. 409 `stale_version` when the estimate (or the e-sign disclosure) changed since "
        "the version shown "
        "(GET it again), 409 `already_decided` when the shop decided an operation meanwhile, "
        "410 for an expired or revoked link, 429 when rate-limited. Submitting the same answers "
        "twice is refused (409), so a retried request never records twice."
    ),
)
def portal_approve(request: HttpRequest, token: str, payload: ApprovalIn, response: HttpResponse):
    def handler():
        link = share_link_resolve(raw_token=token, client=client_address(request))
        data = _input(payload, language_for(request, link.contact.language))
        with translation.override(data.language):
            result = services.portal_approval_submit(
                link=link, data=data, ip=client_address(request), user_agent=user_agent(request)
            )
        return Status(201, result)

    return _answer(response, handler)
