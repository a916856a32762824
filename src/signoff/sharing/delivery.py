"""The outbox: claim a message, send it once, retry with backoff, and sweep up lost work.

The `Message` row is the truth, not the task: a django-tasks-db task that raises stays FAILED
and one whose worker was killed stays RUNNING forever. Every status change is a conditional
UPDATE, or an UPDATE of rows locked as they were read (the claim), so two workers never both
own a message, and is recorded as a MESSAGE_STATUS event in the same transaction. Delivering a
message writes twice: the claim (which the worker makes for a batch of messages at once), and
the result.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from signoff.approvals.models import Event, EventKind
from signoff.sharing.channels import DeliveryError, send
from signoff.sharing.models import Channel, Message, MessageStatus
from signoff.sharing.signals import message_not_delivered

logger = logging.getLogger(__name__)

QUEUED = MessageStatus.QUEUED
SENDING = MessageStatus.SENDING
RETRY = MessageStatus.RETRY
SENT = MessageStatus.SENT
DELIVERED = MessageStatus.DELIVERED
UNDELIVERED = MessageStatus.UNDELIVERED
FAILED = MessageStatus.FAILED

# How far along each status is. A later report never moves a message back: delivered stays
# delivered, whatever arrives after it.
PROGRESS = {QUEUED: 0, RETRY: 0, SENDING: 0, SENT: 1, UNDELIVERED: 2, FAILED: 2, DELIVERED: 3}
NOT_YET_SENT = [QUEUED, RETRY, SENDING]
MAX_BACKOFF = timedelta(hours=1)
SWEEP_BATCH = 500

# Twilio's MessageStatus values that we track; queued/accepted/sending add nothing we lack.
PROVIDER_STATUSES = {
    "sent": SENT,
    "delivered": DELIVERED,
    "read": DELIVERED,
    "undelivered": UNDELIVERED,
    "failed": FAILED,
}

# What sending reads: the shop (names, sender), the RO number, the contact, the share with its
# version (its number; the content only when the PDF is rendered the first time) and the link.
_FOR_SENDING = ("shop", "repair_order", "contact", "share__version", "link__contact")
# Read when a status changes: enough to check the change and record it.
_STATUS_FIELDS = ("status", "attempts", "shop_id", "repair_order_id", "channel", "last_error")


def message_deliver(message_id: int) -> str:
    """Deliver one outbox message if it is due and nobody else holds it; return its new status.

    Returns "skipped" when the message is not due, already handled, or claimed elsewhere, so
    running the task twice sends once.
    """
    claimed = messages_claim([message_id])
    if not claimed:
        return "skipped"
    (message,) = claimed
    return message_result_record(message, message_send(message))


@dataclass(frozen=True)
class SendOutcome:
    """What one send came to: the provider's id, or the reason it did not go out."""

    provider_id: str = ""
    error: str = ""
    permanent: bool = False


def messages_claim(message_ids: Iterable[int]) -> list[Message]:
    """Take those of these messages that are due, each with a lease, in one transaction; return
    them, ready to send (the others are not due, already handled, or another worker's).

    The rows are locked while they are read, so the one UPDATE that moves them all to
    `sending` changes exactly those read, and two workers never both take one. Run inside the
    caller's transaction when there is one (the worker claims the tasks in the same one).
    """
    now = timezone.now()
    lease_until = now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    with transaction.atomic(savepoint=False):
        messages = list(
            Message.objects.select_related(*_FOR_SENDING)
            # The version's snapshot is the largest thing here; only a first PDF render needs it.
            .defer("share__version__content")
            .select_for_update(of=("self",))
            .filter(_due(now), pk__in=list(message_ids))
            # One order for every worker: two claims wait for each other, never deadlock.
            .order_by("pk")
        )
        if not messages:
            return []
        Message.objects.filter(pk__in=[m.pk for m in messages]).update(
            status=SENDING,
            attempts=F("attempts") + 1,
            lease_until=lease_until,
            next_attempt_at=None,
        )
        Event.objects.bulk_create(
            _event(_State.of(m), to=SENDING, attempts=m.attempts + 1) for m in messages
        )
    for message in messages:
        message.status, message.attempts = SENDING, message.attempts + 1
        message.lease_until, message.next_attempt_at = lease_until, None
    return messages


def message_send(message: Message) -> SendOutcome:
    """Send a claimed message through its channel. Writes nothing: the result is recorded by
    `message_result_record`, after the send, in a transaction of its own."""
    try:
        return SendOutcome(provider_id=send(message))
    except DeliveryError as exc:
        return SendOutcome(error=exc.reason, permanent=exc.permanent)
    except Exception as exc:
        # A bug or an outage we did not foresee must not leave the row stuck in `sending`.
        logger.exception("Delivering message %s failed unexpectedly", message.pk)
        return SendOutcome(error=f"Unexpected error while sending: {type(exc).__name__}: {exc}")


