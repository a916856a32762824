"""Evidence of authorization: append-only, hash-chained decisions and the signatures behind them."""

from django.conf import settings
from django.db import models

from signoff.core.models import AppendOnlyModel
from signoff.customers.models import Contact
from signoff.orders.models import MONEY_MAX_DIGITS, Operation, RepairOrder
from signoff.shops.models import Shop


class ReasonKind(models.TextChoices):
    PHONE = "phone", "Phone call"
    VERBAL = "verbal", "Verbal (in person)"
    WRITTEN = "written", "Written (email, text, note)"
    OTHER = "other", "Other"


# Kinds that are oral consent: the record must name the person (and, for a call, the number).
ORAL_REASON_KINDS = frozenset({ReasonKind.PHONE, ReasonKind.VERBAL})

DEFAULT_REASONS = [
    ("Phone call", ReasonKind.PHONE),
    ("Verbal at front counter", ReasonKind.VERBAL),
    ("Email", ReasonKind.WRITTEN),
    ("Text message", ReasonKind.WRITTEN),
    ("Case note", ReasonKind.WRITTEN),
    ("Other", ReasonKind.OTHER),
]


class ApprovalReason(models.Model):
    """A reason staff pick when deciding on the customer's behalf. Retired, never deleted."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="approval_reasons")
    label = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=ReasonKind.choices, default=ReasonKind.OTHER)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        db_table = "shops_approvalreason"  # where it was created
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def is_oral(self) -> bool:
        return self.kind in ORAL_REASON_KINDS


class EstimateVersion(AppendOnlyModel):
    """An immutable snapshot of an RO's operations, statuses and totals, numbered 1, 2, …"""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Canonical JSON snapshot; content_hash is SHA-256 over its canonical serialization.
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    total = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "sharing_estimateversion"  # where it was created; moved here as evidence
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["repair_order", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.repair_order.label} v{self.number}"


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DEFERRED = "deferred", "Deferred"
    DECLINED = "declined", "Declined"


# What staff may record on the customer's behalf, and what counts as decided (an RO may be sent
# once every operation is one of these). Pending is never chosen: it is the absence of a
# decision, or what a change to the operation returns it to.
DECIDABLE_STATUSES = (Status.APPROVED, Status.DEFERRED, Status.DECLINED)
# The word on the decision pop-up's title and confirm button, and in the status drop-down.
STATUS_VERBS = {Status.APPROVED: "Approve", Status.DEFERRED: "Defer", Status.DECLINED: "Decline"}
# (value, verb) pairs for the form and the status drop-down.
DECISION_CHOICES = [(status.value, STATUS_VERBS[status]) for status in DECIDABLE_STATUSES]
# What the amount recorded with a decision means (the oral-authorization record's amount).
AMOUNT_LABELS = {
    Status.APPROVED: "Amount authorized",
    Status.DECLINED: "Amount declined",
    Status.DEFERRED: "Amount deferred",
}


class Source(models.TextChoices):
    ON_BEHALF = "on_behalf", "On behalf of the customer"
    LINK = "link", "Customer share link"
    IN_PERSON = "in_person", "In person"
    SYSTEM = "system", "Reset after a change"


def source_label(source: str) -> str:
    """How a decision or signature was given, in words; an unknown value is shown as it is."""
    return Source(source).label if source in Source.values else str(source)


class Signature(AppendOnlyModel):
    """A drawn signature, bound to the hash of the estimate version it was given for."""

    class Kind(models.TextChoices):
        ESTIMATE = "estimate", "Estimate"
        RECOMMENDATION = "recommendation", "Recommendations"
        # Left at drop-off: work up to `amount` (before tax) may be done without asking again.
        NOT_TO_EXCEED = "not_to_exceed", "Not-to-exceed amount"

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="+")
    repair_order = models.ForeignKey(
        RepairOrder, on_delete=models.PROTECT, related_name="signatures"
    )
    version = models.ForeignKey(
        EstimateVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    version_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ESTIMATE)
    source = models.CharField(max_length=12, choices=Source.choices)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, null=True, related_name="+")
    contact_name = models.CharField(max_length=150)
    contact_relationship = models.CharField(max_length=60, blank=True)
    # The link it came through (its owner may differ from the signer).
    via_link = models.ForeignKey(
        "sharing.ShareLink", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=2)
    # Empty when no drawing was asked for (the shop's signature policy): `typed_name` holds
    # the name the contact typed instead.
    svg = models.TextField(blank=True)
    png = models.BinaryField(blank=True)
    typed_name = models.CharField(max_length=150, blank=True)
    # The shop's signature policy when this was given (shops.SignaturePolicy) and whether it
    # asked for a drawing; empty on signatures from before the policy existed (all drawn).
    policy = models.CharField(max_length=8, blank=True)
    drawing_required = models.BooleanField(default=True)
    consent_text = models.TextField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField()
    # Signatures share the RO's hash chain with decisions (one sequence for both), so removing
    # a signature breaks the chain just as removing a decision does.
    sequence = models.PositiveIntegerField()
    prev_hash = models.CharField(max_length=64)
    # SHA-256 over the canonical content including version_hash and the PNG's digest.
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["repair_order", "sequence"], name="signature_chain_order"
            ),
        ]


