"""Staff forms: they parse and re-display input; the services decide what is valid.

Fields are mostly plain text so that one set of rules (in the services) produces every
message; a ValidationFailed from a service is copied onto the form with `apply_errors`.
Text inputs tell the browser their model field's length (`maxlength`), read from the model
like the services' check and the API's schema, so no limit is written twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms

from signoff.approvals.amounts import RULE_CHOICES
from signoff.core.errors import ValidationFailed
from signoff.core.formatting import format_phone, staff_name
from signoff.core.validation import MAX_ID, PHONE_INPUT_MAX_LENGTH, max_length_of
from signoff.customers.models import (
    ApprovalRight,
    Contact,
    Customer,
    CustomerKind,
    Language,
    NotifyPreference,
    Vehicle,
)
from signoff.customers.validation import VIN_INPUT_MAX_LENGTH
from signoff.orders.models import LineKind, Operation, OperationKind, RepairOrder
from signoff.shops.models import (
    ApiToken,
    FallbackChannel,
    PaperSize,
    Shop,
    SignaturePolicy,
    SmsStatus,
)
from signoff.shops.timezones import timezone_choices


def apply_errors(form: forms.Form, exc: ValidationFailed, *, prefix: str = "") -> None:
    """Puts a service's per-field messages on the form's fields (or on top when not a field)."""
    for key, message in exc.fields.items():
        if prefix:
            if not key.startswith(prefix + "."):
                continue
            key = key[len(prefix) + 1 :]
        elif "." in key:
            continue
        form.add_error(key if key in form.fields else None, message)
    if not form.errors:
        form.add_error(None, exc.message)


class IdField(forms.IntegerField):
    """An id picked from a list (a select's value, a hidden field): a whole number within the
    database's range. Anything else was not one of the choices."""

    default_error_messages = {"invalid": "Choose one from the list."}

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("error_messages", {})
        for code in ("min_value", "max_value"):
            kwargs["error_messages"].setdefault(code, "Choose one from the list.")
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


def _text(label: str, *, help_text: str = "", **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs) if attrs else forms.TextInput,
    )


def _limit(model: type, field: str) -> dict[str, str]:
    """The `maxlength` attribute of an input for a model's text field."""
    return {"maxlength": str(max_length_of(model, field))}


def _textarea(
    label: str, model: type, field: str, *, rows: int, help_text: str = ""
) -> forms.CharField:
    attrs = {"rows": rows, **_limit(model, field)}
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs=attrs), help_text=help_text
    )


def _choice(label: str, choices, *, radio: bool = False, **kwargs) -> forms.CharField:
    """A drop-down (or radio buttons) whose value the service checks, so its message is shown."""
    widget = forms.RadioSelect if radio else forms.Select
    return forms.CharField(label=label, required=False, widget=widget(choices=choices), **kwargs)


class CustomerForm(forms.Form):
    kind = _choice("Type", CustomerKind.choices, radio=True, initial=CustomerKind.INDIVIDUAL)
    name = _text(
        "Name",
        help_text="A person's full name, or the company's name.",
        required=True,
        **_limit(Customer, "name"),
    )
    notes = _textarea("Notes", Customer, "notes", rows=3)
    requires_po = forms.BooleanField(
        label="Requires a PO number on every repair order",
        required=False,
        help_text="For businesses and fleets: their ROs cannot be shared or completed without "
        "the customer's purchase-order number.",
    )


