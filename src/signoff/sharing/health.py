"""Is delivery working? The workers' heartbeats, the queue's longest wait, and what to do.

The one home of the rule. Each `signoff worker` reports in (`heartbeat_record`) when it starts
and at most every HEARTBEAT_SECONDS from its loop. Delivery is stalled when the task backend
needs a worker and none has reported in for settings.WORKER_HEARTBEAT_STALE_SECONDS, or when a
message has waited to be sent for more than settings.QUEUE_STALE_MINUTES. /healthz reports
`delivery_health()`; the staff pages show a banner from `delivery_health(shop=…)`.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Min, Q
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from signoff.core.formatting import duration
from signoff.sharing.delivery import message_deliver_task
from signoff.sharing.models import Message, MessageStatus, WorkerHeartbeat
from signoff.shops.models import Shop

# Often enough to stay far inside the stale window, rarely enough to leave SQLite's single
# write lock to the deliveries: not on every poll of the queue.
HEARTBEAT_SECONDS = 10.0
# Rows of workers gone for longer than this are removed by the sweeper.
HEARTBEAT_KEEP = timedelta(days=1)


@dataclass(frozen=True)
class DeliveryHealth:
    """What /healthz and the staff banner need to know about delivery, read in two queries."""

    # Whether anything but a worker can run deliveries: not with the database task backend.
    worker_required: bool
    # Seconds since any worker last reported in; None when none ever has (or all were pruned).
    heartbeat_age: float | None
    # Seconds the longest-waiting message has waited to be sent: queued since it was written, or
    # past its retry time, or past the lease of a worker that stopped while sending it. None
    # when nothing is waiting.
    oldest_waiting_age: float | None
    worker_stale_seconds: int
    queue_stale_seconds: int

    @property
    def worker_missing(self) -> bool:
        """A worker is needed and none has reported in within the window."""
        if not self.worker_required:
            return False
        return self.heartbeat_age is None or self.heartbeat_age > self.worker_stale_seconds

    @property
    def queue_stuck(self) -> bool:
        """A message has waited longer than the window to be sent."""
        age = self.oldest_waiting_age
        return age is not None and age > self.queue_stale_seconds

    @property
    def stalled(self) -> bool:
        return self.worker_missing or self.queue_stuck

    @property
    def problems(self) -> dict[str, str]:
        """For whoever runs Signoff: "worker" and "queue", each a sentence with what to do."""
        found = {}
        if self.worker_missing:
            limit = duration(self.worker_stale_seconds)
            since = (
                "has ever reported in"
                if self.heartbeat_age is None
                else f"has reported in for {duration(self.heartbeat_age)} (more than {limit})"
            )
            found["worker"] = (
                f"No delivery worker {since}: start `signoff worker`, or read its log for why "
                "it stopped. Until one runs, emails and texts wait in the queue."
            )
        if self.queue_stuck:
            found["queue"] = (
                f"A message has waited {duration(self.oldest_waiting_age or 0)} to be sent "
                f"(more than {duration(self.queue_stale_seconds)}): check that `signoff worker` "
                "is running and read its log; the mail server or Twilio may be unreachable."
            )
        return found


def delivery_health(*, shop: Shop | None = None, now: datetime | None = None) -> DeliveryHealth:
    """Delivery as it stands; with a shop, the queue part counts only that shop's messages."""
    now = now or timezone.now()
    newest = WorkerHeartbeat.objects.aggregate(seen=Max("seen_at"))["seen"]
    waiting = Message.objects.filter(
        status__in=[MessageStatus.QUEUED, MessageStatus.RETRY, MessageStatus.SENDING]
    )
    if shop is not None:
        waiting = waiting.filter(shop=shop)
    since = waiting.aggregate(
        queued=Min("created_at", filter=Q(status=MessageStatus.QUEUED)),
        retry=Min("next_attempt_at", filter=Q(status=MessageStatus.RETRY, next_attempt_at__lt=now)),
        sending=Min("lease_until", filter=Q(status=MessageStatus.SENDING, lease_until__lt=now)),
    )
    earliest = min((t for t in since.values() if t is not None), default=None)
    return DeliveryHealth(
        worker_required=worker_required(),
        heartbeat_age=_age(newest, now),
        oldest_waiting_age=_age(earliest, now),
        worker_stale_seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS,
        queue_stale_seconds=settings.QUEUE_STALE_MINUTES * 60,
    )


def worker_required() -> bool:
    """Deliveries wait for `signoff worker` only when their task backend is the database's."""
    return isinstance(message_deliver_task.get_backend(), DatabaseBackend)


def heartbeat_record(*, worker_id: str, started_at: datetime) -> None:
    """Write this worker's row: when it started and that it is running now (one statement)."""
    beat = WorkerHeartbeat(
        worker_id=worker_id,
        hostname=socket.gethostname()[:255],
        pid=os.getpid(),
        started_at=started_at,
        seen_at=timezone.now(),
    )
    WorkerHeartbeat.objects.bulk_create(
        [beat],
        update_conflicts=True,
        unique_fields=["worker_id"],
        update_fields=["hostname", "pid", "started_at", "seen_at"],
    )


def heartbeats_prune(*, now: datetime | None = None) -> int:
    """Forget workers that have not reported in for HEARTBEAT_KEEP; return how many."""
    cutoff = (now or timezone.now()) - HEARTBEAT_KEEP
    deleted, _ = WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()
    return deleted


def _age(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else max((now - moment).total_seconds(), 0.0)
