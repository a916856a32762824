"""Tenancy: shops, who works in them and in which role, and each shop's own settings."""

import datetime as dt
import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from signoff.core.validation import EMAIL_MAX_LENGTH


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    ADVISOR = "advisor", "Service advisor"
    TECHNICIAN = "technician", "Technician"


# Roles allowed to change estimates, decisions and shares. Technicians only read.
EDITOR_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.ADVISOR})
# Roles allowed to change shop settings and the reason list.
ADMIN_ROLES = frozenset({Role.OWNER, Role.MANAGER})


class PaperSize(models.TextChoices):
    LETTER = "us-letter", "Letter"
    A4 = "a4", "A4"


class SmsStatus(models.TextChoices):
    NOT_REGISTERED = "not_registered", "Not registered"
    PENDING = "pending", "Registration pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class FallbackChannel(models.TextChoices):
    """What happens when a message to a contact cannot be delivered (sharing.reminders)."""

    OFFER = "offer", "Offer the other channel on the RO page"
    SEND = "send", "Send by the other channel at once"


class LogoType(models.TextChoices):
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"
    SVG = "svg", "SVG"


class OverEstimateRule(models.TextChoices):
    """How far the work on an RO may pass what the customer authorized before a new
    authorization is needed (approvals.amounts applies it; docs/authorization.md cites each
    statute)."""

    NONE = "none", "No rule"
    CALIFORNIA = "california", "California"
    MICHIGAN = "michigan", "Michigan"
    FLORIDA = "florida", "Florida"
    OHIO = "ohio", "Ohio"
    CUSTOM = "custom", "Custom"


class SignaturePolicy(models.TextChoices):
    """When an approval through a link or at the counter needs a drawn signature, as Shopmonkey's
    e-signature setting offers it ("Never / First authorization / Always"). Without one the
    contact types their name and ticks the consent (signing.selectors.signature_requirement)."""

    NEVER = "never", "Never: typed name and consent"
    FIRST = "first", "First authorization only"
    ALWAYS = "always", "Always"


# The customer page's brand colour (portal.css `--brand`) from before shops chose their own.
DEFAULT_ACCENT = "#0b3d91"


class Shop(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, shown to customers.")
    email = models.EmailField(blank=True, max_length=EMAIL_MAX_LENGTH)
    address = models.CharField(max_length=250, blank=True)
    timezone = models.CharField(max_length=64, default="America/Los_Angeles")
    # Percent, e.g. 8.25 for 8.25 %.
    tax_rate = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    default_labor_rate = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("150.00")
    )
    paper_size = models.CharField(
        max_length=10, choices=PaperSize.choices, default=PaperSize.LETTER
    )
    link_expiry_days = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    # Text messaging: the provider's registration status and the sender to use.
    sms_status = models.CharField(
        max_length=20, choices=SmsStatus.choices, default=SmsStatus.NOT_REGISTERED
    )
    sms_sender = models.CharField(
        max_length=40, blank=True, help_text="Sender number (E.164) or messaging service SID."
    )
    # Shop settings > RO info > Recommendation approvals.
    allow_recommendation_approval = models.BooleanField(default=False)
    capture_recommendation_approver = models.BooleanField(default=False)
    signature_policy = models.CharField(
        max_length=8, choices=SignaturePolicy.choices, default=SignaturePolicy.ALWAYS
    )
    # The over-estimate rule (a preset, or custom: the percent and/or amount below, whichever
    # is less). Past it, the RO cannot be marked ready or completed without a new authorization.
    over_estimate_rule = models.CharField(
        max_length=12, choices=OverEstimateRule.choices, default=OverEstimateRule.NONE
    )
    over_limit_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    over_limit_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # Reminders of unanswered shares (sharing.reminders): after this delay, at most this many,
    # never in the quiet hours (shop time; both empty: none).
    reminder_delay_hours = models.PositiveIntegerField(default=24)
    reminder_max = models.PositiveSmallIntegerField(default=1)
    quiet_hours_start = models.TimeField(null=True, blank=True, default=dt.time(20, 0))
    quiet_hours_end = models.TimeField(null=True, blank=True, default=dt.time(8, 0))
    # A message that could not be delivered: offer the contact's other channel on the RO page,
    # or send it at once.
    fallback_channel = models.CharField(
        max_length=8, choices=FallbackChannel.choices, default=FallbackChannel.OFFER
    )
    # Settings > Branding (shops/branding.py): the accent colour of the customer page, the
    # emails and the PDFs, and the logo, whose files are in the default storage under names
    # made of the shop and the SHA-256 of the file as stored (sanitized, re-encoded).
    accent_color = models.CharField(max_length=7, default=DEFAULT_ACCENT)
    logo_sha256 = models.CharField(max_length=64, blank=True)
    logo_type = models.CharField(max_length=4, choices=LogoType.choices, blank=True)
    logo_width = models.PositiveIntegerField(default=0)
    logo_height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def sms_enabled(self) -> bool:
        return self.sms_status == SmsStatus.APPROVED and bool(self.sms_sender)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ADVISOR)
    # The member's own choice (their profile): an email when a customer answers on an RO they
    # advise. Always told in the app (the Today page).
    email_on_answer = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "shop"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.shop} ({self.role})"

    @property
    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES

    @property
    def can_admin(self) -> bool:
        return self.role in ADMIN_ROLES


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A Bearer token for the staff API. Belongs to one user in one shop; only its hash is kept."""

    PREFIX = "sgf_"

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="First characters, to recognise the token.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)