class ContactForm(forms.Form):
    name = _text("Name", autocomplete="off", **_limit(Contact, "name"))
    relationship = _text(
        "Relationship",
        help_text="To the primary contact: spouse, fleet manager, dispatcher…",
        list="relationships",
        **_limit(Contact, "relationship"),
    )
    email = _text(
        "Email", type="email", autocomplete="off", inputmode="email", **_limit(Contact, "email")
    )
    mobile = _text(
        "Mobile",
        help_text="For text messages. 10 digits, or + and the country code.",
        type="tel",
        maxlength=str(PHONE_INPUT_MAX_LENGTH),
    )
    phone = _text(
        "Other phone",
        help_text="Landline or work number.",
        type="tel",
        maxlength=str(PHONE_INPUT_MAX_LENGTH),
    )
    preferred_number = _choice(
        "Preferred number", [("mobile", "Mobile"), ("phone", "Other phone")], initial="mobile"
    )
    notify = _choice(
        "Send estimates by", NotifyPreference.choices, radio=True, initial=NotifyPreference.EMAIL
    )
    language = _choice(
        "Language",
        [(Language.NONE, "No preference"), (Language.EN, "English"), (Language.ES, "Español")],
        initial=Language.NONE,
        help_text="Their estimate page opens in this language. With no preference it follows "
        "the language they pick on the page, else their phone's; emails and texts are then "
        "in English.",
    )
    approval_right = _choice(
        "Approval rights",
        ApprovalRight.choices,
        radio=True,
        initial=ApprovalRight.APPROVE,
        help_text="View only: they see the estimate but cannot approve or decline. Designated "
        "authorizer: someone the customer designated in writing to authorize repairs "
        "(California BPC 9884.9(d)).",
    )
    approval_limit = _text(
        "Approval limit per RO ($, before tax)",
        help_text="Leave empty for no limit. Above it, the rest of the work is sent to the "
        "contacts who can approve it.",
        inputmode="decimal",
    )
    designated_by_id = _choice(
        "Designated by",
        [],
        help_text="For a designated authorizer: the customer's contact who signed the designation.",
    )

    def __init__(self, *args, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["designated_by_id"].widget.choices = [("", "—")] + [
            (str(c.pk), f"{c.name} ({c.relationship_label})") for c in others
        ]

    @classmethod
    def initial_from(cls, contact) -> dict[str, Any]:
        """The contact's values as staff typed them, with numbers shown the readable way."""
        return {
            "name": contact.name,
            "relationship": contact.relationship,
            "email": contact.email,
            "mobile": format_phone(contact.mobile),
            "phone": format_phone(contact.phone),
            "preferred_number": contact.preferred_number,
            "notify": contact.notify,
            "language": contact.language,
            "approval_right": contact.approval_right,
            "approval_limit": f"{contact.approval_limit:.2f}" if contact.approval_limit else "",
            "designated_by_id": str(contact.designated_by_id or ""),
        }


class VehicleForm(forms.Form):
    vin = _text(
        "VIN",
        help_text="17 characters; the check digit is verified after saving.",
        maxlength=str(VIN_INPUT_MAX_LENGTH),
        autocapitalize="characters",
        spellcheck="false",
    )
    year = _text("Year", inputmode="numeric", maxlength="4")
    make = _text("Make", **_limit(Vehicle, "make"))
    model = _text("Model", **_limit(Vehicle, "model"))
    unit_number = _text(
        "Unit number", help_text="Fleet unit number, if any.", **_limit(Vehicle, "unit_number")
    )
    license_plate = _text("License plate", **_limit(Vehicle, "license_plate"))
    odometer = _text("Odometer", inputmode="numeric")


class RepairOrderForm(forms.Form):
    vehicle_id = _choice("Vehicle", [])
    advisor_id = _choice("Advisor", [])
    etr = forms.CharField(
        label="Estimated time of repair",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    odometer_in = _text("Odometer in", inputmode="numeric")
    po_number = _text(
        "PO number",
        help_text="The customer's purchase-order number: printed on the estimate and the "
        "authorization certificate.",
        **_limit(RepairOrder, "po_number"),
    )
    internal_notes = _textarea(
        "Internal notes",
        RepairOrder,
        "internal_notes",
        rows=3,
        help_text="Only staff see these: never the customer's page, PDF, email or text.",
    )
    customer_notes = _textarea(
        "Notes for the customer",
        RepairOrder,
        "customer_notes",
        rows=3,
        help_text="Shown with the estimate, on the customer's page and in the PDF.",
    )

    def __init__(self, *args, vehicles=(), advisors=(), tz_name: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle_id"].widget.choices = [("", "No vehicle")] + [
            (str(v.pk), f"{v.description}{' · ' + v.vin if v.vin else ''}") for v in vehicles
        ]
        self.fields["advisor_id"].widget.choices = [("", "Unassigned")] + [
            (str(u.pk), staff_name(u)) for u in advisors
        ]
        self.fields["etr"].help_text = f"In the shop's time zone ({tz_name})."


class ShopSettingsForm(forms.Form):
    name = _text("Shop name", **_limit(Shop, "name"))
    phone = _text("Phone", type="tel", maxlength=str(PHONE_INPUT_MAX_LENGTH))
    email = _text("Email", type="email", **_limit(Shop, "email"))
    address = _text("Address", **_limit(Shop, "address"))
    timezone = _choice(
        "Time zone",
        [],
        help_text="Times on estimates, emails and the customer page, and quiet hours, are in it.",
    )
    tax_rate = _text("Sales tax rate (%)", help_text="e.g. 9.25", inputmode="decimal")
    default_labor_rate = _text(
        "Default labor rate ($/hour)",
        help_text="Pre-filled on new labor lines.",
        inputmode="decimal",
    )
    paper_size = _choice("Paper size for PDFs", PaperSize.choices)
    link_expiry_days = _text(
        "Share links expire after (days)",
        help_text="Customers' personal links stop working after this many days (1–365).",
        inputmode="numeric",
    )
    sms_status = _choice(
        "Text messaging registration",
        SmsStatus.choices,
        help_text="Texts are offered only once the messaging provider has approved the shop.",
    )
    sms_sender = _text(
        "Text sender",
        help_text="The approved sender number (+1…) or messaging service SID (MG…).",
        **_limit(Shop, "sms_sender"),
    )
    allow_recommendation_approval = forms.BooleanField(
        label="Allow contacts to approve recommendations on their link",
        required=False,
        help_text="On: a contact can approve or decline recommended work on their personal link. "
        "Off: the link shows recommendations without buttons, and they are approved at the "
        "counter (approval in person) or by staff on the customer's behalf.",
    )
    capture_recommendation_approver = forms.BooleanField(
        label="Capture who approved each recommendation, with a signature",
        required=False,
        help_text="On: whoever approves a recommendation, on their link or at the counter, is "
        "named and signs for it, and the authorization summary lists it. Off: recommendation "
        "answers are recorded without naming anyone or asking for a signature.",
    )
    signature_policy = _choice(
        "Drawn signature on approvals",
        SignaturePolicy.choices,
        initial=SignaturePolicy.ALWAYS,
        help_text="When a contact approving on their link or at the counter must draw a "
        "signature. Never: they type their name and tick the consent instead. First "
        "authorization only: a drawing on the RO's first approval, a typed name after that. "
        "Always: a drawing on every approval.",
    )
    over_estimate_rule = _choice(
        "Over-estimate rule",
        RULE_CHOICES,
        radio=True,
        help_text="How far the work may pass what the customer authorized (before tax) before "
        "they must authorize again. Past it, staff are warned when recording an approval, the "
        "RO shows a banner and is listed on Today, and it cannot be marked ready for pickup or "
        "completed until a new authorization covers the amount.",
    )
    over_limit_percent = _text(
        "Custom rule: up to this percent over the authorized amount (%)", inputmode="decimal"
    )
    over_limit_amount = _text(
        "…or up to this amount over it ($)",
        help_text="For the custom rule: a percent, an amount, or both (then whichever is less).",
        inputmode="decimal",
    )
    reminder_delay_hours = _text(
        "Remind unanswered shares after (hours)",
        help_text="When no one opened the link or answered. Never during quiet hours.",
        inputmode="numeric",
    )
    reminder_max = _text(
        "Reminders per share, at most",
        help_text="0 sends none. Reminders stop as soon as anyone answers.",
        inputmode="numeric",
    )
    fallback_channel = forms.ChoiceField(
        label="When a message cannot be delivered",
        choices=FallbackChannel.choices,
        help_text="The other channel is used only when the contact has it and agreed to it.",
    )
    quiet_hours_start = forms.CharField(
        label="Quiet hours from", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_hours_end = forms.CharField(
        label="Quiet hours until",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="No reminders are sent between these times (shop time).",
    )

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].widget.choices = timezone_choices(self.initial.get("timezone", ""))
        if read_only:
            for f in self.fields.values():
                f.disabled = True

    @classmethod
    def initial_from(cls, shop) -> dict[str, Any]:
        def _time(value):
            return value.strftime("%H:%M") if value else ""

        def _plain(value):
            return "" if value is None else f"{value.normalize():f}"

        return {
            "name": shop.name,
            "phone": format_phone(shop.phone),
            "email": shop.email,
            "address": shop.address,
            "timezone": shop.timezone,
            "tax_rate": _plain(shop.tax_rate),
            "default_labor_rate": shop.default_labor_rate,
            "paper_size": shop.paper_size,
            "link_expiry_days": shop.link_expiry_days,
            "sms_status": shop.sms_status,
            "sms_sender": shop.sms_sender,
            "allow_recommendation_approval": shop.allow_recommendation_approval,
            "capture_recommendation_approver": shop.capture_recommendation_approver,
            "signature_policy": shop.signature_policy,
            "over_estimate_rule": shop.over_estimate_rule,
            "over_limit_percent": _plain(shop.over_limit_percent),
            "over_limit_amount": _plain(shop.over_limit_amount),
            "reminder_delay_hours": shop.reminder_delay_hours,
            "reminder_max": shop.reminder_max,
            "fallback_channel": shop.fallback_channel,
            "quiet_hours_start": _time(shop.quiet_hours_start),
            "quiet_hours_end": _time(shop.quiet_hours_end),
        }

    def service_data(self) -> dict[str, Any]:
        """Every field, including unticked boxes (a browser leaves those out of the POST)."""
        return {name: self.cleaned_data.get(name) for name in self.fields}


class EsignDisclosureForm(forms.Form):
    text_en = forms.CharField(
        label="English",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "maxlength": "8000"}),
        help_text="Shown on the English page. Leave empty for Signoff's standard text.",
    )
    text_es = forms.CharField(
        label="Spanish",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "maxlength": "8000", "lang": "es"}),
        help_text="Shown on the Spanish page, as written. Leave empty for Signoff's standard "
        "Spanish text.",
    )

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if read_only:
            for f in self.fields.values():
                f.disabled = True


