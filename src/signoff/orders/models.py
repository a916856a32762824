"""Repair orders and their operations (line items) with labor, part and fee lines."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from signoff.customers.models import Customer, Vehicle
from signoff.shops.models import Shop


class RoStatus(models.TextChoices):
    """Where an RO is in its lifecycle (approvals.lifecycle moves it): the estimate's stretch
    follows shares and decisions by itself; the work's stretch is moved by staff."""

    ESTIMATE = "estimate", "Estimate"
    AWAITING = "awaiting", "Awaiting approval"
    APPROVED = "approved", "Approved"
    PARTLY_APPROVED = "partly_approved", "Partly approved"
    DECLINED = "declined", "Declined"
    IN_PROGRESS = "in_progress", "Work in progress"
    READY = "ready", "Ready for pickup"
    COMPLETED = "completed", "Completed"
    CLOSED = "closed", "Closed"


class RepairOrder(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="repair_orders")
    number = models.PositiveIntegerField(help_text="Shop-wide RO number.")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="repair_orders")
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="repair_orders", null=True, blank=True
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=RoStatus.choices, default=RoStatus.ESTIMATE)
    # When the status last changed (approvals.lifecycle): "waiting for an answer since".
    status_changed_at = models.DateTimeField(null=True, blank=True)
    etr = models.DateTimeField("estimated time of repair", null=True, blank=True)
    odometer_in = models.PositiveIntegerField(null=True, blank=True)
    # Two notes, never one: the staff's own, which no customer-facing page, PDF, email or text
    # ever shows, and the note the customer reads with the estimate (in its snapshot).
    internal_notes = models.TextField(blank=True, max_length=10_000)
    customer_notes = models.TextField(blank=True, max_length=10_000)
    # The customer's purchase-order number (fleets): printed on the estimate and the certificate.
    po_number = models.CharField("PO number", max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "number"], name="ro_number_unique_per_shop")
        ]
        indexes = [
            models.Index(fields=["shop", "-created_at"]),
            # The Today page and the list's "waiting more than N hours".
            models.Index(fields=["shop", "status", "status_changed_at"], name="ro_status_since"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"RO {self.number}"


class OperationKind(models.TextChoices):
    ESTIMATE = "estimate", "Estimate"
    RECOMMENDATION = "recommendation", "Recommendation"


class Operation(models.Model):
    """One line-item job on an RO. Its approval status is its latest Decision (approvals app)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="operations")
    repair_order = models.ForeignKey(
        RepairOrder, on_delete=models.CASCADE, related_name="operations"
    )
    kind = models.CharField(
        max_length=16, choices=OperationKind.choices, default=OperationKind.ESTIMATE
    )
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    complaint = models.TextField(blank=True, max_length=5_000)
    cause = models.TextField(blank=True, max_length=5_000)
    correction = models.TextField(blank=True, max_length=5_000)
    # Bumped on every priced or textual change, so a decision knows what it approved.
    revision = models.PositiveIntegerField(default=1)
    # Operations with decisions are never deleted (decisions are evidence): they are removed.
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["repair_order", "position"])]

    def __str__(self) -> str:
        return self.title

    @property
    def entered_lines(self) -> list["OperationLine"]:
        """The lines in the order staff entered them: the list `orders.selectors.
        live_operations()` prefetched (PREFETCHED_LINES), else one query."""
        prefetched = self.__dict__.get(PREFETCHED_LINES)
        if prefetched is not None:
            return prefetched
        return list(self.lines.order_by("position", "id"))


# A plain list rather than the `lines` manager's cache: Django builds a filtered queryset per
# operation to hold a prefetched relation, a measurable share of an RO page of 20 operations.
PREFETCHED_LINES = "_entered_lines"


class LineKind(models.TextChoices):
    LABOR = "labor", "Labor"
    PART = "part", "Part"
    FEE = "fee", "Fee"


# The largest quantity or unit price a line takes, either sign (a negative fee is a discount):
# quantity's column holds seven digits before the point.
MAX_LINE_NUMBER = Decimal("9999999.99")
# Digits of every stored amount of money (a version's total, a decision's and a signature's
# amount). An RO's lines may add up to at most half of what they hold, the other half being
# room for tax (a shop's rate is at most 100 %).
MONEY_MAX_DIGITS = 12
MAX_RO_LINES_AMOUNT = (Decimal(10) ** (MONEY_MAX_DIGITS - 2) - Decimal("0.01")) / 2


class OperationLine(models.Model):
    """A priced line: labor (hours × rate), part (quantity × unit price) or fee (1 × amount)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=8, choices=LineKind.choices)
    position = models.PositiveIntegerField(default=0)
    part_number = models.CharField(max_length=40, blank=True)
    description = models.CharField(max_length=200, blank=True)
    # Hours for labor, quantity for parts, 1 for fees.
    quantity = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("1"))
    # Rate for labor, unit price for parts, amount for fees.
    unit_price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    taxable = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="line_quantity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.description or self.part_number or self.get_kind_display()


class RoSeen(models.Model):
    """When a staff member last opened an RO's page: what the Today page's "answered since you
    last looked" compares with. Bookkeeping, not evidence: rewritten on every visit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "repair_order"], name="ro_seen_once_per_user")
        ]
