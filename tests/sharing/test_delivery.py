"""The outbox state machine: claim once, retry with backoff, give up with a reason, sweep."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signoff.approvals.models import Event, EventKind
from signoff.sharing import delivery
from signoff.sharing.channels import sms
from signoff.sharing.compose import LINK_PLACEHOLDER
from signoff.sharing.delivery import backoff_delay, message_deliver, message_enqueue, message_sweep
from signoff.sharing.models import Message, ShareLink
from tests.factories import MessageFactory
from tests.sharing.builders import url_of
from tests.support.threads import in_thread
from tests.support.worker import pending_tasks, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def text(twilio_standin):
    """A queued text, from a shop with an approved sender, to a Twilio stand-in."""
    message = MessageFactory(channel="sms")
    message.shop.sms_sender = "+15035550199"
    message.shop.save()
    return message


def statuses(message) -> list[str]:
    events = Event.objects.filter(message=message, kind=EventKind.MESSAGE_STATUS)
    return [e.data["status"] for e in events.order_by("id")]


def make_due(message) -> None:
    """Let the retry time pass: the message and its waiting task both become due."""
    past = timezone.now() - timedelta(seconds=1)
    Message.objects.filter(pk=message.pk).update(next_attempt_at=past)
    DBTaskResult.objects.filter(status="READY").update(run_after=past)


def test_running_the_task_twice_sends_the_text_once(text, twilio_standin):
    message_enqueue(text.pk)
    message_enqueue(text.pk)
    assert run_queued_tasks() == 2
    assert len(twilio_standin.messages) == 1
    text.refresh_from_db()
    assert (text.status, text.attempts) == ("sent", 1)
    assert text.provider_id.startswith("SM")
    assert statuses(text) == ["sending", "sent"]


def test_a_delivered_message_is_never_claimed_again(text, twilio_standin):
    message_deliver(text.pk)
    Message.objects.filter(pk=text.pk).update(status="delivered")
    assert message_deliver(text.pk) == "skipped"
    assert len(twilio_standin.messages) == 1


def test_the_row_is_claimed_with_a_lease_while_it_is_being_sent(monkeypatch):
    message = MessageFactory()
    seen = {}

    def send(claimed):
        row = Message.objects.get(pk=claimed.pk)
        seen.update(status=row.status, attempts=row.attempts, lease_until=row.lease_until)
        # A second worker running the same task meanwhile finds nothing to do.
        seen["second"] = message_deliver(claimed.pk)
        return "<id@example>"

    monkeypatch.setattr(delivery, "send", send)
    before = timezone.now()
    assert message_deliver(message.pk) == "sent"
    assert seen["status"] == "sending"
    assert seen["attempts"] == 1
    assert seen["lease_until"] >= before + timedelta(seconds=110)
    assert seen["second"] == "skipped"
    message.refresh_from_db()
    assert (message.status, message.provider_id, message.lease_until) == (
        "sent",
        "<id@example>",
        None,
    )


def test_a_transient_error_backs_off_then_the_retry_succeeds(text, twilio_standin):
    twilio_standin.fail_next(status=503, message="Service unavailable")
    message_enqueue(text.pk)
    before = timezone.now()
    run_queued_tasks()

    text.refresh_from_db()
    assert (text.status, text.attempts) == ("retry", 1)
    assert "503" in text.last_error
    # First retry after 15–30 s (base delay 30 s, with jitter).
    assert before + timedelta(seconds=15) <= text.next_attempt_at
    assert text.next_attempt_at <= timezone.now() + timedelta(seconds=30)
    [waiting] = pending_tasks()
    assert waiting.run_after == text.next_attempt_at
    assert run_queued_tasks() == 0  # not due yet

    make_due(text)
    assert run_queued_tasks() == 1
    text.refresh_from_db()
    assert (text.status, text.attempts, text.last_error) == ("sent", 2, "")
    assert len(twilio_standin.messages) == 2
    assert statuses(text) == ["sending", "retry", "sending", "sent"]


def test_a_retry_after_a_transient_error_sends_the_same_real_link(text, twilio_standin):
    twilio_standin.fail_next(status=503, message="Service unavailable")
    message_deliver(text.pk)
    make_due(text)
    assert message_deliver(text.pk) == "sent"
    url = url_of(text.link)
    assert [form["Body"] for form in twilio_standin.messages] == [
        f"Hello {text.contact.name},\n\nReview and approve your estimate:\n{url}\n",
    ] * 2
    # The link is put in at each attempt and never written back to the outbox row.
    text.refresh_from_db()
    assert LINK_PLACEHOLDER in text.body_text and url not in text.body_text


def test_a_message_whose_link_cannot_be_derived_fails_at_once_instead_of_sending_a_placeholder(
    text, twilio_standin
):
    ShareLink.objects.filter(pk=text.link_id).update(token_nonce="")
    assert message_deliver(text.pk) == "failed"
    text.refresh_from_db()
    assert text.attempts == 1
    assert "Share the estimate again" in text.last_error
    assert twilio_standin.messages == []


@pytest.mark.parametrize(
    ("code", "meaning"),
    [(21211, "not a valid phone number"), (21610, "replied STOP"), (21614, "not a mobile number")],
)
def test_a_permanent_twilio_error_fails_at_once_with_the_reason(
    text, twilio_standin, code, meaning
):
    twilio_standin.fail_next(status=400, code=code, message="Twilio says no")
    message_enqueue(text.pk)
    run_queued_tasks()
    text.refresh_from_db()
    assert (text.status, text.attempts) == ("failed", 1)
    assert f"Twilio error {code}" in text.last_error
    assert meaning in text.last_error
    assert text.to_address in text.last_error
    assert pending_tasks() == []
    assert statuses(text) == ["sending", "failed"]


def test_after_the_last_attempt_the_message_fails_with_the_last_reason(
    text, twilio_standin, settings
):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    for _ in range(3):
        twilio_standin.fail_next(status=500, message="Internal error")
    message_enqueue(text.pk)
    for _ in range(3):
        run_queued_tasks()
        make_due(text)
    text.refresh_from_db()
    assert (text.status, text.attempts) == ("failed", 3)
    assert text.last_error.startswith("Gave up after 3 attempts. Last error: Twilio answered 500")
    assert len(twilio_standin.messages) == 3
    assert pending_tasks() == []
    assert statuses(text) == ["sending", "retry", "sending", "retry", "sending", "failed"]


def test_an_unexpected_error_is_retried_rather_than_left_sending(monkeypatch):
    message = MessageFactory()

    def broken(_message):
        raise RuntimeError("template missing")

    monkeypatch.setattr(delivery, "send", broken)
    assert message_deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == "retry"
    assert message.last_error == "Unexpected error while sending: RuntimeError: template missing"


def test_backoff_doubles_with_each_attempt_within_jitter_and_is_capped(settings):
    settings.DELIVERY_BASE_DELAY_SECONDS = 30
    for attempt, ceiling in [(1, 30), (2, 60), (3, 120), (4, 240)]:
        delays = {backoff_delay(attempt).total_seconds() for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered, so retries after an outage spread out
    assert backoff_delay(30) <= timedelta(hours=1)


def test_a_worker_killed_mid_send_is_recovered_by_the_sweeper_with_exactly_one_delivery(
    text, twilio_standin, monkeypatch
):
    real_client = sms.twilio_client

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")  # escapes every handler, as a SIGKILL would

    monkeypatch.setattr(sms, "twilio_client", killed)
    with pytest.raises(SystemExit):
        message_deliver(text.pk)
    monkeypatch.setattr(sms, "twilio_client", real_client)
    text.refresh_from_db()
    assert text.status == "sending"
    assert message_sweep() == []  # its lease has not run out: the worker may still be busy

    Message.objects.filter(pk=text.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert message_sweep() == [text.pk]
    assert run_queued_tasks() == 1
    assert message_sweep() == []
    assert run_queued_tasks() == 0

    assert len(twilio_standin.messages) == 1
    text.refresh_from_db()
    assert (text.status, text.attempts) == ("sent", 2)
    assert statuses(text) == ["sending", "retry", "sending", "sent"]


def test_the_sweeper_requeues_a_queued_message_whose_task_was_lost(text, twilio_standin):
    long_ago = timezone.now() - timedelta(minutes=10)
    Message.objects.filter(pk=text.pk).update(created_at=long_ago)
    fresh = MessageFactory(channel="sms", share=text.share, contact=text.contact)

    assert message_sweep() == [text.pk]
    assert message_sweep() == []  # once per lease period, however long the queue is
    run_queued_tasks()
    text.refresh_from_db()
    fresh.refresh_from_db()
    assert text.status == "sent"
    assert fresh.status == "queued"  # its own task may still be on the way
    assert len(twilio_standin.messages) == 1


def test_the_sweeper_requeues_a_retry_whose_task_was_lost(text, twilio_standin):
    Message.objects.filter(pk=text.pk).update(
        status="retry", attempts=1, next_attempt_at=timezone.now() - timedelta(minutes=10)
    )
    assert message_sweep() == [text.pk]
    run_queued_tasks()
    text.refresh_from_db()
    assert (text.status, text.attempts) == ("sent", 2)


def test_a_message_lost_during_its_last_attempt_fails_instead_of_being_sent_again(
    text, twilio_standin, settings
):
    settings.DELIVERY_MAX_ATTEMPTS = 2
    Message.objects.filter(pk=text.pk).update(
        status="sending", attempts=2, lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert message_sweep() == []
    text.refresh_from_db()
    assert text.status == "failed"
    assert "stopped during attempt 2 of 2" in text.last_error
    assert twilio_standin.messages == []


def test_each_status_change_is_an_event_on_the_ro_naming_the_message(text):
    message_deliver(text.pk)
    events = list(Event.objects.filter(kind=EventKind.MESSAGE_STATUS).order_by("id"))
    assert [(e.repair_order_id, e.shop_id, e.message_id) for e in events] == [
        (text.repair_order_id, text.shop_id, text.pk)
    ] * 2
    assert events[0].data == {
        "channel": "sms",
        "status": "sending",
        "previous": "queued",
        "attempt": 1,
    }
    assert events[1].data["status"] == "sent"
    assert events[1].data["provider_id"] == Message.objects.get(pk=text.pk).provider_id


def test_a_backend_that_runs_tasks_at_once_still_delivers_and_never_loops(settings, twilio_standin):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    message = MessageFactory(channel="sms")
    message.shop.sms_sender = "+15035550199"
    message.shop.save()
    twilio_standin.fail_next(status=503)
    message_enqueue(message.pk)  # runs now: fails, schedules a retry it cannot defer, stops
    message.refresh_from_db()
    assert message.status == "retry"
    make_due(message)
    message_enqueue(message.pk)
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(twilio_standin.messages) == 2


def _waiting_for_locks(work):
    # The in-memory SQLite test database shares one cache between threads, where a writer
    # meets "table is locked" instead of waiting as it does on a real file (busy timeout).
    for _ in range(200):
        try:
            return work()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("the database stayed locked")


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_message_send_it_once(monkeypatch):
    message = MessageFactory()
    sends = []
    start = threading.Barrier(2)

    def slow_send(claimed):
        sends.append(claimed.pk)
        time.sleep(0.2)
        return "<id@example>"

    monkeypatch.setattr(delivery, "send", slow_send)

    def worker():
        start.wait()
        return _waiting_for_locks(lambda: message_deliver(message.pk))

    runs = [in_thread(None, worker) for _ in range(2)]
    for thread, _ in runs:
        thread.join()
    results = [out[0] for _, out in runs]
    assert sorted(results, key=str) == ["sent", "skipped"], results
    assert sends == [message.pk]


def test_a_claim_takes_only_the_due_messages_of_those_asked_for():
    due, sent, later, other = (MessageFactory() for _ in range(4))
    Message.objects.filter(pk=sent.pk).update(status="sent")
    Message.objects.filter(pk=later.pk).update(
        status="retry", attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    claimed = delivery.messages_claim([due.pk, sent.pk, later.pk])
    assert [m.pk for m in claimed] == [due.pk]
    assert (claimed[0].status, claimed[0].attempts) == ("sending", 1)
    rows = dict(Message.objects.values_list("pk", "status"))
    assert rows == {due.pk: "sending", sent.pk: "sent", later.pk: "retry", other.pk: "queued"}
    assert statuses(due) == ["sending"] and statuses(later) == []


def test_a_released_message_is_as_it_was_before_its_claim_and_due_at_once():
    message = MessageFactory()
    (claimed,) = delivery.messages_claim([message.pk])
    delivery.messages_release([claimed])
    message.refresh_from_db()
    assert (message.status, message.attempts, message.lease_until) == ("queued", 0, None)
    assert statuses(message) == ["sending", "queued"]
    assert [m.pk for m in delivery.messages_claim([message.pk])] == [message.pk]