class ProfileForm(forms.Form):
    email = forms.CharField(
        label="Your email address",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": "254"}),
    )
    email_on_answer = forms.BooleanField(
        label="Email me when a customer answers on an RO I advise",
        required=False,
        help_text="You always see new answers on the Today page.",
    )


class ApiTokenForm(forms.Form):
    name = _text(
        "Token name",
        help_text="What it is for, e.g. “DMS integration”.",
        **_limit(ApiToken, "name"),
    )


# --- Operations: a fixed set of fields plus any number of priced lines --------------------------


class OperationForm(forms.Form):
    title = _text(
        "Title",
        placeholder="e.g. Replace front brake pads and rotors",
        **_limit(Operation, "title"),
    )
    kind = _choice(
        "Kind",
        [
            (OperationKind.ESTIMATE, "Estimate work"),
            (OperationKind.RECOMMENDATION, "Recommendation (for later)"),
        ],
        radio=True,
        initial=OperationKind.ESTIMATE,
    )
    complaint = _textarea("Complaint", Operation, "complaint", rows=2)
    cause = _textarea("Cause", Operation, "cause", rows=2)
    correction = _textarea("Correction", Operation, "correction", rows=2)


LINE_FIELDS = ("description", "part_number", "quantity", "unit_price")
# `lines-<row>-kind`: a row number the page wrote, so a few ASCII digits (not "²" or 5,000 of them).
_LINE_KIND_KEY = re.compile(r"lines-([0-9]{1,6})-kind")
# What a shop usually taxes: parts and fees. Labor is untaxed in many states (California).
TAXABLE_BY_DEFAULT = {LineKind.LABOR: False, LineKind.PART: True, LineKind.FEE: True}


