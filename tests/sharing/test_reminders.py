"""Reminders of unanswered shares: after the shop's delay, never in its quiet hours (on the shop's
clock, across daylight saving time), at most the shop's number, stopped by any answer; and the
other channel when a message could not be delivered."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from signoff.approvals.models import Event, EventKind
from signoff.orders.models import RoStatus
from signoff.sharing.models import Message, MessageKind, MessageStatus
from signoff.sharing.reminders import (
    fallback_send,
    quiet_hours_end,
    reminder_stop_reason,
    reminders_send_due,
)
from signoff.sharing.services import Recipient, link_revoke, share_create
from signoff.shops.access import actor_for
from tests.sharing.builders import decide, estimate_for, url_of
from tests.support.worker import connections_kept_open, run_queued_tasks, signal_handlers_kept

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# 09:00 in Los Angeles (the test shop's zone), a Tuesday.
MORNING = dt.datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def _share(est, alice, contact=None, channels=("email",)):
    return share_create(
        actor=actor_for(user=alice, shop_id=est.ro.shop_id),
        ro_id=est.ro.pk,
        kind="request_approval",
        recipients=[Recipient((contact or est.primary).pk, list(channels))],
    )


def _gone_out(result, at):
    """The share's messages went out at `at` (what delivery records; the rule reads no more)."""
    ids = [m.pk for m in result.messages]
    Message.objects.filter(pk__in=ids).update(status=MessageStatus.SENT, sent_at=at)


def _reminders():
    return list(Message.objects.filter(kind=MessageKind.REMINDER).order_by("pk"))


