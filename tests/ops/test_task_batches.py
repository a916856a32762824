"""The worker's batch claim: several tasks and their messages in one transaction, never one
task to two workers, and nothing claimed lost or sent twice when the batch stops early or its
messages go out from several sender threads at once."""

from __future__ import annotations

import re
import signal
import threading
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signoff.approvals.models import Event, EventKind
from signoff.ops import task_batches
from signoff.ops.task_batches import BatchWorker
from signoff.sharing import delivery
from signoff.sharing.delivery import message_enqueue
from signoff.sharing.models import Message
from tests.factories import MessageFactory
from tests.support.threads import in_thread
from tests.support.worker import (
    batch_worker,
    connections_kept_open,
    run_queued_tasks,
)
from tests.support.worker import signal_handlers_kept as keep_signal_handlers

pytestmark = pytest.mark.django_db


def _worker(
    *, claim_size: int = 20, worker_id: str = "batch-test", senders: int = 1
) -> BatchWorker:
    return batch_worker(worker_id=worker_id, claim_size=claim_size, senders=senders)


def _two_workers_run(**options) -> list[int]:
    """Two workers started together on one queue until it is empty; the tasks each ran."""
    start = threading.Barrier(2)

    def work(name: str):
        def run() -> int:
            start.wait(timeout=30)
            worker = _worker(worker_id=name, **options)
            worker.run()
            return worker._run_tasks

        return run

    runs = [in_thread(None, work(name)) for name in ("first", "second")]
    for thread, _ in runs:
        thread.join(timeout=60)
    return [out[0] for _, out in runs]


def _queued_texts(count: int) -> list[Message]:
    first = MessageFactory(
        channel="sms", share__version__repair_order__shop__sms_sender="+15035550100"
    )
    rest = [
        MessageFactory(channel="sms", share=first.share, contact=first.contact, link=first.link)
        for _ in range(count - 1)
    ]
    for message in [first, *rest]:
        message_enqueue(message.pk)
    return [first, *rest]


def _queued_emails(count: int) -> list[Message]:
    first = MessageFactory()
    rest = [
        MessageFactory(share=first.share, contact=first.contact, link=first.link)
        for _ in range(count - 1)
    ]
    for message in [first, *rest]:
        message_enqueue(message.pk)
    return [first, *rest]


@pytest.fixture
def fake_pdf(monkeypatch):
    """The PDF is not what these tests are about: skip typst."""
    monkeypatch.setattr(
        "signoff.documents.render.estimate_pdf", lambda **kwargs: b"%PDF-1.4 stand-in"
    )


def _callback_code(form: dict[str, str]) -> str:
    return parse_qs(urlparse(form["StatusCallback"]).query)["m"][0]


def _message_pk(received) -> int:
    return int(re.search(r"signoff\.(\d+)", received.message["Message-ID"]).group(1))


def _statuses(message: Message) -> list[str]:
    events = Event.objects.filter(message=message, kind=EventKind.MESSAGE_STATUS).order_by("id")
    return [e.data["status"] for e in events]