@dataclass
class LineInput:
    """One line row of the operation form, as typed, with the messages for its fields."""

    index: int
    kind: str
    description: str = ""
    part_number: str = ""
    quantity: str = ""
    unit_price: str = ""
    taxable: bool = True
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        # A row posted with a kind the page never offers is shown (with the service's
        # message on it), not dropped.
        return LineKind(self.kind).label if self.kind in LineKind.values else "Line"

    @property
    def is_blank(self) -> bool:
        # Empty rows start with a pre-filled labor rate or part quantity; those alone are no line.
        if self.kind == LineKind.LABOR:
            return not (self.description or self.quantity)
        return not (self.description or self.part_number or self.unit_price)


def blank_line(*, index: int, kind: str, labor_rate) -> LineInput:
    return LineInput(
        index=index,
        kind=kind,
        unit_price=f"{labor_rate:.2f}" if kind == LineKind.LABOR else "",
        quantity="1" if kind == LineKind.PART else "",
        taxable=TAXABLE_BY_DEFAULT[kind],
    )


def lines_from_post(post: Mapping[str, Any]) -> list[LineInput]:
    """The line rows in a submitted operation form (`lines-<n>-<field>`), in row order. A row of
    an unknown kind is kept: the service refuses it, rather than the row vanishing."""
    indices = sorted({int(match[1]) for key in post if (match := _LINE_KIND_KEY.fullmatch(key))})
    rows = []
    for i in indices:
        p = f"lines-{i}-"
        kind = post.get(p + "kind", "")
        rows.append(
            LineInput(
                index=i,
                kind=kind,
                taxable=bool(post.get(p + "taxable")),
                **{f: str(post.get(p + f, "")).strip() for f in LINE_FIELDS},
            )
        )
    return rows


def lines_from_operation(operation) -> list[LineInput]:
    return [
        LineInput(
            index=i,
            kind=ln.kind,
            description=ln.description,
            part_number=ln.part_number,
            quantity=f"{ln.quantity.normalize():f}",
            unit_price=f"{ln.unit_price:.2f}",
            taxable=ln.taxable,
        )
        for i, ln in enumerate(operation.entered_lines)
    ]


def lines_for_service(rows: list[LineInput]) -> tuple[list[dict[str, Any]], list[LineInput]]:
    """(lines to send to the service, the rows they came from). Blank rows are left out."""
    used = [r for r in rows if not r.is_blank]
    data = [
        {
            "kind": r.kind,
            "description": r.description,
            "part_number": r.part_number if r.kind == LineKind.PART else "",
            "quantity": "1" if r.kind == LineKind.FEE else r.quantity,
            "unit_price": r.unit_price or "0",
            "taxable": r.taxable,
        }
        for r in used
    ]
    return data, used


def apply_line_errors(exc: ValidationFailed, used: list[LineInput]) -> None:
    """Copies `lines.<n>.<field>` messages onto the rows that were sent as line n."""
    for key, message in exc.fields.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isascii() and parts[1].isdigit():
            n = int(parts[1])
            if n < len(used):
                used[n].errors[parts[2]] = message
