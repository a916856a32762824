"""Reminders of unanswered shares, and the other channel when a message cannot be delivered.

A Request Approval share's message plans its first reminder when it is written (`remind_at`):
the shop's delay (`reminder_delay_hours`, default 24 h) after it, moved out of the shop's quiet
hours (shop time, default 20:00–08:00) to the moment they end. The worker's sweeper sends the
reminders that are due (`reminders_send_due`): by the same channel, to the same address, with
the same personal link, at most `reminder_max` per message (default 1), each the delay after
the one before.

A reminder is never sent, and none is planned any more, once the share is answered
(`reminder_stop_reason`, the one rule the sweeper and the RO page share): a decision by anyone
on the RO since the share (a contact's, or staff's on their behalf or at the counter; the
system's return to Pending after an edit is no answer), an opening of any of the share's links,
a newer Request Approval on the RO, a revoked or expired link, or an RO that moved on to work or
closed. A message still on its way waits; one that failed has no reminder.

When a message ends undelivered or failed for good, the contact's other channel (if they have
it and agreed to it, `rules.channel_unavailable`) is offered on the RO page, or sent at once when
the shop chose so (`fallback_channel`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from signoff.approvals.models import Decision, Event, EventKind, Source
from signoff.approvals.selectors import ro_decisions_of
from signoff.core.errors import Conflict, NotFound
from signoff.orders.models import RepairOrder, RoStatus
from signoff.sharing import rules
from signoff.sharing.compose import compose_message
from signoff.sharing.models import Channel, Message, MessageKind, MessageStatus, Share, ShareKind
from signoff.shops.access import Actor, require_editor
from signoff.shops.models import FallbackChannel, Shop

logger = logging.getLogger(__name__)

# Statuses of an RO past the estimate's stretch: nothing is left to answer.
DONE_STATUSES = frozenset(
    {RoStatus.IN_PROGRESS, RoStatus.READY, RoStatus.COMPLETED, RoStatus.CLOSED}
)
ON_ITS_WAY = frozenset({MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.RETRY})
GONE_OUT = frozenset({MessageStatus.SENT, MessageStatus.DELIVERED})
NOT_DELIVERED = frozenset({MessageStatus.UNDELIVERED, MessageStatus.FAILED})
# Reminders the sweeper sends in one pass; the rest wait for the next (30 s later).
SEND_BATCH = 200


# When -----------------------------------------------------------------------------------------


def quiet_hours_end(shop: Shop, when: dt.datetime) -> dt.datetime | None:
    """The moment the quiet hours around `when` end (aware, UTC), or None outside them.

    Hours that pass midnight (20:00–08:00) end the next morning; a start equal to the end is
    no quiet time. Read on the shop's clock, so across a change to or from daylight saving
    time the hours keep their wall-clock times."""
    start, end = shop.quiet_hours_start, shop.quiet_hours_end
    if start is None or end is None or start == end:
        return None
    zone = ZoneInfo(shop.timezone)
    local = when.astimezone(zone)
    now = local.time()
    if start < end:
        inside, ends_on = start <= now < end, local.date()
    else:
        inside = now >= start or now < end
        ends_on = local.date() + dt.timedelta(days=1) if now >= start else local.date()
    if not inside:
        return None
    return dt.datetime.combine(ends_on, end, tzinfo=zone).astimezone(dt.UTC)


def reminder_time(shop: Shop, after: dt.datetime) -> dt.datetime:
    """When a reminder for a message sent at `after` goes: the delay later, out of quiet hours."""
    due = after + dt.timedelta(hours=shop.reminder_delay_hours)
    return quiet_hours_end(shop, due) or due


def reminder_first_at(share: Share) -> dt.datetime | None:
    """When the first reminder of a new share's messages is due (None: the share gets none)."""
    if share.kind != ShareKind.REQUEST_APPROVAL or share.shop.reminder_max < 1:
        return None
    return reminder_time(share.shop, timezone.now())