def test_one_claim_takes_up_to_claim_size_tasks_and_their_messages(twilio_standin):
    messages = _queued_texts(5)
    batch = _worker(claim_size=3)._claim()
    assert len(batch.tasks) == 3
    assert {t.status for t in DBTaskResult.objects.filter(pk__in=[t.pk for t in batch.tasks])} == {
        "RUNNING"
    }
    claimed = Message.objects.filter(status="sending").values_list("pk", flat=True)
    assert sorted(claimed) == sorted(m.pk for m in batch.messages.values())
    assert len(claimed) == 3 and Message.objects.filter(status="queued").count() == 2
    assert run_queued_tasks() == 2  # the other worker takes what is left
    assert len(twilio_standin.messages) == 2  # the first batch was never run here
    assert {m.pk for m in messages} - set(claimed) == set(
        Message.objects.filter(status="sent").values_list("pk", flat=True)
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_second_worker_claiming_while_the_first_holds_its_batch_takes_other_tasks():
    _queued_texts(30)
    holding, release = threading.Event(), threading.Event()

    def first_worker():
        with transaction.atomic():
            batch = _worker(worker_id="first")._claim()
            holding.set()
            release.wait(timeout=30)
        return batch

    thread, out = in_thread(None, first_worker)
    assert holding.wait(timeout=30)
    # SKIP LOCKED: no waiting for the first worker's transaction, and none of its tasks.
    second = _worker(worker_id="second")._claim()
    release.set()
    thread.join(timeout=30)
    (first,) = out
    assert len(first.tasks) == 20 and len(second.tasks) == 10
    assert not {t.pk for t in first.tasks} & {t.pk for t in second.tasks}
    assert not set(first.messages.values()) & set(second.messages.values())
    assert Message.objects.filter(status="sending").count() == 30
    workers = Counter(w for t in DBTaskResult.objects.all() for w in t.worker_ids)
    assert workers == {"first": 20, "second": 10}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_emptying_one_queue_together_send_each_message_once(twilio_standin):
    messages = _queued_texts(60)
    ran = _two_workers_run(claim_size=7)
    assert sum(ran) == 60, ran
    sends = Counter(_callback_code(form) for form in twilio_standin.messages)
    assert sends == Counter({m.callback_code: 1 for m in messages})
    assert set(Message.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert all(_statuses(m) == ["sending", "sent"] for m in messages)


def test_a_worker_stopped_mid_batch_gives_back_the_messages_it_had_not_sent(
    twilio_standin, monkeypatch
):
    messages = _queued_texts(4)
    worker = _worker()
    real_send = task_batches.message_send

    def sigterm_during_send(message):
        worker.shutdown(signal.SIGTERM, None)  # what the signal handler calls
        return real_send(message)

    monkeypatch.setattr(task_batches, "message_send", sigterm_during_send)
    with connections_kept_open(), keep_signal_handlers():
        worker.configure_signals()
        worker.run()  # returns: no SystemExit while a batch is in hand
    assert len(twilio_standin.messages) == 1
    sent, *rest = sorted(messages, key=lambda m: m.pk)
    for message in rest:
        message.refresh_from_db()
        # As it was before the claim: queued, no attempt counted, due at once.
        assert (message.status, message.attempts, message.lease_until) == ("queued", 0, None)
        assert _statuses(message) == ["sending", "queued"]
    assert DBTaskResult.objects.filter(status="READY").count() == 3

    monkeypatch.setattr(task_batches, "message_send", real_send)
    assert run_queued_tasks() == 3
    assert len(twilio_standin.messages) == 4
    assert Counter(Message.objects.values_list("status", "attempts")) == {("sent", 1): 4}


class _Later:
    """django.utils.timezone for task_batches only, its clock moved on after the first send."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def now(self):
        return timezone.now() + self.ahead


def test_messages_a_batch_reaches_after_half_their_lease_go_back_instead_of_out(
    twilio_standin, monkeypatch, settings
):
    settings.DELIVERY_LEASE_SECONDS = 120
    _queued_texts(3)
    later = _Later()
    real_send = task_batches.message_send

    def slow_send(message):
        result = real_send(message)
        later.ahead = timedelta(seconds=61)  # the send took most of a minute
        return result

    monkeypatch.setattr(task_batches, "timezone", later)
    monkeypatch.setattr(task_batches, "message_send", slow_send)
    worker = _worker()
    batch = worker._claim()
    with connections_kept_open():
        worker._run_batch(batch)
    # The sweeper could have taken the others back while they were sent: none went out here.
    assert len(twilio_standin.messages) == 1
    assert Counter(Message.objects.values_list("status", flat=True)) == {"sent": 1, "queued": 2}
    assert DBTaskResult.objects.filter(status="READY").count() == 2


def test_a_message_claimed_by_someone_else_meanwhile_finishes_its_task_in_the_claim(
    twilio_standin,
):
    (message,) = _queued_texts(1)
    assert delivery.message_deliver(message.pk) == "sent"  # sent outside the queue
    batch = _worker()._claim()
    assert batch.messages == {} and len(batch.skipped) == 1
    (task,) = DBTaskResult.objects.all()
    assert (task.status, task.return_value) == ("SUCCESSFUL", "skipped")
    assert len(twilio_standin.messages) == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_with_four_senders_each_send_each_email_and_text_once(
    smtp_sink, twilio_standin, fake_pdf, monkeypatch
):
    emails, texts = _queued_emails(30), _queued_texts(30)
    senders: set[str] = set()
    real_send = task_batches.message_send

    def send(message):
        senders.add(threading.current_thread().name)
        return real_send(message)

    monkeypatch.setattr(task_batches, "message_send", send)
    ran = _two_workers_run(claim_size=7, senders=4)
    assert sum(ran) == 60, ran
    assert Counter(_message_pk(r) for r in smtp_sink.received) == {m.pk: 1 for m in emails}
    sends = Counter(_callback_code(form) for form in twilio_standin.messages)
    assert sends == Counter({m.callback_code: 1 for m in texts})
    assert set(Message.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert all(_statuses(m) == ["sending", "sent"] for m in [*emails, *texts])
    assert senders and all(name.startswith("sender-") for name in senders)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_sigterm_with_four_sends_in_flight_lets_them_finish_and_gives_back_only_the_rest(
    twilio_standin, monkeypatch
):
    messages = _queued_texts(10)
    worker = _worker(senders=4)
    # The signal arrives once all four senders are in the middle of a send.
    in_flight = threading.Barrier(4, action=lambda: worker.shutdown(signal.SIGTERM, None))
    real_send = task_batches.message_send

    def send(message):
        in_flight.wait(timeout=30)
        return real_send(message)

    monkeypatch.setattr(task_batches, "message_send", send)
    worker.run()  # returns: no SystemExit while a batch is in hand
    assert len(twilio_standin.messages) == 4
    statuses = Counter(Message.objects.values_list("status", "attempts"))
    # The six not started are as they were before the claim: queued, no attempt counted.
    assert statuses == {("sent", 1): 4, ("queued", 0): 6}
    assert DBTaskResult.objects.filter(status="READY").count() == 6
    given_back = Message.objects.filter(status="queued")
    assert all(_statuses(m) == ["sending", "queued"] for m in given_back)

    monkeypatch.setattr(task_batches, "message_send", real_send)
    assert run_queued_tasks() == 6
    sends = Counter(_callback_code(form) for form in twilio_standin.messages)
    assert sends == Counter({m.callback_code: 1 for m in messages})


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_database_error_in_one_sender_stops_the_others_and_reaches_the_worker(
    twilio_standin, monkeypatch
):
    _queued_texts(20)
    real_record = task_batches.message_result_record
    recorded = []

    def record(message, outcome):
        if not recorded:
            recorded.append(message.pk)
            raise OperationalError("server closed the connection unexpectedly")
        recorded.append(message.pk)
        return real_record(message, outcome)

    monkeypatch.setattr(task_batches, "message_result_record", record)
    with pytest.raises(OperationalError):
        _worker(senders=4).run()
    # The other senders finish the message in hand, then take no more: the batch stops.
    sent = len(twilio_standin.messages)
    assert sent == len(recorded) < 20
    assert Message.objects.filter(status="sent").count() == sent - 1
    # The one sent but not recorded waits for its lease, as after a worker killed mid-batch;
    # those never started go back to the queue at once, as they were.
    assert Message.objects.filter(status="sending").count() == 1
    assert Message.objects.filter(status="queued").count() == 20 - sent
    assert DBTaskResult.objects.filter(status="READY").count() == 20 - sent


def test_on_sqlite_a_worker_sends_from_its_own_thread_whatever_senders_says(
    twilio_standin, monkeypatch
):
    if connection.vendor != "sqlite":
        pytest.skip("about SQLite")
    _queued_texts(6)
    threads = set()
    real_send = task_batches.message_send

    def send(message):
        threads.add(threading.current_thread())
        return real_send(message)

    monkeypatch.setattr(task_batches, "message_send", send)
    worker = _worker(senders=4)
    with connections_kept_open():
        worker.run()
    assert threads == {threading.main_thread()}
    assert Counter(Message.objects.values_list("status", flat=True)) == {"sent": 6}