def test_an_unanswered_share_is_reminded_once_by_smtp_with_the_same_link(
    shop, alice, smtp_sink, django_capture_on_commit_callbacks
):
    est = estimate_for(shop)
    with time_machine.travel(MORNING, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            result = _share(est, alice)
        assert run_queued_tasks() == 1
    share_message = Message.objects.get(pk=result.messages[0].pk)
    assert share_message.status == MessageStatus.SENT
    assert share_message.remind_at == MORNING + dt.timedelta(hours=24)

    with time_machine.travel(MORNING + dt.timedelta(hours=23, minutes=59), tick=False):
        assert reminders_send_due() == []
    with time_machine.travel(MORNING + dt.timedelta(hours=24), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            queued = reminders_send_due()
        assert len(queued) == 1
        assert run_queued_tasks() == 1
    reminder = Message.objects.get(pk=queued[0])
    assert (reminder.kind, reminder.channel, reminder.to_address) == (
        "reminder",
        "email",
        "john@mail.example",
    )
    assert (reminder.reminds_id, reminder.reminder_number, reminder.link_id) == (
        share_message.pk,
        1,
        share_message.link_id,
    )
    assert len(smtp_sink.received) == 2
    email = smtp_sink.received[-1].message
    assert email["Subject"].strip().startswith("Reminder: Please review your estimate")
    body = email.get_body(("plain",)).get_content()
    assert "still waiting for your answer" in body
    assert url_of(result.links[0]) in body  # the same personal link
    assert Event.objects.filter(kind=EventKind.REMINDER_QUEUED, message=reminder).exists()

    # At most the shop's number (1): nothing more, ever.
    with time_machine.travel(MORNING + dt.timedelta(days=5), tick=False):
        assert reminders_send_due() == []
    assert Message.objects.get(pk=share_message.pk).remind_at is None


def test_a_reminder_due_in_quiet_hours_waits_for_them_to_end(shop, alice):
    est = estimate_for(shop)
    evening = dt.datetime(2026, 12, 2, 4, 30, tzinfo=UTC)  # 20:30 in Los Angeles
    with time_machine.travel(evening, tick=False):
        result = _share(est, alice)
    _gone_out(result, evening)
    # Due at 20:30 the next evening, inside 20:00–08:00: moved to 08:00 the morning after.
    morning = dt.datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    assert Message.objects.get(pk=result.messages[0].pk).remind_at == morning
    with time_machine.travel(morning - dt.timedelta(minutes=1), tick=False):
        assert reminders_send_due() == []
    with time_machine.travel(morning, tick=False):
        assert len(reminders_send_due()) == 1


def test_quiet_hours_changed_after_planning_still_hold_the_reminder(shop, alice):
    est = estimate_for(shop)
    with time_machine.travel(MORNING, tick=False):
        result = _share(est, alice)
    _gone_out(result, MORNING)
    shop.quiet_hours_start, shop.quiet_hours_end = dt.time(8, 30), dt.time(12, 0)
    shop.save()
    due = MORNING + dt.timedelta(hours=24)  # 09:00, now inside the shop's new quiet hours
    with time_machine.travel(due, tick=False):
        assert reminders_send_due() == []
    message = Message.objects.get(pk=result.messages[0].pk)
    assert message.remind_at == dt.datetime(2026, 12, 2, 20, 0, tzinfo=UTC)  # 12:00 local


@pytest.mark.parametrize(
    ("local", "expected_utc"),
    [
        # The night DST ends (Nov 1, 2026): 20:00 PST is 04:00 UTC; the hours end at 08:00
        # PST, 16:00 UTC (15:00 UTC would be 08:00 on the summer clock).
        (dt.datetime(2026, 11, 2, 4, 0, tzinfo=UTC), dt.datetime(2026, 11, 2, 16, 0, tzinfo=UTC)),
        # The night DST starts (Mar 8, 2026): 23:00 PST; the hours end at 08:00 PDT, 15:00 UTC.
        (dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC), dt.datetime(2026, 3, 8, 15, 0, tzinfo=UTC)),
        # Just before the end: still quiet; at the end: not.
        (dt.datetime(2026, 12, 2, 15, 59, tzinfo=UTC), dt.datetime(2026, 12, 2, 16, 0, tzinfo=UTC)),
        (dt.datetime(2026, 12, 2, 16, 0, tzinfo=UTC), None),
        # 19:59 local is not quiet; 20:00 is.
        (dt.datetime(2026, 12, 2, 3, 59, tzinfo=UTC), None),
        (dt.datetime(2026, 12, 2, 4, 0, tzinfo=UTC), dt.datetime(2026, 12, 2, 16, 0, tzinfo=UTC)),
    ],
)
def test_quiet_hours_keep_the_shop_clock_across_daylight_saving_time(shop, local, expected_utc):
    assert (shop.quiet_hours_start, shop.quiet_hours_end) == (dt.time(20, 0), dt.time(8, 0))
    assert quiet_hours_end(shop, local) == expected_utc


def test_a_reminder_across_the_end_of_daylight_saving_time(shop, alice):
    est = estimate_for(shop)
    sent = dt.datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 09:00 PDT, Saturday
    with time_machine.travel(sent, tick=False):
        result = _share(est, alice)
    # 24 hours later is 08:00 PST on Sunday: outside the quiet hours, so it goes then.
    assert Message.objects.get(pk=result.messages[0].pk).remind_at == sent + dt.timedelta(hours=24)


def test_no_quiet_hours_when_the_shop_clears_them(shop):
    shop.quiet_hours_start = shop.quiet_hours_end = None
    assert quiet_hours_end(shop, dt.datetime(2026, 12, 2, 6, 0, tzinfo=UTC)) is None


def _stop_by_staff_decision(est, alice, result):
    decide(est.brakes, "approved", by=alice)


def _stop_by_opening(est, alice, result):
    from django.test import Client

    assert Client().get(url_of(result.links[0])).status_code == 200


def _stop_by_revoking(est, alice, result):
    link_revoke(actor=actor_for(user=alice, shop_id=est.ro.shop_id), link_id=result.links[0].pk)


def _stop_by_moving_on(est, alice, result):
    est.ro.status = RoStatus.IN_PROGRESS
    est.ro.save()


def _stop_by_sharing_again(est, alice, result):
    _share(est, alice, contact=est.spouse)


@pytest.mark.parametrize(
    ("stop", "reason"),
    [
        (_stop_by_staff_decision, "answered"),
        (_stop_by_opening, "the link was opened"),
        (_stop_by_revoking, "the link was revoked"),
        (_stop_by_moving_on, "the repair order moved on"),
        (_stop_by_sharing_again, "shared again since"),
    ],
)
def test_reminders_stop_the_moment_the_share_is_answered(shop, alice, stop, reason):
    est = estimate_for(shop)
    with time_machine.travel(MORNING, tick=False):
        result = _share(est, alice)
        _gone_out(result, MORNING)
        stop(est, alice, result)
    message = Message.objects.select_related("share", "link", "repair_order").get(
        pk=result.messages[0].pk
    )
    assert reminder_stop_reason(message, now=MORNING) == reason
    with time_machine.travel(MORNING + dt.timedelta(hours=25), tick=False):
        reminders_send_due()
    assert not Message.objects.filter(kind=MessageKind.REMINDER, reminds=message).exists()
    assert Message.objects.get(pk=message.pk).remind_at is None


def test_a_return_to_pending_after_an_edit_is_no_answer(shop, alice):
    est = estimate_for(shop)
    with time_machine.travel(MORNING, tick=False):
        result = _share(est, alice)
        _gone_out(result, MORNING)
        decide(est.brakes, "pending", source="system")
    with time_machine.travel(MORNING + dt.timedelta(hours=24), tick=False):
        assert len(reminders_send_due()) == 1


def test_up_to_the_shops_number_each_the_delay_after_the_last(shop, alice):
    shop.reminder_max, shop.reminder_delay_hours = 2, 3
    shop.save()
    est = estimate_for(shop)
    with time_machine.travel(MORNING, tick=False):
        result = _share(est, alice)
    _gone_out(result, MORNING)
    for hours in (3, 6):  # 12:00 and 15:00 in Los Angeles
        with time_machine.travel(MORNING + dt.timedelta(hours=hours), tick=False):
            assert len(reminders_send_due()) == 1
    with time_machine.travel(MORNING + dt.timedelta(hours=48), tick=False):
        assert reminders_send_due() == []
    assert [r.reminder_number for r in _reminders()] == [1, 2]


def test_no_reminders_when_the_shop_sets_none(shop, alice):
    shop.reminder_max = 0
    shop.save()
    est = estimate_for(shop)
    with time_machine.travel(MORNING, tick=False):
        result = _share(est, alice)
    assert Message.objects.get(pk=result.messages[0].pk).remind_at is None


def test_a_message_still_on_its_way_is_reminded_the_delay_after(shop, alice):
    est = estimate_for(shop)
    with time_machine.travel(MORNING, tick=False):
        result = _share(est, alice)  # stays queued
    later = MORNING + dt.timedelta(hours=24)
    with time_machine.travel(later, tick=False):
        assert reminders_send_due() == []
    assert Message.objects.get(pk=result.messages[0].pk).remind_at == later + dt.timedelta(hours=24)


def test_two_sweepers_at_once_send_one_reminder(shop, alice):
    est = estimate_for(shop)
    with time_machine.travel(MORNING, tick=False):
        result = _share(est, alice)
    _gone_out(result, MORNING)
    with time_machine.travel(MORNING + dt.timedelta(hours=24), tick=False):
        first, second = reminders_send_due(), reminders_send_due()
    assert len(first) == 1 and second == []
    assert len(_reminders()) == 1


def test_the_worker_sends_due_reminders(shop, alice, smtp_sink, django_capture_on_commit_callbacks):
    est = estimate_for(shop)
    with time_machine.travel(MORNING, tick=False):
        result = _share(est, alice)
    _gone_out(result, MORNING)
    with time_machine.travel(MORNING + dt.timedelta(hours=24), tick=False):
        # One sender and the test's connection kept: the data is in the test's transaction.
        with (
            django_capture_on_commit_callbacks(execute=True),
            connections_kept_open(),
            signal_handlers_kept(),
        ):
            call_command("signoff_worker", batch=True, startup_delay=False, senders=1, verbosity=0)
        assert len(_reminders()) == 1
        run_queued_tasks()
    assert any("Reminder:" in r.message["Subject"] for r in smtp_sink.received)


def test_the_ro_page_shows_reminders_planned_and_sent(shop, alice, alice_client):
    est = estimate_for(shop)
    with time_machine.travel(MORNING, tick=False):
        result = _share(est, alice)
    _gone_out(result, MORNING)
    with time_machine.travel(MORNING + dt.timedelta(hours=1), tick=False):
        page = alice_client.get(f"/ros/{est.ro.pk}/").content.decode()
    assert "Reminders planned" in page
    assert "Reminder 1 to John Doe by email, " in page and "Dec 2, 9:00 AM" in page

    with time_machine.travel(MORNING + dt.timedelta(hours=24), tick=False):
        reminders_send_due()
        page = alice_client.get(f"/ros/{est.ro.pk}/").content.decode()
    assert "Reminders planned" not in page
    assert "Reminder 1 · version" in page

    # Planned, then answered: the page stops promising one.
    other = estimate_for(shop)
    with time_machine.travel(MORNING, tick=False):
        again = _share(other, alice)
    _gone_out(again, MORNING)
    decide(other.brakes, "approved", by=alice)
    assert "Reminders planned" not in alice_client.get(f"/ros/{other.ro.pk}/").content.decode()


# The other channel ----------------------------------------------------------------------------


def _failed_text(est, alice):
    shop = est.ro.shop
    shop.sms_status, shop.sms_sender = "approved", "+15035550199"
    shop.save()
    result = _share(est, alice, channels=("sms",))
    message = result.messages[0]
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.UNDELIVERED, last_error="Unreachable"
    )
    return Message.objects.get(pk=message.pk)


