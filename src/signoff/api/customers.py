"""API routes for customers, their contacts and their vehicles."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from signoff.api.idempotency import idempotent
from signoff.api.pagination import Paged
from signoff.api.schemas import Id, Schema
from signoff.core.validation import MAX_SEARCH_LENGTH, PHONE_INPUT_MAX_LENGTH, max_length_of
from signoff.customers import selectors, services
from signoff.customers.models import (
    APPROVAL_LIMIT_MAX_DIGITS,
    FIRST_MODEL_YEAR,
    LAST_MODEL_YEAR,
    MAX_ODOMETER,
    Contact,
    Customer,
    Vehicle,
)
from signoff.customers.validation import VIN_INPUT_MAX_LENGTH

router = Router(tags=["customers"])

NotifyChoice = Literal["email", "text", "both"]
PreferredNumber = Literal["mobile", "phone"]
LanguageChoice = Literal["", "en", "es"]
CustomerKindChoice = Literal["individual", "business"]
ApprovalRightChoice = Literal["approve", "view_only", "designated"]
RIGHTS_DESCRIPTION = (
    "`approve`: may approve and decline; `view_only`: sees the estimate, cannot decide; "
    "`designated`: a designated authorizer (California BPC 9884.9(d)), named with who "
    "designated them."
)
LIMIT_DESCRIPTION = (
    "The most this contact's approvals on one RO may add up to, before tax, as a string "
    '("1000.00"); null for no limit. Work above it is left pending and sent to the contacts '
    "who can approve it."
)

# Limits read from the models (and the input formats of phones and VINs), never written here.
CONTACT_NAME_MAX = max_length_of(Contact, "name")
RELATIONSHIP_MAX = max_length_of(Contact, "relationship")
EMAIL_MAX = max_length_of(Contact, "email")
CUSTOMER_NAME_MAX = max_length_of(Customer, "name")
NOTES_MAX = max_length_of(Customer, "notes")
MAKE_MAX = max_length_of(Vehicle, "make")
MODEL_MAX = max_length_of(Vehicle, "model")
UNIT_NUMBER_MAX = max_length_of(Vehicle, "unit_number")
PLATE_MAX = max_length_of(Vehicle, "license_plate")
Limit = Annotated[
    Decimal,
    Field(gt=0, max_digits=APPROVAL_LIMIT_MAX_DIGITS, decimal_places=2, examples=["1000.00"]),
]
Year = Annotated[int, Field(ge=FIRST_MODEL_YEAR, le=LAST_MODEL_YEAR, examples=[2019])]
Odometer = Annotated[int, Field(ge=0, le=MAX_ODOMETER, examples=[48210])]


class ContactOut(Schema):
    id: int
    customer_id: int
    is_primary: bool
    name: str
    relationship: str = Field(..., description="To the primary contact: spouse, fleet manager, …")
    email: str
    mobile: str = Field(..., description="E.164, e.g. +15035550123.")
    phone: str = Field(..., description="Another number (landline, work), E.164.")
    preferred_number: PreferredNumber
    notify: NotifyChoice = Field(..., description="How estimates reach this contact.")
    language: LanguageChoice = Field(
        ...,
        description="The customer page's language; empty for no preference (the page then "
        "follows the contact's own choice on it or their browser's; messages are in English).",
    )
    approval_right: ApprovalRightChoice = Field(..., description=RIGHTS_DESCRIPTION)
    approval_limit: str | None = Field(..., description=LIMIT_DESCRIPTION, examples=["1000.00"])
    designated_by_id: int | None = Field(
        ..., description="For a designated authorizer, the contact who designated them; else null."
    )
    designated_at: datetime | None = Field(
        ..., description="When the designation was recorded; null unless designated."
    )

    @staticmethod
    def resolve_approval_limit(contact: Contact) -> str | None:
        return None if contact.approval_limit is None else f"{contact.approval_limit:.2f}"


class VehicleOut(Schema):
    id: int
    customer_id: int
    description: str = Field(..., examples=["2019 Honda Accord"])
    vin: str
    year: int | None
    make: str
    model: str
    unit_number: str
    license_plate: str
    odometer: int | None
    warnings: list[str] = Field(
        default_factory=list,
        description="Soft problems worth a second look, e.g. a VIN whose check digit differs.",
    )


REQUIRES_PO = (
    "A business requiring a PO number on every RO: its ROs are not shared or completed "
    "without `po_number`."
)


class CustomerOut(Schema):
    id: int
    kind: CustomerKindChoice
    name: str
    notes: str
    requires_po: bool = Field(..., description=REQUIRES_PO)
    created_at: datetime
    updated_at: datetime
    contacts: list[ContactOut] = Field(..., description="The primary contact first.")
    vehicles: list[VehicleOut]


class ContactIn(Schema):
    name: str = Field(
        "",
        max_length=CONTACT_NAME_MAX,
        description="Required, except for an individual's primary contact (defaults to theirs).",
        examples=["Dana Rivera"],
    )
    relationship: str = Field("", max_length=RELATIONSHIP_MAX, examples=["Spouse"])
    email: str = Field("", max_length=EMAIL_MAX, examples=["dana@example.com"])
    mobile: str = Field("", max_length=PHONE_INPUT_MAX_LENGTH, examples=["+15035550123"])
    phone: str = Field("", max_length=PHONE_INPUT_MAX_LENGTH)
    preferred_number: PreferredNumber = "mobile"
    notify: NotifyChoice = Field(
        "email", description="email needs an email address; text needs a mobile number."
    )
    language: LanguageChoice = Field("", description="Empty for no preference.")
    approval_right: ApprovalRightChoice = Field("approve", description=RIGHTS_DESCRIPTION)
    approval_limit: Limit | None = Field(None, description=LIMIT_DESCRIPTION)
    designated_by_id: Id | None = Field(
        None, description="Required for a designated authorizer: another contact of the customer."
    )


class ContactPatch(Schema):
    """Only the fields sent change."""

    name: str | None = Field(None, max_length=CONTACT_NAME_MAX, examples=["Dana Rivera"])
    relationship: str | None = Field(None, max_length=RELATIONSHIP_MAX)
    email: str | None = Field(None, max_length=EMAIL_MAX, examples=["dana@example.com"])
    mobile: str | None = Field(None, max_length=PHONE_INPUT_MAX_LENGTH)
    phone: str | None = Field(None, max_length=PHONE_INPUT_MAX_LENGTH)
    preferred_number: PreferredNumber | None = None
    notify: NotifyChoice | None = None
    language: LanguageChoice | None = None
    approval_right: ApprovalRightChoice | None = None
    approval_limit: Limit | None = Field(
        None, description=LIMIT_DESCRIPTION + " Send null to remove the limit."
    )
    designated_by_id: Id | None = None


class VehicleIn(Schema):
    """At least a VIN, a make and model, or a fleet unit number."""

    vin: str = Field("", max_length=VIN_INPUT_MAX_LENGTH, examples=["1HGCM82633A004352"])
    year: Year | None = None
    make: str = Field("", max_length=MAKE_MAX, examples=["Honda"])
    model: str = Field("", max_length=MODEL_MAX, examples=["Accord"])
    unit_number: str = Field("", max_length=UNIT_NUMBER_MAX)
    license_plate: str = Field("", max_length=PLATE_MAX)
    odometer: Odometer | None = None


class VehiclePatch(Schema):
    """Only the fields sent change."""

    vin: str | None = Field(None, max_length=VIN_INPUT_MAX_LENGTH)
    year: Year | None = None
    make: str | None = Field(None, max_length=MAKE_MAX)
    model: str | None = Field(None, max_length=MODEL_MAX, examples=["Accord"])
    unit_number: str | None = Field(None, max_length=UNIT_NUMBER_MAX)
    license_plate: str | None = Field(None, max_length=PLATE_MAX)
    odometer: Odometer | None = None


class CustomerIn(Schema):
    kind: CustomerKindChoice = "individual"
    name: str = Field(..., max_length=CUSTOMER_NAME_MAX, examples=["Dana Rivera"])
    notes: str = Field("", max_length=NOTES_MAX)
    requires_po: bool = Field(False, description=REQUIRES_PO + " Businesses only.")
    primary: ContactIn = Field(..., description="The primary contact, created with the customer.")


class CustomerPatch(Schema):
    """Only the fields sent change. Contacts and vehicles have their own routes."""

    kind: CustomerKindChoice | None = None
    name: str | None = Field(None, max_length=CUSTOMER_NAME_MAX, examples=["Dana Rivera"])
    notes: str | None = Field(None, max_length=NOTES_MAX)
    requires_po: bool | None = Field(None, description=REQUIRES_PO + " Businesses only.")


class CustomerSearch(Schema):
    q: str = Field(
        "",
        max_length=MAX_SEARCH_LENGTH,
        description=(
            "Part of a name, contact name, email or phone number; a VIN or its last 6–8 "
            "characters, unit number or plate."
        ),
    )


@router.get("/customers", response=list[CustomerOut], summary="List or search customers")
@paginate(Paged)
def customer_list(request: HttpRequest, filters: Query[CustomerSearch]):
    return selectors.customer_search(actor=request.actor, query=filters.q)


@router.post("/customers", response={201: CustomerOut}, summary="Create a customer")
@idempotent
def customer_create(request: HttpRequest, payload: CustomerIn):
    data = payload.dict(exclude={"primary"})
    customer = services.customer_create(
        actor=request.actor, data=data, primary=payload.primary.dict()
    )
    return Status(201, selectors.customer_get(actor=request.actor, customer_id=customer.pk))


@router.get(
    "/customers/{customer_id}",
    response={200: CustomerOut},
    summary="One customer with contacts and vehicles",
)
def customer_detail(request: HttpRequest, customer_id: Id):
    return Status(200, selectors.customer_get(actor=request.actor, customer_id=customer_id))


@router.patch(
    "/customers/{customer_id}",
    response={200: CustomerOut},
    summary="Edit a customer",
)
@idempotent
def customer_update(request: HttpRequest, customer_id: Id, payload: CustomerPatch):
    services.customer_update(
        actor=request.actor, customer_id=customer_id, data=payload.dict(exclude_unset=True)
    )
    return Status(200, selectors.customer_get(actor=request.actor, customer_id=customer_id))


@router.post(
    "/customers/{customer_id}/contacts",
    response={201: ContactOut},
    summary="Add an additional contact",
)
@idempotent
def contact_add(request: HttpRequest, customer_id: Id, payload: ContactIn):
    contact = services.contact_add(
        actor=request.actor, customer_id=customer_id, data=payload.dict()
    )
    return Status(201, contact)


@router.patch("/contacts/{contact_id}", response={200: ContactOut}, summary="Edit a contact")
@idempotent
def contact_update(request: HttpRequest, contact_id: Id, payload: ContactPatch):
    contact = services.contact_update(
        actor=request.actor, contact_id=contact_id, data=payload.dict(exclude_unset=True)
    )
    return Status(200, contact)


@router.post(
    "/customers/{customer_id}/vehicles",
    response={201: VehicleOut},
    summary="Add a vehicle",
)
@idempotent
def vehicle_add(request: HttpRequest, customer_id: Id, payload: VehicleIn):
    vehicle = services.vehicle_add(
        actor=request.actor, customer_id=customer_id, data=payload.dict()
    )
    return Status(201, vehicle)


@router.patch("/vehicles/{vehicle_id}", response={200: VehicleOut}, summary="Edit a vehicle")
@idempotent
def vehicle_update(request: HttpRequest, vehicle_id: Id, payload: VehiclePatch):
    vehicle = services.vehicle_update(
        actor=request.actor, vehicle_id=vehicle_id, data=payload.dict(exclude_unset=True)
    )
    return Status(200, vehicle)