class EsignDisclosure(AppendOnlyModel):
    """A version of a shop's own consumer disclosure for doing business electronically (E-SIGN
    Act, 15 U.S.C. 7001(c)), in English and Spanish. Editing the text writes the next version;
    a shop with none shows Signoff's standard text, version 1 (signing.esign)."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    text_en = models.TextField(max_length=8000)
    text_es = models.TextField(max_length=8000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "number"], name="esign_disclosure_number")
        ]


class EsignConsent(AppendOnlyModel):
    """A contact's acceptance of one version of the e-sign disclosure, recorded once per contact,
    version and text (the standard text changes with the shop's details, approvals.esign), in
    the hash chain of the RO it was given on (approvals.chain)."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="+")
    repair_order = models.ForeignKey(
        RepairOrder, on_delete=models.PROTECT, related_name="esign_consents"
    )
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="esign_consents")
    contact_name = models.CharField(max_length=150)
    disclosure_version = models.PositiveIntegerField()
    language = models.CharField(max_length=5)
    # The disclosure exactly as shown, and its SHA-256 (of the UTF-8 text).
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=12, choices=Source.choices)
    via_link = models.ForeignKey(
        "sharing.ShareLink", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField()
    sequence = models.PositiveIntegerField()
    prev_hash = models.CharField(max_length=64)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "disclosure_version", "text_sha256"],
                name="esign_consent_once_per_text",
            ),
            models.UniqueConstraint(
                fields=["repair_order", "sequence"], name="esign_consent_chain_order"
            ),
        ]


class Decision(AppendOnlyModel):
    """One approval decision on one operation. An operation's status is its latest decision."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="+")
    repair_order = models.ForeignKey(
        RepairOrder, on_delete=models.PROTECT, related_name="decisions"
    )
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="decisions")
    operation_revision = models.PositiveIntegerField()
    # Position in the RO's chain: 1, 2, 3, … (unique per RO, so concurrent writers serialize).
    sequence = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who gave the approval (snapshot of name and relationship as shown at the time).
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact_name = models.CharField(max_length=150, blank=True)
    contact_relationship = models.CharField(max_length=60, blank=True)
    via_link = models.ForeignKey(
        "sharing.ShareLink", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.ForeignKey(
        ApprovalReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason_label = models.CharField(max_length=80, blank=True)
    comment = models.TextField(blank=True, max_length=2000)
    # Oral authorization record (California BPC 9884.9): number called, work and amount authorized.
    phone_number = models.CharField(max_length=20, blank=True)
    work_description = models.TextField(blank=True)
    amount = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=2, null=True, blank=True
    )
    version = models.ForeignKey(
        EstimateVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    signature = models.ForeignKey(
        Signature, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    content_hash = models.CharField(max_length=64)

    @property
    def amount_label(self) -> str:
        return AMOUNT_LABELS.get(self.status, "Amount")

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["repair_order", "sequence"], name="decision_chain_order"
            ),
        ]
        indexes = [
            models.Index(fields=["operation", "-sequence"]),
            # The Today page: the shop's answers through links, newest.
            models.Index(fields=["shop", "source", "created_at"], name="decision_shop_source_time"),
        ]


class EventKind(models.TextChoices):
    """The closed set of evidence events kept for an RO."""

    DECISION_RECORDED = "decision_recorded", "Decision recorded"
    SIGNATURE_CAPTURED = "signature_captured", "Signature captured"
    VERSION_CREATED = "version_created", "Estimate version created"
    SHARE_CREATED = "share_created", "Estimate shared"
    LINK_OPENED = "link_opened", "Link opened"
    LINK_REVOKED = "link_revoked", "Link revoked"
    MESSAGE_STATUS = "message_status", "Message status changed"
    OPERATION_CHANGED = "operation_changed", "Operation changed after a decision"
    LINK_REVEALED = "link_revealed", "Link shown to staff"
    RO_STATUS_CHANGED = "ro_status_changed", "RO status changed"
    APPROVAL_ROUTED = "approval_routed", "Sent for approval above a contact's limit"
    ESIGN_CONSENTED = "esign_consented", "E-sign disclosure accepted"
    REMINDER_QUEUED = "reminder_queued", "Reminder queued"
    FALLBACK_QUEUED = "fallback_queued", "Sent again by the other channel"


class Event(AppendOnlyModel):
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="+")
    repair_order = models.ForeignKey(RepairOrder, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Indexed by event_link_kind_time below, whose first column it is: no index of its own.
    share_link = models.ForeignKey(
        "sharing.ShareLink",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        db_index=False,
    )
    message = models.ForeignKey(
        "sharing.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["repair_order", "kind"]),
            # The RO's last event of any kind: what "Updated" shows in the RO list.
            models.Index(fields=["repair_order", "created_at"], name="event_ro_time"),
            # A link's openings (first, last, how many) without reading them all.
            models.Index(fields=["share_link", "kind", "created_at"], name="event_link_kind_time"),
        ]