def test_a_failed_text_offers_email_on_the_ro_page_and_sends_it(shop, alice, alice_client):
    est = estimate_for(shop)
    failed = _failed_text(est, alice)
    page = alice_client.get(f"/ros/{est.ro.pk}/").content.decode()
    assert "Send by email instead" in page
    response = alice_client.post(f"/messages/{failed.pk}/fallback/")
    assert response.status_code == 302
    fallback = Message.objects.get(fallback_of=failed)
    assert (fallback.channel, fallback.to_address, fallback.link_id) == (
        "email",
        "john@mail.example",
        failed.link_id,
    )
    assert "Send by email instead" not in alice_client.get(f"/ros/{est.ro.pk}/").content.decode()
    # Twice is refused with the reason, and nothing more is queued.
    again = alice_client.post(f"/messages/{failed.pk}/fallback/", follow=True)
    assert "cannot go by the other channel" in again.content.decode()
    assert Message.objects.filter(fallback_of=failed).count() == 1


def test_the_shop_can_send_the_other_channel_at_once(
    shop, alice, django_capture_on_commit_callbacks
):
    from signoff.sharing.delivery import _move

    shop.fallback_channel, shop.sms_status, shop.sms_sender = "send", "approved", "+15035550199"
    shop.save()
    est = estimate_for(shop)
    result = _share(est, alice, channels=("sms",))
    message = result.messages[0]
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENT)
    from django.db.models import Q

    with django_capture_on_commit_callbacks(execute=True):
        _move(message.pk, when=Q(status=MessageStatus.SENT), to=MessageStatus.UNDELIVERED)
    fallback = Message.objects.get(fallback_of_id=message.pk)
    assert fallback.channel == "email"
    assert Event.objects.filter(kind=EventKind.FALLBACK_QUEUED, message=fallback).exists()


