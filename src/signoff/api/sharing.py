"""API routes for sharing: share a version with contacts, list shares and versions, a version's PDF,
a link's URL on demand, and revoke a link. They call the same services and selectors as the staff
pages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router
from ninja.responses import Status
from pydantic import field_validator

from signoff.api.idempotency import idempotent
from signoff.api.schemas import Id, Schema, errors
from signoff.approvals.models import EstimateVersion
from signoff.approvals.versions import version_get
from signoff.core.formatting import staff_name
from signoff.core.paging import COUNT_AHEAD
from signoff.core.validation import max_length_of
from signoff.customers.models import Contact
from signoff.documents.sections import PDF_SECTION_KEYS
from signoff.sharing import selectors, services
from signoff.sharing.models import Message, Share, ShareKind, ShareLink
from signoff.sharing.selectors import LinkAddress
from signoff.sharing.services import ShareResult

router = Router(tags=["sharing"])

_SECTIONS_HELP = "Estimate PDF sections, any of: " + ", ".join(PDF_SECTION_KEYS) + "."

# Former spellings of a share kind, still accepted on input and answered with today's name.
KIND_ALIASES = {"send_updated": ShareKind.SEND_TO_CUSTOMER.value}


class StaffBrief(Schema):
    # Read from a User (a docstring here would change the OpenAPI schema).
    id: int
    name: str

    @staticmethod
    def resolve_name(user) -> str:
        return staff_name(user)


class RecipientIn(Schema):
    contact_id: Id = Field(..., description="A contact of the repair order's customer.")
    channels: list[Literal["email", "sms"]] | None = Field(
        None,
        description=(
            "How to reach this contact (`request_approval` only). Omit to follow their "
            "notification preference (falling back to whatever they can receive); "
            "`send_to_customer` always follows it and refuses other channels (422). `sms` needs "
            "the shop's texting approved."
        ),
        examples=[["email"]],
    )


class ShareIn(Schema):
    kind: Literal["request_approval", "send_to_customer", "send_updated"] = Field(
        ...,
        description=(
            "`request_approval` asks the contacts to approve; `send_to_customer` (the RO page's "
            "Send to Customer) sends the updated estimate and is refused (409) until every "
            "operation is approved, deferred or declined and at least one was approved on the "
            "customer's behalf. `send_updated` is the former name of `send_to_customer`, still "
            "accepted; responses always say `send_to_customer`."
        ),
    )
    recipients: list[RecipientIn] = Field(..., description="Each contact gets their own link.")
    primary_contact_id: Id | None = Field(
        None,
        description=(
            "Whom the email is addressed to; every other recipient's message says who else "
            "it went to. Defaults to the first recipient."
        ),
    )
    include_etr: bool = Field(True, description="Show the estimated time of repair.")
    notes: str = Field(
        "",
        max_length=max_length_of(Share, "notes"),
        description="Notes for the customer, in the message and the PDF.",
    )
    sections: list[str] | None = Field(None, description=_SECTIONS_HELP + " Omit for all.")

    @field_validator("kind")
    @classmethod
    def _current_kind_name(cls, kind: str) -> str:
        return KIND_ALIASES.get(kind, kind)


class VersionBrief(Schema):
    # Read from an EstimateVersion.
    id: int
    number: int = Field(..., examples=[2])
    content_hash: str = Field(..., description="SHA-256 of the canonical JSON of `content`.")
    total: str = Field(..., description="The estimate total with tax.", examples=["399.43"])
    created_at: datetime

    @staticmethod
    def resolve_total(version: EstimateVersion) -> str:
        return str(version.total)


class VersionOut(VersionBrief):
    created_by: StaffBrief | None
    content: dict = Field(
        ..., description="The frozen estimate: shop, RO, customer, vehicle, operations, totals."
    )


class LinkOut(Schema):
    # Read from a ShareLink with its contact and its share's version at hand.
    id: int
    contact_id: int
    contact_name: str
    contact_relationship: str
    version: int
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    first_opened_at: datetime | None
    last_opened_at: datetime | None
    open_count: int = Field(
        description=f"How often the link was opened, counted up to {COUNT_AHEAD:,}: when it "
        f"was opened more often, `open_count` is {COUNT_AHEAD:,} and `open_count_exact` false."
    )
    open_count_exact: bool = Field(description="False when `open_count` is a lower bound.")

    @staticmethod
    def resolve_open_count(link: ShareLink) -> int:
        return link.openings.count

    @staticmethod
    def resolve_open_count_exact(link: ShareLink) -> bool:
        return link.openings.exact

    @staticmethod
    def resolve_contact_name(link: ShareLink) -> str:
        return link.contact.name

    @staticmethod
    def resolve_contact_relationship(link: ShareLink) -> str:
        return link.contact.relationship_label

    @staticmethod
    def resolve_version(link: ShareLink) -> int:
        return link.share.version.number


class ContactBrief(Schema):
    # Read from a Contact.
    id: int
    name: str
    relationship: str = Field(..., examples=["Spouse"])

    @staticmethod
    def resolve_relationship(contact: Contact) -> str:
        return contact.relationship_label


class LinkUrlOut(Schema):
    url: str = Field(
        ...,
        description=(
            "The contact's personal link. Whoever opens it answers as that contact: hand it "
            "only to them, and do not store it."
        ),
        examples=["https://shop.example/s/3q2-7wE…"],
    )
    expires_at: datetime
    contact: ContactBrief

    # Read from a LinkAddress (sharing.selectors).
    @staticmethod
    def resolve_expires_at(address: LinkAddress) -> datetime:
        return address.link.expires_at

    @staticmethod
    def resolve_contact(address: LinkAddress) -> Contact:
        return address.link.contact


class MessageOut(Schema):
    id: int
    link_id: int | None
    contact_id: int | None
    contact_name: str
    channel: Literal["email", "sms"]
    to_address: str
    cc_text: str = Field(..., examples=["Also sent to: Jane Doe (Spouse)"])
    subject: str
    status: str = Field(
        ..., description="queued, sending, retry, sent, delivered, undelivered or failed."
    )
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None

    @staticmethod
    def resolve_contact_name(message: Message) -> str:
        return message.contact.name if message.contact else ""


class ShareOut(Schema):
    id: int
    repair_order_id: int
    kind: Literal["request_approval", "send_to_customer"]
    version: VersionBrief
    created_by: StaffBrief | None
    created_at: datetime
    include_etr: bool
    notes: str
    sections: list[str]
    links: list[LinkOut]
    messages: list[MessageOut]

    # Read from a Share of sharing.selectors, its links and messages prefetched.
    @staticmethod
    def resolve_links(share: Share) -> list[ShareLink]:
        return list(share.links.all())

    @staticmethod
    def resolve_messages(share: Share) -> list[Message]:
        return list(share.messages.all())


class ShareCreatedOut(ShareOut):
    # Read from a ShareResult (sharing.services): the new share with the links and messages
    # just made, so none of them is read again.
    version_created: bool = Field(
        ..., description="False when the estimate was unchanged and the latest version reused."
    )

    @staticmethod
    def resolve_id(result: ShareResult) -> int:
        return result.share.pk

    @staticmethod
    def resolve_repair_order_id(result: ShareResult) -> int:
        return result.share.repair_order_id

    @staticmethod
    def resolve_kind(result: ShareResult) -> str:
        return result.share.kind

    @staticmethod
    def resolve_version(result: ShareResult) -> EstimateVersion:
        return result.share.version

    @staticmethod
    def resolve_created_by(result: ShareResult) -> User | None:
        return result.share.created_by

    @staticmethod
    def resolve_created_at(result: ShareResult) -> datetime:
        return result.share.created_at

    @staticmethod
    def resolve_include_etr(result: ShareResult) -> bool:
        return result.share.include_etr

    @staticmethod
    def resolve_notes(result: ShareResult) -> str:
        return result.share.notes

    @staticmethod
    def resolve_sections(result: ShareResult) -> list[str]:
        return result.share.sections

    @staticmethod
    def resolve_links(result: ShareResult) -> list[ShareLink]:
        return result.links

    @staticmethod
    def resolve_messages(result: ShareResult) -> list[Message]:
        return result.messages


class PdfOptions(Schema):
    sections: list[str] | None = Field(None, description=_SECTIONS_HELP + " Omit for all.")
    include_etr: bool = True


@router.get(
    "/repair-orders/{ro_id}/shares",
    response={200: list[ShareOut]},
    summary="The RO's shares, newest first, with their links and message statuses",
)
def share_list(request: HttpRequest, ro_id: Id):
    return Status(200, selectors.shares_for_repair_order(actor=request.actor, ro_id=ro_id))


@router.post(
    "/repair-orders/{ro_id}/shares",
    response={201: ShareCreatedOut},
    summary="Share the current estimate with contacts (Request Approval or Send to Customer)",
    description=(
        "Freezes the estimate into a version (the latest one is reused when nothing changed), "
        "gives each recipient a personal link and queues one message per recipient and "
        "channel. No response carries a link's URL (responses may be stored, e.g. for "
        "idempotent replays); to deliver a link yourself, ask for it with "
        "`GET /share-links/{link_id}/url`."
    ),
)
@idempotent
def share_create(request: HttpRequest, ro_id: Id, payload: ShareIn):
    result = services.share_create(
        actor=request.actor,
        ro_id=ro_id,
        kind=payload.kind,
        recipients=[services.Recipient(r.contact_id, r.channels) for r in payload.recipients],
        primary_contact_id=payload.primary_contact_id,
        include_etr=payload.include_etr,
        notes=payload.notes,
        sections=payload.sections,
    )
    return Status(201, result)


@router.get(
    "/repair-orders/{ro_id}/versions",
    response={200: list[VersionOut]},
    summary="The RO's shared estimate versions, oldest first",
)
def version_list(request: HttpRequest, ro_id: Id):
    return Status(200, list(selectors.versions_for_repair_order(actor=request.actor, ro_id=ro_id)))


@router.get(
    "/versions/{version_id}/pdf",
    response={200: None},
    summary="A version's estimate PDF (application/pdf)",
    openapi_extra={
        # An int key, like ninja's own: a "200" string would sit beside it as a second key
        # in the JSON, and Swagger UI refuses a document with duplicate keys.
        "responses": {
            200: {
                "description": "The estimate PDF.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                "headers": {
                    "Content-Disposition": {
                        "description": "`inline`, with a file name naming the RO and version.",
                        "required": True,
                        "schema": {"type": "string", "examples": ['inline; filename="x.pdf"']},
                    }
                },
            }
        }
    },
)
def version_pdf(request: HttpRequest, version_id: Id, options: Query[PdfOptions]):
    version = version_get(shop=request.actor.shop, version_id=version_id)
    pdf = selectors.version_pdf(
        version=version, sections=options.sections, include_etr=options.include_etr
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"estimate-RO-{version.repair_order.number}-v{version.number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get(
    "/share-links/{link_id}/url",
    response={200: LinkUrlOut, **errors(403, 409, 410)},
    summary="An active share link's URL, for integrators who deliver links themselves",
    description=(
        "Derives the contact's link on demand (Signoff stores no usable link). Editor roles "
        "only (403 for technicians). 410 when the link was revoked or has expired; 409 "
        "`link_unavailable` when the link predates derived links or the server's secret key "
        "changed since it was made: share again for a new one."
    ),
)
def link_url(request: HttpRequest, response: HttpResponse, link_id: Id):
    address = services.share_link_reveal(actor=request.actor, link_id=link_id)
    response["Cache-Control"] = "no-store"
    return Status(200, address)


@router.post(
    "/share-links/{link_id}/revoke",
    response={200: LinkOut},
    summary="Revoke a share link: it stops opening at once (revoking twice changes nothing)",
)
@idempotent
def link_revoke(request: HttpRequest, link_id: Id):
    link = services.link_revoke(actor=request.actor, link_id=link_id)
    return Status(200, link)
