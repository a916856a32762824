"""Customers (people and fleets), the contacts who may approve for them, and their vehicles."""

from django.db import models
from django.db.models.functions import Upper

from signoff.core.formatting import money
from signoff.core.validation import EMAIL_MAX_LENGTH
from signoff.shops.models import Shop

# A vehicle's model year and odometer (miles), as staff may enter them. The odometer's ceiling
# also keeps it inside a database integer; repair orders use it for the odometer in.
FIRST_MODEL_YEAR, LAST_MODEL_YEAR = 1900, 2100
MAX_ODOMETER = 9_999_999

# Staff search by the end of a VIN (the serial part, read off a sticker or the dash); a stored
# tail of this length answers "ends with" from an index, which LIKE '%…' cannot use.
VIN_TAIL_LENGTH = 6


class CustomerKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    BUSINESS = "business", "Business / fleet"


class Customer(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="customers")
    kind = models.CharField(
        max_length=12, choices=CustomerKind.choices, default=CustomerKind.INDIVIDUAL
    )
    name = models.CharField(max_length=150, help_text="Person's full name or company name.")
    notes = models.TextField(blank=True, max_length=10_000)
    # A business (fleet) may require its purchase-order number on every RO: such an RO is not
    # shared or completed without one (orders.selectors.po_number_problem).
    requires_po = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["shop", "name"])]

    def __str__(self) -> str:
        return self.name


class NotifyPreference(models.TextChoices):
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    BOTH = "both", "Email and text"


class Language(models.TextChoices):
    # No preference: the customer page follows the language the contact picks on it, else
    # their browser's (signing.inputs.language_for); what is sent is in English.
    NONE = "", "No preference"
    EN = "en", "English"
    ES = "es", "Español"


class ApprovalRight(models.TextChoices):
    """What a contact may do with an estimate (signing.selectors, approvals.rights)."""

    APPROVE = "approve", "Can approve"
    VIEW_ONLY = "view_only", "View only"
    # California BPC 9884.9(d) and 16 CCR 3354(c): the customer may designate, in writing,
    # another person to authorize repairs; the record names who designated them.
    DESIGNATED = "designated", "Designated authorizer"


# The largest per-RO approval limit a contact can have (the money fields' range).
APPROVAL_LIMIT_MAX_DIGITS = 12


class Contact(models.Model):
    """Someone who may receive the estimate and approve it. Contacts never log in."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="contacts")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    is_primary = models.BooleanField(default=False)
    name = models.CharField(max_length=150)
    relationship = models.CharField(
        max_length=60, blank=True, help_text="To the primary contact: spouse, fleet manager, …"
    )
    email = models.EmailField(blank=True, max_length=EMAIL_MAX_LENGTH)
    # Stored in E.164 (+15551234567); validated with phonenumbers in services.
    mobile = models.CharField(max_length=20, blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="Other number (landline, work).")
    preferred_number = models.CharField(
        max_length=10,
        choices=[("mobile", "Mobile"), ("phone", "Other number")],
        default="mobile",
    )
    notify = models.CharField(
        max_length=10, choices=NotifyPreference.choices, default=NotifyPreference.EMAIL
    )
    language = models.CharField(
        max_length=5, choices=Language.choices, default=Language.NONE, blank=True
    )
    approval_right = models.CharField(
        max_length=12, choices=ApprovalRight.choices, default=ApprovalRight.APPROVE
    )
    # Per repair order, before tax: what this contact's approvals on one RO may add up to
    # (approvals.rights). None: no limit.
    approval_limit = models.DecimalField(
        max_digits=APPROVAL_LIMIT_MAX_DIGITS, decimal_places=2, null=True, blank=True
    )
    # A designated authorizer's designation: the contact who designated them, and when staff
    # recorded it.
    designated_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    designated_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_primary", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_primary=True),
                name="contact_one_primary_per_customer",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def preferred_phone(self) -> str:
        if self.preferred_number == "phone" and self.phone:
            return self.phone
        return self.mobile or self.phone

    @property
    def message_language(self) -> str:
        """The language of what is sent to the contact: their preference, else English."""
        return self.language or Language.EN

    @property
    def can_approve(self) -> bool:
        return self.approval_right != ApprovalRight.VIEW_ONLY

    @property
    def rights_label(self) -> str:
        """For staff: "Can approve up to $1,000.00 per RO (before tax)", "View only", …"""
        if self.approval_right == ApprovalRight.VIEW_ONLY:
            return "View only"
        text = "Can approve"
        if self.approval_right == ApprovalRight.DESIGNATED:
            by = self.designated_by.name if self.designated_by_id else "the customer"
            text = f"Designated authorizer (by {by})"
        if self.approval_limit is not None:
            text += f" up to {money(self.approval_limit)} per RO (before tax)"
        return text

    @property
    def relationship_label(self) -> str:
        return "Primary" if self.is_primary else (self.relationship or "Additional contact")


class Vehicle(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="vehicles")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="vehicles")
    vin = models.CharField(max_length=17, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    make = models.CharField(max_length=40, blank=True)
    model = models.CharField(max_length=60, blank=True)
    unit_number = models.CharField(max_length=30, blank=True, help_text="Fleet unit number.")
    license_plate = models.CharField(max_length=15, blank=True)
    odometer = models.PositiveIntegerField(null=True, blank=True)
    # The VIN's last characters, kept by save(); see VIN_TAIL_LENGTH.
    vin_tail = models.CharField(max_length=VIN_TAIL_LENGTH, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["shop", "vin"]),
            models.Index(fields=["shop", "vin_tail"], name="vehicle_vin_tail"),
            models.Index(fields=["shop", "license_plate"], name="vehicle_plate"),
            # Unit numbers are kept as typed and found whatever the case.
            models.Index(models.F("shop"), Upper("unit_number"), name="vehicle_unit_number"),
        ]

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs) -> None:
        self.vin_tail = self.vin[-VIN_TAIL_LENGTH:].upper()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "vin" in update_fields:
            kwargs["update_fields"] = {*update_fields, "vin_tail"}
        super().save(*args, **kwargs)

    @property
    def description(self) -> str:
        parts = [str(self.year or ""), self.make, self.model]
        text = " ".join(p for p in parts if p).strip() or "Vehicle"
        if self.unit_number:
            text += f" (unit {self.unit_number})"
        return text
