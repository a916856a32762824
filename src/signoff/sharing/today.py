"""The advisor's day at a glance (the staff Today page, and the counts in the top bar): who
answered since you last looked, who has waited longest, what failed to arrive, which links
are about to expire, and which ROs now come to more than was authorized."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from signoff.approvals.amounts import OverAuthorized, ros_over_authorized
from signoff.approvals.selectors import customer_answers
from signoff.orders.models import RepairOrder, RoSeen, RoStatus
from signoff.sharing.models import Message, MessageStatus, ShareLink
from signoff.shops.access import Actor

SHOWN = 20  # rows per section
FAILED_SHOWN_DAYS = 7
EXPIRING_WITHIN = dt.timedelta(hours=48)
FAILED = (MessageStatus.FAILED, MessageStatus.UNDELIVERED)


@dataclass(frozen=True)
class Answered:
    repair_order: RepairOrder
    at: dt.datetime


@dataclass(frozen=True)
class TodayCounts:
    answered: int
    failed: int

    @property
    def total(self) -> int:
        return self.answered + self.failed


@dataclass
class Today:
    answered: list[Answered] = field(default_factory=list)
    waiting: list[RepairOrder] = field(default_factory=list)
    failed: list[Message] = field(default_factory=list)
    expiring: list[ShareLink] = field(default_factory=list)
    over_authorized: list[OverAuthorized] = field(default_factory=list)
    answered_count: int = 0
    failed_count: int = 0

    @property
    def quiet(self) -> bool:
        return not (
            self.answered or self.waiting or self.failed or self.expiring or self.over_authorized
        )


def _unread_answers(actor: Actor) -> list[tuple[int, dt.datetime]]:
    """(RO id, last answer) of the ROs a contact answered after `actor` last opened them,
    newest first."""
    answers = customer_answers(shop=actor.shop)
    seen = dict(
        RoSeen.objects.filter(user=actor.user, repair_order_id__in=answers).values_list(
            "repair_order_id", "seen_at"
        )
    )
    unread = [(ro, at) for ro, at in answers.items() if ro not in seen or at > seen[ro]]
    return sorted(unread, key=lambda pair: pair[1], reverse=True)


def _failed(actor: Actor):
    since = timezone.now() - dt.timedelta(days=FAILED_SHOWN_DAYS)
    return Message.objects.filter(shop=actor.shop, status__in=FAILED, created_at__gte=since)


def today_counts(*, actor: Actor) -> TodayCounts:
    """What the top bar counts: unread answers and recent failed deliveries."""
    return TodayCounts(answered=len(_unread_answers(actor)), failed=_failed(actor).count())


def today(*, actor: Actor) -> Today:
    """Everything the Today page shows, each section at most SHOWN rows."""
    unread = _unread_answers(actor)
    shown = unread[:SHOWN]
    ros = RepairOrder.objects.filter(shop=actor.shop).select_related("customer", "advisor")
    by_id = ros.in_bulk([ro_id for ro_id, _ in shown])
    now = timezone.now()
    failed = _failed(actor)
    return Today(
        answered=[Answered(by_id[ro_id], at) for ro_id, at in shown if ro_id in by_id],
        answered_count=len(unread),
        waiting=list(
            ros.filter(status=RoStatus.AWAITING).order_by("status_changed_at", "pk")[:SHOWN]
        ),
        failed=list(
            failed.select_related("repair_order", "contact").order_by("-created_at", "-pk")[:SHOWN]
        ),
        failed_count=failed.count(),
        expiring=list(
            ShareLink.objects.filter(
                shop=actor.shop,
                revoked_at__isnull=True,
                expires_at__gt=now,
                expires_at__lte=now + EXPIRING_WITHIN,
                repair_order__status=RoStatus.AWAITING,
            )
            .select_related("repair_order", "contact")
            .order_by("expires_at", "pk")[:SHOWN]
        ),
        over_authorized=ros_over_authorized(shop=actor.shop)[:SHOWN],
    )