def message_result_record(message: Message, outcome: SendOutcome) -> str:
    """Record what sending a claimed message came to (sent, retry or failed), with its event,
    in one transaction (the caller's, when there is one); return the message's status."""
    with transaction.atomic(savepoint=False):
        if outcome.error:
            return _fail(message, outcome.error, permanent=outcome.permanent)
        return _mark_sent(message, outcome.provider_id)


def messages_release(messages: Sequence[Message]) -> None:
    """Give back claimed messages that were not sent (the worker is stopping, or the batch
    ran long): each returns to the status and attempt count it had, due at once."""
    with transaction.atomic(savepoint=False):
        for message in messages:
            # Only a claim counts attempts, so a message with none before this one was queued.
            _move(
                message.pk,
                when=Q(status=SENDING),
                to=QUEUED if message.attempts == 1 else RETRY,
                was=_State.of(message),
                attempts=message.attempts - 1,
                data={"released": True},
                lease_until=None,
                next_attempt_at=None,
            )


def message_sweep() -> list[int]:
    """Re-enqueue messages whose task was lost; return their ids.

    Catches queued or retrying rows that no worker picked up in time (a lost enqueue) and
    sending rows whose lease ran out (a worker killed mid-send). A text may then go out twice:
    delivery is at-least-once.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    lost = (
        Q(status=QUEUED, created_at__lt=stale)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=stale))
    ) | Q(status=RETRY, next_attempt_at__lt=stale)
    requeue: list[int] = []
    for pk in Message.objects.filter(lost).values_list("pk", flat=True)[:SWEEP_BATCH]:
        # next_attempt_at doubles as "last swept", so a long queue is not flooded with copies.
        if Message.objects.filter(lost, pk=pk).update(next_attempt_at=now):
            requeue.append(pk)
    expired = Q(status=SENDING, lease_until__lt=now)
    for message in Message.objects.filter(expired).only("pk", "attempts")[:SWEEP_BATCH]:
        if message.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
            reason = (
                f"The worker stopped during attempt {message.attempts} of "
                f"{settings.DELIVERY_MAX_ATTEMPTS}; it may or may not have gone out."
            )
            _move(message.pk, when=expired, to=FAILED, last_error=reason, lease_until=None)
        elif _move(
            message.pk,
            when=expired,
            to=RETRY,
            next_attempt_at=now,
            lease_until=None,
            last_error="The worker stopped while sending; sending again.",
        ):
            requeue.append(message.pk)
    for pk in requeue:
        _enqueue(pk)
    return requeue


def message_status_report(
    *, callback_code: str, provider_id: str, provider_status: str, error: str = ""
) -> str | None:
    """Apply a text provider's delivery report: the message's new status, or None when the
    report changes nothing.

    The report must name a message we sent (its callback code, and its SID when we know it),
    and only moves the status forward.
    """
    status = PROVIDER_STATUSES.get(provider_status)
    message = Message.objects.filter(callback_code=callback_code, channel=Channel.SMS).first()
    if status is None or message is None or not provider_id:
        return None
    # A report for an earlier send of a message that was sent again is not about this one.
    if message.provider_id and message.provider_id != provider_id:
        return None
    fields: dict = {"provider_id": provider_id, "lease_until": None}
    if status == DELIVERED:
        fields["delivered_at"] = timezone.now()
    if status in (UNDELIVERED, FAILED):
        fields["last_error"] = error or "The carrier did not deliver the text."
    earlier = [s for s, rank in PROGRESS.items() if rank < PROGRESS[status]]
    moved = _move(
        message.pk,
        when=Q(status__in=earlier),
        to=status,
        data={"provider_status": provider_status, "error": error},
        **fields,
    )
    return None if moved is None else status


def backoff_delay(attempt: int) -> timedelta:
    """Exponential backoff with jitter: about base × 2^(attempt-1), between half and all of it."""
    ceiling = min(
        settings.DELIVERY_BASE_DELAY_SECONDS * 2 ** (attempt - 1), MAX_BACKOFF.total_seconds()
    )
    # Jitter spreads retries after an outage so they do not all land on the provider at once.
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def _due(now: datetime) -> Q:
    """Waiting for a send (new, or a retry whose time has come)."""
    return Q(status__in=[QUEUED, RETRY]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _mark_sent(message: Message, provider_id: str) -> str:
    fields = {
        "data": {"provider_id": provider_id},
        "provider_id": provider_id,
        "sent_at": timezone.now(),
        "lease_until": None,
        "next_attempt_at": None,
        "last_error": "",
    }
    # Still ours, as a rule; else whatever it became meanwhile (the sweeper may have put a slow
    # send back to retry), as long as it was not sent yet.
    moved = _move(
        message.pk, when=Q(status__in=NOT_YET_SENT), to=SENT, was=_State.of(message), **fields
    ) or _move(message.pk, when=Q(status__in=NOT_YET_SENT), to=SENT, **fields)
    if moved is None:
        # A delivery report got here first and already moved it on; keep the provider's id.
        Message.objects.filter(pk=message.pk, provider_id="").update(provider_id=provider_id)
        return Message.objects.values_list("status", flat=True).get(pk=message.pk)
    return SENT


def _fail(message: Message, reason: str, *, permanent: bool = False) -> str:
    mine = Q(status=SENDING, attempts=message.attempts)
    was = _State.of(message)
    if permanent or message.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        if not permanent:
            reason = f"Gave up after {message.attempts} attempts. Last error: {reason}"
        _move(message.pk, when=mine, to=FAILED, was=was, last_error=reason, lease_until=None)
        return FAILED
    retry_at = timezone.now() + backoff_delay(message.attempts)
    moved = _move(
        message.pk,
        when=mine,
        to=RETRY,
        was=was,
        data={"retry_at": retry_at.isoformat()},
        last_error=reason,
        next_attempt_at=retry_at,
        lease_until=None,
    )
    if moved:
        _enqueue(message.pk, run_after=retry_at)
    return RETRY


@dataclass(frozen=True)
class _State:
    """What a status change checks and records: the status and attempt count it moves from."""

    message_id: int
    status: str
    attempts: int
    shop_id: int
    repair_order_id: int
    channel: str
    last_error: str

    @classmethod
    def of(cls, message: Message) -> _State:
        return cls(message.pk, **{name: getattr(message, name) for name in _STATUS_FIELDS})


def _move(
    message_id: int,
    *,
    when: Q,
    to: str,
    was: _State | None = None,
    data: dict | None = None,
    attempts: int | None = None,
    **fields,
) -> str | None:
    """Change a message's status if `when` holds, and record the change as an event, in one
    transaction. Returns the status it had, or None when it did not change.

    `was` is the message as the caller last read it (else its status is read here): the
    UPDATE only applies while the row still has that status and attempt count, so of two
    racing workers only one changes it. `attempts` is the new attempt count, if it changes.
    """
    with transaction.atomic(savepoint=False):
        if was is None:
            row = Message.objects.filter(when, pk=message_id).values(*_STATUS_FIELDS).first()
            if row is None:
                return None
            was = _State(message_id, **row)
        if attempts is None:
            attempts = was.attempts
        mine = Message.objects.filter(when, pk=message_id, status=was.status, attempts=was.attempts)
        if not mine.update(status=to, attempts=attempts, **fields):
            return None
        error = fields.get("last_error", was.last_error)
        _event(was, to=to, attempts=attempts, error=error, data=data).save()
        if to in (UNDELIVERED, FAILED):
            # The other channel, when the shop sends it at once (reminders.py); after the
            # commit, so this status stands whatever happens there (an error is logged).
            transaction.on_commit(
                lambda: message_not_delivered.send(sender=Message, message_id=message_id),
                robust=True,
            )
    return was.status


def _event(
    was: _State, *, to: str, attempts: int, error: str = "", data: dict | None = None
) -> Event:
    """The MESSAGE_STATUS event of one status change, not saved yet."""
    return Event(
        shop_id=was.shop_id,
        repair_order_id=was.repair_order_id,
        kind=EventKind.MESSAGE_STATUS,
        message_id=was.message_id,
        data={
            "channel": was.channel,
            "status": to,
            "previous": was.status,
            "attempt": attempts,
            **({"error": error} if to in (RETRY, FAILED, UNDELIVERED) else {}),
            **(data or {}),
        },
    )


def _enqueue(message_id: int, *, run_after: datetime | None = None) -> None:
    message_enqueue(message_id, run_after=run_after)


# The background task. Tasks take message ids, never objects. ----------------------------------


@task()
def message_deliver_task(message_id: int) -> str:
    """Send one outbox message; safe to run twice (the message row decides who sends)."""
    return message_deliver(message_id)


def message_enqueue(message_id: int, *, run_after: datetime | None = None) -> None:
    """Queue delivery of one outbox message. share_create calls this after its commit."""
    job = message_deliver_task
    # Backends that cannot defer run it now; the claim then skips it until it is due and the
    # sweeper queues it again later.
    if run_after is not None and job.get_backend().supports_defer:
        job = job.using(run_after=run_after)
    job.enqueue(message_id)
