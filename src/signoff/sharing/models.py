"""Shares, personal share links and the outbox of messages sent."""

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from signoff.approvals.models import EstimateVersion
from signoff.core.models import AppendOnlyModel
from signoff.core.paging import BoundedCount, bounded
from signoff.customers.models import Contact
from signoff.orders.models import RepairOrder
from signoff.shops.models import Shop


class ShareKind(models.TextChoices):
    """The two ways to share, named as the buttons on the RO page name them (seed 000)."""

    REQUEST_APPROVAL = "request_approval", "Request approval"
    # Shares made before this name existed were stored as "send_updated" (migrated); the API
    # still accepts that spelling.
    SEND_TO_CUSTOMER = "send_to_customer", "Send to Customer"


class Share(AppendOnlyModel):
    """One act of sending a version to chosen contacts."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="shares")
    version = models.ForeignKey(EstimateVersion, on_delete=models.PROTECT, related_name="shares")
    kind = models.CharField(max_length=20, choices=ShareKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    include_etr = models.BooleanField(default=True)
    notes = models.TextField(blank=True, max_length=2000)
    sections = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class ShareLink(models.Model):
    """A personal link for one contact on one RO.

    No usable token is stored: the token is derived from `token_nonce` with the server's secret
    key (see `sharing.links`), and only its SHA-256 is kept for lookups.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="links")
    repair_order = models.ForeignKey(
        RepairOrder, on_delete=models.CASCADE, related_name="share_links"
    )
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    # Random input to the token's HMAC; blank on links minted before tokens were derived, whose
    # token cannot be produced again.
    token_nonce = models.CharField(max_length=32, blank=True, default="")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Openings are not stored on the link: each one is a LINK_OPENED event (an insert, so opening
    # a link never updates a row). `sharing.selectors.with_openings` annotates these three from
    # the events; a link read without it (one just minted) counts as never opened.
    open_count = 0
    first_opened_at: datetime | None = None
    last_opened_at: datetime | None = None

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def openings(self) -> BoundedCount:
        """How often the link was opened: exact up to COUNT_AHEAD, then "1,000+" (a link that a
        preview scanner or a bot opened thousands of times costs the RO page no more)."""
        return bounded(self.open_count)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def is_active(self, now: datetime | None = None) -> bool:
        """Whether the link still opens: neither withdrawn by staff nor past its expiry."""
        return not self.is_revoked and not self.is_expired(now)

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_hex(16)

    @staticmethod
    def hash_token(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


def _callback_code() -> str:
    return secrets.token_hex(16)


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    RETRY = "retry", "Waiting to retry"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    UNDELIVERED = "undelivered", "Undelivered"
    FAILED = "failed", "Failed"


class MessageKind(models.TextChoices):
    """What a message is for: sharing an estimate, or confirming a contact's signed answers."""

    SHARE = "share", "Estimate"
    CONFIRMATION = "confirmation", "Confirmation of answers"
    # Work a contact chose to approve above their limit, sent to who can approve it.
    APPROVAL_REQUEST = "approval_request", "Approval needed above a limit"
    # A share's message again, to a contact who neither opened it nor answered (reminders.py).
    REMINDER = "reminder", "Reminder"


class Message(models.Model):
    """An outbox row: the truth about one email or text, whatever happened to its task."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=MessageKind.choices, default=MessageKind.SHARE)
    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="messages")
    share = models.ForeignKey(
        Share, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    link = models.ForeignKey(
        ShareLink, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A confirmation's submission, named by its first decision: one confirmation per submission
    # and channel (the constraint below), however the request that made it was retried.
    confirms = models.ForeignKey(
        "approvals.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    to_address = models.CharField(max_length=254)
    # Human-readable list of the other recipients ("Also sent to: …").
    cc_text = models.CharField(max_length=500, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    callback_code = models.CharField(max_length=32, default=_callback_code)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # A share's message: when its next reminder is due (sharing.reminders), None for none.
    remind_at = models.DateTimeField(null=True, blank=True)
    # A reminder: which one of its message's (1, 2, …); the message it reminds of.
    reminder_number = models.PositiveSmallIntegerField(null=True, blank=True)
    reminds = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    # Sent by another channel because this one could not be delivered (sharing.reminders).
    fallback_of = models.OneToOneField(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="fallback"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["remind_at"], name="message_remind_at"),
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["provider_id"]),
            # Has the shop texted this number before (selectors.number_texted_before)?
            models.Index(fields=["shop", "to_address"], name="message_shop_recipient"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["confirms", "channel"],
                condition=models.Q(kind="confirmation"),
                name="one_confirmation_per_submission_and_channel",
            ),
            models.UniqueConstraint(
                fields=["reminds", "reminder_number"],
                condition=models.Q(kind="reminder"),
                name="one_reminder_per_number",
            ),
        ]


class OutboxCapture(models.Model):
    """The dev outbox: what would have been sent when no SMTP or Twilio is configured."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="capture")
    raw = models.BinaryField(help_text="The full RFC 5322 email, or the text body.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class WorkerHeartbeat(models.Model):
    """A running delivery worker reporting in: one row per worker, rewritten as it runs.

    `signoff worker` writes its row when it starts and then every few seconds from its loop
    (sharing.health); /healthz and the staff pages read the newest `seen_at` to tell whether
    anything is delivering messages at all.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname} pid {self.pid}"