def test_no_other_channel_for_a_contact_without_one(shop, alice, alice_client):
    est = estimate_for(shop)
    est.primary.email = ""
    est.primary.save()
    failed = _failed_text(est, alice)
    assert "Send by email instead" not in alice_client.get(f"/ros/{est.ro.pk}/").content.decode()
    from signoff.core.errors import Conflict

    with pytest.raises(Conflict):
        fallback_send(actor=actor_for(user=alice, shop_id=shop.pk), message_id=failed.pk)


def test_another_shops_message_is_not_found_and_technicians_cannot_send(shop, alice, bob, charlie):
    from signoff.core.errors import NotAllowed, NotFound

    est = estimate_for(shop)
    failed = _failed_text(est, alice)
    with pytest.raises(NotFound):
        fallback_send(
            actor=actor_for(user=charlie, shop_id=charlie.memberships.get().shop_id),
            message_id=failed.pk,
        )
    with pytest.raises(NotAllowed):
        fallback_send(actor=actor_for(user=bob, shop_id=shop.pk), message_id=failed.pk)
    assert not Message.objects.filter(fallback_of=failed).exists()


def test_a_reminder_speaks_the_contacts_language(shop, alice):
    from signoff.sharing.compose import compose_message

    est = estimate_for(shop)
    est.primary.language = "es"
    est.primary.save()
    share = _share(est, alice).share
    text = compose_message(share=share, contact=est.primary, channel="sms", reminder=True)
    assert text.body_text.startswith("Recordatorio: ")
    email = compose_message(share=share, contact=est.primary, channel="email", reminder=True)
    assert email.subject.startswith("Recordatorio: ")
    assert "sigue esperando su respuesta" in email.body_text
    assert "sigue esperando su respuesta" in email.body_html
