"""Writes for customers, their contacts and vehicles. Each function is one use case."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from signoff.core.errors import NotFound, ValidationFailed
from signoff.core.formatting import money
from signoff.core.validation import (
    clean_email,
    clean_phone,
    clean_text,
    max_length_of,
    parse_decimal,
    parse_id,
    parse_whole_number,
)
from signoff.customers.models import (
    APPROVAL_LIMIT_MAX_DIGITS,
    FIRST_MODEL_YEAR,
    LAST_MODEL_YEAR,
    MAX_ODOMETER,
    ApprovalRight,
    Contact,
    Customer,
    CustomerKind,
    Language,
    NotifyPreference,
    Vehicle,
)
from signoff.customers.validation import clean_vin
from signoff.shops.access import Actor, require_editor

# A contact's details; with the approval rights, what the staff pages and the API edit (a
# designation is checked against the customer's other contacts there, see _designation).
CONTACT_DETAIL_FIELDS = (
    "name",
    "relationship",
    "email",
    "mobile",
    "phone",
    "preferred_number",
    "notify",
    "language",
)
CONTACT_FIELDS = (*CONTACT_DETAIL_FIELDS, "approval_right", "approval_limit")
# The highest limit a contact may be given, and the lowest (a limit of nothing is view-only).
APPROVAL_LIMIT_MAX = Decimal(10) ** (APPROVAL_LIMIT_MAX_DIGITS - 2) - Decimal("0.01")
APPROVAL_LIMIT_MIN = Decimal("0.01")
VEHICLE_FIELDS = ("vin", "year", "make", "model", "unit_number", "license_plate", "odometer")


def _text(
    data: Mapping[str, Any],
    key: str,
    *,
    model: type,
    label: str,
    errors: dict[str, str],
    multiline: bool = False,
) -> str:
    """The field's text, checked against its model field's length; a problem goes in `errors`."""
    try:
        return clean_text(
            data.get(key) or "",
            label=label,
            max_length=max_length_of(model, key),
            multiline=multiline,
        )
    except ValueError as exc:
        errors[key] = str(exc)
        return ""


def _approval_limit(raw: Any, errors: dict[str, str]) -> Decimal | None:
    """The per-RO limit as typed ("1000", "$1,000.00"); None when left empty (no limit)."""
    if isinstance(raw, Decimal):
        text = str(raw)
    else:
        text = str(raw if raw is not None else "").replace("$", "").replace(",", "").strip()
    if not text:
        return None
    try:
        value = parse_decimal(text)
    except ValueError:
        errors["approval_limit"] = "Enter the limit as an amount in dollars, e.g. 1000.00."
        return None
    if not APPROVAL_LIMIT_MIN <= value <= APPROVAL_LIMIT_MAX:
        errors["approval_limit"] = (
            f"Enter a limit between {money(APPROVAL_LIMIT_MIN)} and {money(APPROVAL_LIMIT_MAX)}, "
            "or leave it empty for no limit."
        )
        return None
    if -value.as_tuple().exponent > 2:
        errors["approval_limit"] = "Use at most 2 decimal places (cents) for the limit."
        return None
    return value.quantize(Decimal("0.01"))


def contact_clean(data: Mapping[str, Any], *, current: Contact | None = None) -> dict[str, Any]:
    """Validated contact fields (also the admin's check). With `current`, missing keys keep their
    current values. Raises ValidationFailed with a message per field.

    `approval_limit` sent as None or empty clears the limit (no limit)."""
    merged = {f: getattr(current, f) for f in CONTACT_FIELDS} if current else {}
    merged.update({k: v for k, v in data.items() if k in CONTACT_FIELDS and v is not None})
    if "approval_limit" in data:
        merged["approval_limit"] = data["approval_limit"]
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "name": _text(merged, "name", model=Contact, label="name", errors=errors),
        "relationship": _text(
            merged, "relationship", model=Contact, label="relationship", errors=errors
        ),
        "preferred_number": merged.get("preferred_number") or "mobile",
        "notify": merged.get("notify") or NotifyPreference.EMAIL,
        "language": merged.get("language") or Language.NONE,
    }
    if not out["name"]:
        errors.setdefault("name", "Enter the contact's name.")
    for key, cleaner in (("email", clean_email), ("mobile", clean_phone), ("phone", clean_phone)):
        try:
            out[key] = cleaner(str(merged.get(key) or ""))
        except ValueError as exc:
            errors[key] = str(exc)
    if out["notify"] not in NotifyPreference.values:
        errors["notify"] = "Choose email, text, or both."
    if out["language"] not in Language.values:
        errors["language"] = "Choose English, Spanish or no preference."
    if out["preferred_number"] not in ("mobile", "phone"):
        errors["preferred_number"] = "Choose the mobile or the other number."
    out["approval_right"] = merged.get("approval_right") or ApprovalRight.APPROVE
    if out["approval_right"] not in ApprovalRight.values:
        errors["approval_right"] = "Choose can approve, view only or designated authorizer."
    out["approval_limit"] = _approval_limit(merged.get("approval_limit"), errors)
    if out["approval_right"] == ApprovalRight.VIEW_ONLY and out["approval_limit"] is not None:
        errors.setdefault(
            "approval_limit",
            "A view-only contact approves nothing, so has no limit: leave the limit empty, "
            "or let them approve.",
        )
    # Checked alongside the other fields so one submit shows every problem; a field whose
    # value was already refused keeps that message.
    if out["notify"] in (NotifyPreference.EMAIL, NotifyPreference.BOTH) and not out.get("email"):
        errors.setdefault(
            "email", "This contact prefers email: enter an email address, or change the preference."
        )
    if out["notify"] in (NotifyPreference.TEXT, NotifyPreference.BOTH) and not out.get("mobile"):
        errors.setdefault(
            "mobile",
            "This contact prefers text messages: enter a mobile number, or change the preference.",
        )
    if errors:
        raise ValidationFailed("Please correct the contact details below.", fields=errors)
    return out


def _designation(
    data: Mapping[str, Any], *, customer: Customer, right: str, current: Contact | None
) -> dict[str, Any]:
    """Who designated a designated authorizer (California BPC 9884.9(d)): one of the customer's
    own contacts who can approve, never the contact themself. Other rights keep no designation.

    `designated_by_id` missing from `data` keeps the current one. Raises ValidationFailed."""
    if right != ApprovalRight.DESIGNATED:
        return {"designated_by": None, "designated_at": None}
    if "designated_by_id" in data:
        raw = data.get("designated_by_id")
    else:
        raw = current.designated_by_id if current else None
    designator = None
    if raw not in (None, ""):
        designator = (
            Contact.objects.filter(customer=customer, pk=parse_id(raw) or 0)
            .exclude(pk=current.pk if current else None)
            .first()
        )
    message = ""
    if raw in (None, ""):
        message = (
            "Choose who designated this person to authorize repairs: the customer's contact "
            "who signed the designation."
        )
    elif designator is None:
        message = f"Choose one of {customer.name}'s other contacts as the one who designated them."
    elif designator.approval_right != ApprovalRight.APPROVE:
        message = (
            f"{designator.name} cannot approve on their own ({designator.get_approval_right_display().lower()}), "
            "so cannot designate someone else. Choose a contact who can approve."
        )
    if message:
        raise ValidationFailed(message, fields={"designated_by_id": message})
    if current is not None and current.designated_by_id == designator.pk and current.designated_at:
        return {"designated_by": designator, "designated_at": current.designated_at}
    return {"designated_by": designator, "designated_at": timezone.now()}


def _clean_contact_for(
    data: Mapping[str, Any], *, customer: Customer, current: Contact | None = None
) -> dict[str, Any]:
    """contact_clean plus the designation, every problem reported at once."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    try:
        fields = contact_clean(data, current=current)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    right = fields.get("approval_right") or (
        data.get("approval_right") or (current.approval_right if current else "")
    )
    try:
        fields.update(_designation(data, customer=customer, right=right, current=current))
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed("Please correct the contact details below.", fields=errors)
    return fields


CUSTOMER_FIELDS = ("kind", "name", "notes", "requires_po")


def _clean_customer(data: Mapping[str, Any], *, current: Customer | None = None) -> dict[str, Any]:
    merged = {f: getattr(current, f) for f in CUSTOMER_FIELDS} if current else {}
    merged.update({k: v for k, v in data.items() if k in CUSTOMER_FIELDS and v is not None})
    errors: dict[str, str] = {}
    out = {
        "kind": merged.get("kind") or CustomerKind.INDIVIDUAL,
        "name": _text(merged, "name", model=Customer, label="name", errors=errors),
        "notes": _text(
            merged, "notes", model=Customer, label="notes", errors=errors, multiline=True
        ),
    }
    if out["kind"] not in CustomerKind.values:
        errors["kind"] = "Choose individual or business."
    out["requires_po"] = merged.get("requires_po") in (True, "true", "on", "1", "yes")
    if out["requires_po"] and out["kind"] != CustomerKind.BUSINESS:
        errors["requires_po"] = (
            "Only a business or fleet can require a PO number: change the type to business, "
            "or untick “Requires a PO number”."
        )
    if not out["name"]:
        errors.setdefault("name", "Enter the customer's name (a person or a company).")
    if errors:
        raise ValidationFailed("Please correct the customer details below.", fields=errors)
    return out


def _prefixed(exc: ValidationFailed, prefix: str) -> ValidationFailed:
    return ValidationFailed(exc.message, fields={f"{prefix}.{k}": v for k, v in exc.fields.items()})


def customer_get_for_edit(*, actor: Actor, customer_id: int) -> Customer:
    customer = Customer.objects.filter(shop=actor.shop, pk=customer_id).first()
    if customer is None:
        raise NotFound("Customer not found.")
    return customer


def customer_create(
    *, actor: Actor, data: Mapping[str, Any], primary: Mapping[str, Any]
) -> Customer:
    """A customer with its primary contact. For a person the contact's name defaults to theirs."""
    require_editor(actor)
    fields, errors = {}, {}
    try:
        fields = _clean_customer(data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    primary = dict(primary)
    is_person = (data.get("kind") or CustomerKind.INDIVIDUAL) == CustomerKind.INDIVIDUAL
    named_after_customer = is_person and not str(primary.get("name") or "").strip()
    if named_after_customer:
        primary["name"] = str(data.get("name") or "").strip()
    try:
        contact_fields = contact_clean(primary)
    except ValidationFailed as exc:
        contact_errors = _prefixed(exc, "primary").fields
        if named_after_customer and "name" in errors:
            contact_errors.pop("primary.name", None)  # the customer's name message covers it
        errors.update(contact_errors)
    else:
        if contact_fields["approval_right"] == ApprovalRight.DESIGNATED:
            errors["primary.approval_right"] = (
                "The first contact cannot be a designated authorizer: nobody is there yet to "
                "designate them. Add them as a further contact, designated by this one."
            )
    if errors:
        raise ValidationFailed("Please correct the fields below; nothing was saved.", fields=errors)
    with transaction.atomic():
        customer = Customer.objects.create(shop=actor.shop, **fields)
        Contact.objects.create(
            shop=actor.shop, customer=customer, is_primary=True, **contact_fields
        )
    return customer


def customer_update(*, actor: Actor, customer_id: int, data: Mapping[str, Any]) -> Customer:
    require_editor(actor)
    with transaction.atomic():
        customer = customer_get_for_edit(actor=actor, customer_id=customer_id)
        for key, value in _clean_customer(data, current=customer).items():
            setattr(customer, key, value)
        customer.save()
    return customer


def contact_add(*, actor: Actor, customer_id: int, data: Mapping[str, Any]) -> Contact:
    """An additional contact (spouse, fleet manager, …) who may receive and approve estimates."""
    require_editor(actor)
    with transaction.atomic():
        # Found first: another shop's customer is a 404 whatever the details sent.
        customer = customer_get_for_edit(actor=actor, customer_id=customer_id)
        fields = _clean_contact_for(data, customer=customer)
        position = customer.contacts.count()
        return Contact.objects.create(
            shop=actor.shop, customer=customer, is_primary=False, position=position, **fields
        )


def contact_update(*, actor: Actor, contact_id: int, data: Mapping[str, Any]) -> Contact:
    require_editor(actor)
    with transaction.atomic():
        contact = Contact.objects.filter(shop=actor.shop, pk=contact_id).first()
        if contact is None:
            raise NotFound("Contact not found.")
        fields = _clean_contact_for(data, customer=contact.customer, current=contact)
        for key, value in fields.items():
            setattr(contact, key, value)
        contact.save()
    return contact


def contact_make_primary(*, actor: Actor, contact_id: int) -> Contact:
    require_editor(actor)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(shop=actor.shop, pk=contact_id).first()
        if contact is None:
            raise NotFound("Contact not found.")
        Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).update(
            is_primary=False
        )
        contact.is_primary = True
        contact.save(update_fields=["is_primary"])
    return contact


def vehicle_clean(
    data: Mapping[str, Any], *, current: Vehicle | None = None
) -> tuple[dict, list[str]]:
    """(validated vehicle fields, warnings); also the admin's check. Raises ValidationFailed."""
    merged = {f: getattr(current, f) for f in VEHICLE_FIELDS} if current else {}
    merged.update({k: v for k, v in data.items() if k in VEHICLE_FIELDS and v is not None})
    errors: dict[str, str] = {}
    warnings: list[str] = []
    out: dict[str, Any] = {
        "make": _text(merged, "make", model=Vehicle, label="make", errors=errors),
        "model": _text(merged, "model", model=Vehicle, label="model", errors=errors),
        "unit_number": _text(
            merged, "unit_number", model=Vehicle, label="unit number", errors=errors
        ),
        "license_plate": _text(
            merged, "license_plate", model=Vehicle, label="license plate", errors=errors
        ).upper(),
    }
    try:
        out["vin"], warnings = clean_vin(str(merged.get("vin") or ""))
    except ValueError as exc:
        errors["vin"] = str(exc)
    for key, low, high, label in (
        ("year", FIRST_MODEL_YEAR, LAST_MODEL_YEAR, "year"),
        ("odometer", 0, MAX_ODOMETER, "odometer"),
    ):
        raw = merged.get(key)
        if raw in (None, ""):
            out[key] = None
            continue
        value = parse_whole_number(raw)
        if value is None:
            errors[key] = f"Enter the {label} as a whole number."
            continue
        if not low <= value <= high:
            errors[key] = f"Enter a {label} between {low} and {high:,}."
        out[key] = value
    if not (out.get("vin") or out["make"] or out["model"] or out["unit_number"]):
        errors.setdefault("vin", "Enter at least a VIN, a make and model, or a unit number.")
    if errors:
        raise ValidationFailed(
            "Please correct the vehicle details below; nothing was saved.", fields=errors
        )
    return out, warnings


def vehicle_add(*, actor: Actor, customer_id: int, data: Mapping[str, Any]) -> Vehicle:
    """Adds a vehicle. Soft problems (VIN check digit) are on `vehicle.warnings`."""
    require_editor(actor)
    with transaction.atomic():
        # Found first: another shop's customer is a 404 whatever the details sent.
        customer = customer_get_for_edit(actor=actor, customer_id=customer_id)
        fields, warnings = vehicle_clean(data)
        vehicle = Vehicle.objects.create(shop=actor.shop, customer=customer, **fields)
    vehicle.warnings = warnings
    return vehicle


def vehicle_update(*, actor: Actor, vehicle_id: int, data: Mapping[str, Any]) -> Vehicle:
    require_editor(actor)
    with transaction.atomic():
        vehicle = Vehicle.objects.filter(shop=actor.shop, pk=vehicle_id).first()
        if vehicle is None:
            raise NotFound("Vehicle not found.")
        fields, warnings = vehicle_clean(data, current=vehicle)
        for key, value in fields.items():
            setattr(vehicle, key, value)
        vehicle.save()
    vehicle.warnings = warnings
    return vehicle