# Whether -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    """What stops an RO's reminders, read once for the RO (three queries)."""

    last_answer_at: dt.datetime | None  # the latest decision that is an answer
    opened_shares: frozenset[int]  # shares with a link opened
    latest_request: int | None  # the RO's latest Request Approval share

    @classmethod
    def of(cls, repair_order_id: int) -> Answered:
        last = (
            Decision.objects.filter(repair_order_id=repair_order_id)
            .exclude(source=Source.SYSTEM)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        opened = Event.objects.filter(
            repair_order_id=repair_order_id, kind=EventKind.LINK_OPENED
        ).values_list("share_link__share_id", flat=True)
        latest = (
            Share.objects.filter(repair_order_id=repair_order_id, kind=ShareKind.REQUEST_APPROVAL)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        return cls(last, frozenset(opened.distinct()), latest)

    @classmethod
    def on_page(cls, repair_order: RepairOrder, *, messages: list, links: list) -> Answered:
        """The same from what the RO page has read already: its decisions (prefetched), its
        messages with their shares, and its links with their openings (`with_openings`)."""
        answers = [d.created_at for d in ro_decisions_of(repair_order) if d.source != Source.SYSTEM]
        requests = [
            m.share_id
            for m in messages
            if m.share_id and m.share.kind == ShareKind.REQUEST_APPROVAL
        ]
        opened = frozenset(link.share_id for link in links if link.first_opened_at)
        return cls(max(answers, default=None), opened, max(requests, default=None))


def reminder_stop_reason(
    message: Message, *, answered: Answered | None = None, now: dt.datetime | None = None
) -> str:
    """Why this share message gets no more reminders ("" while they go on): the one rule the
    sweeper and the RO page apply. Reads the message's share, link and RO (select them with
    it), and `answered` (read here when not given)."""
    now = now or timezone.now()
    share, link, ro = message.share, message.link, message.repair_order
    if share is None or link is None or share.kind != ShareKind.REQUEST_APPROVAL:
        return "not a request for approval"
    if message.status in NOT_DELIVERED:
        return "the message was not delivered"
    if link.revoked_at is not None:
        return "the link was revoked"
    if link.expires_at <= now:
        return "the link expired"
    if ro.status in DONE_STATUSES:
        return "the repair order moved on"
    answered = answered or Answered.of(ro.pk)
    if answered.last_answer_at is not None and answered.last_answer_at >= share.created_at:
        return "answered"
    if share.pk in answered.opened_shares:
        return "the link was opened"
    if answered.latest_request != share.pk:
        return "shared again since"
    return ""


# Sending -------------------------------------------------------------------------------------


def _due_messages(now: dt.datetime):
    return (
        Message.objects.filter(remind_at__lte=now, kind=MessageKind.SHARE)
        .select_related("shop", "share__version", "share__shop", "link", "repair_order", "contact")
        .order_by("remind_at", "pk")
    )


def reminders_send_due(*, now: dt.datetime | None = None) -> list[int]:
    """Queue the reminders that are due; return the new messages' ids. Safe to run in several
    workers at once: each reminder is claimed by moving its message's `remind_at` first."""
    now = now or timezone.now()
    queued: list[int] = []
    for message in _due_messages(now)[:SEND_BATCH]:
        try:
            reminder = _remind(message, now=now)
        except Exception:
            # One message that cannot be reminded (a bug, a broken row) must not stop the rest;
            # it is logged and tried again on the next pass.
            logger.exception("Reminder for message %s failed", message.pk)
            continue
        if reminder is not None:
            queued.append(reminder.pk)
    return queued


def _claim(message: Message, *, next_at: dt.datetime | None) -> bool:
    moved = Message.objects.filter(pk=message.pk, remind_at=message.remind_at).update(
        remind_at=next_at
    )
    return moved == 1


def _remind(message: Message, *, now: dt.datetime) -> Message | None:
    shop = message.shop
    if message.status in ON_ITS_WAY:
        # Not out yet: remind the delay after it goes (or fails), not before.
        _claim(message, next_at=reminder_time(shop, now))
        return None
    if reminder_stop_reason(message, now=now):
        _claim(message, next_at=None)
        return None
    quiet_end = quiet_hours_end(shop, now)
    if quiet_end is not None:  # the quiet hours began meanwhile, or were changed
        _claim(message, next_at=quiet_end)
        return None
    sent = message.reminders.count()
    if sent >= shop.reminder_max:
        _claim(message, next_at=None)
        return None
    number = sent + 1
    next_at = reminder_time(shop, now) if number < shop.reminder_max else None
    with transaction.atomic():
        if not _claim(message, next_at=next_at):
            return None  # another worker took it
        try:
            with transaction.atomic():
                reminder = _reminder_write(message, number=number)
        except IntegrityError:
            return None  # that reminder exists already
    _enqueue_after_commit(reminder.pk)
    return reminder


def _reminder_write(message: Message, *, number: int) -> Message:
    return _resend(
        message,
        channel=message.channel,
        kind=MessageKind.REMINDER,
        event=EventKind.REMINDER_QUEUED,
        data={"reminder": number, "reminds": message.pk},
        reminds=message,
        reminder_number=number,
    )


def _resend(message: Message, *, channel: str, kind: str, event: str, data: dict, **fields):
    """A share message written again for its link's contact on `channel` (a reminder, or the
    other channel), with the event that records it. The caller enqueues it after commit."""
    contact = message.contact
    composed = compose_message(
        share=message.share,
        contact=contact,
        channel=channel,
        cc_text=message.cc_text,
        reminder=kind == MessageKind.REMINDER,
    )
    again = Message.objects.create(
        shop_id=message.shop_id,
        kind=kind,
        repair_order_id=message.repair_order_id,
        share=message.share,
        link=message.link,
        contact=contact,
        channel=channel,
        to_address=message.to_address
        if channel == message.channel
        else (contact.email if channel == Channel.EMAIL else contact.mobile),
        cc_text=message.cc_text,
        subject=composed.subject,
        body_text=composed.body_text,
        body_html=composed.body_html,
        **fields,
    )
    Event.objects.create(
        shop_id=message.shop_id,
        repair_order_id=message.repair_order_id,
        kind=event,
        share_link=message.link,
        message=again,
        data={**data, "channel": channel},
    )
    return again


def _enqueue_after_commit(message_id: int) -> None:
    from signoff.sharing.delivery import message_enqueue

    transaction.on_commit(lambda: message_enqueue(message_id), robust=True)


# What the RO page shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedReminder:
    message: Message  # the share message it reminds of
    at: dt.datetime
    number: int


@dataclass(frozen=True)
class RoReminders:
    planned: list[PlannedReminder]
    # Message id → the channel it could go by instead (failed share messages, when offered).
    fallback_offers: dict[int, str]


def ro_reminders(
    *,
    repair_order: RepairOrder,
    messages: list[Message],
    links: list,
    now: dt.datetime | None = None,
) -> RoReminders:
    """The reminders still planned on an RO and the other channels on offer, from its messages
    and links as `selectors.ro_messages` and `ro_links` read them: no query of its own when the
    RO's decisions are prefetched (the RO page), else one."""
    now = now or timezone.now()
    shop = repair_order.shop
    counts: dict[int, int] = {}
    channels_used: dict[int, set[str]] = {}
    fallen_back = {m.fallback_of_id for m in messages if m.fallback_of_id}
    for m in messages:
        if m.kind == MessageKind.REMINDER and m.reminds_id:
            counts[m.reminds_id] = counts.get(m.reminds_id, 0) + 1
        if m.link_id and m.status not in NOT_DELIVERED:
            channels_used.setdefault(m.link_id, set()).add(m.channel)
    due = [m for m in messages if m.remind_at is not None and m.kind == MessageKind.SHARE]
    answered = Answered.on_page(repair_order, messages=messages, links=links) if due else None
    planned = []
    for m in due:
        m.repair_order = repair_order
        if m.status in GONE_OUT and reminder_stop_reason(m, answered=answered, now=now):
            continue
        number = counts.get(m.pk, 0) + 1
        if number > shop.reminder_max:
            continue
        at = max(m.remind_at, now)
        at = quiet_hours_end(shop, at) or at
        planned.append(PlannedReminder(message=m, at=at, number=number))
    offers = {}
    if shop.fallback_channel == FallbackChannel.OFFER:
        for m in messages:
            channel = _offerable(
                m,
                shop=shop,
                fallen_back=m.pk in fallen_back,
                channels_used=channels_used.get(m.link_id, set()),
            )
            if channel:
                offers[m.pk] = channel
    return RoReminders(sorted(planned, key=lambda p: (p.at, p.message.pk)), offers)


# The other channel --------------------------------------------------------------------------


def other_channel(message: Message) -> str:
    return Channel.EMAIL if message.channel == Channel.SMS else Channel.SMS


def _offerable(message: Message, *, shop: Shop, fallen_back: bool, channels_used: set) -> str:
    """The channel a message that was not delivered could go by instead ("" for none): a
    share's message or reminder, not sent again yet, to a contact who has the other channel,
    agreed to it (rules.channel_unavailable) and was not reached by it on this link already."""
    channel = other_channel(message)
    if (
        message.status not in NOT_DELIVERED
        or message.kind not in (MessageKind.SHARE, MessageKind.REMINDER)
        or message.share_id is None
        or message.link_id is None
        or message.contact is None
        or fallen_back
        or channel in channels_used
        or rules.channel_unavailable(shop, message.contact, channel)
    ):
        return ""
    return channel


def fallback_offer(message: Message) -> str:
    """`_offerable` for one message, read from the database (two queries)."""
    used = Message.objects.filter(link_id=message.link_id).exclude(status__in=NOT_DELIVERED)
    return _offerable(
        message,
        shop=message.shop,
        fallen_back=Message.objects.filter(fallback_of=message).exists(),
        channels_used=set(used.values_list("channel", flat=True)),
    )


def fallback_after_failure(message: Message) -> Message | None:
    """A share message just ended undelivered or failed: send it by the other channel when the
    shop chose so (else the RO page offers it)."""
    if message.shop.fallback_channel != FallbackChannel.SEND:
        return None
    return _fallback_write(message)


def on_message_not_delivered(*, message_id: int, **_kwargs) -> None:
    """signals.message_not_delivered, connected in apps.py."""
    message = _with_share().filter(pk=message_id).first()
    if message is not None:
        fallback_after_failure(message)


def _with_share():
    """Messages with what writing one again reads."""
    return Message.objects.select_related("shop", "share__version", "link", "contact")


def fallback_send(*, actor: Actor, message_id: int) -> Message:
    """Staff send a failed share message again by the contact's other channel."""
    require_editor(actor)
    message = _with_share().filter(shop=actor.shop, pk=message_id).first()
    if message is None:
        raise NotFound("Message not found.")
    sent = _fallback_write(message)
    if sent is None:
        raise Conflict(
            "This message cannot go by the other channel: it was delivered, it was already "
            "sent again, or the contact has no other channel they agreed to."
        )
    return sent


def _fallback_write(message: Message) -> Message | None:
    channel = fallback_offer(message)
    if not channel:
        return None
    try:
        with transaction.atomic():
            fallback = _resend(
                message,
                channel=channel,
                kind=MessageKind.SHARE,
                event=EventKind.FALLBACK_QUEUED,
                data={"fallback_of": message.pk},
                fallback_of=message,
            )
    except IntegrityError:
        return None  # sent again a moment ago
    _enqueue_after_commit(fallback.pk)
    return fallback
