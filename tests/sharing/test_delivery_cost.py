"""What delivering costs: one PDF per share whatever its size, at most two write transactions
a message (fewer when the worker claims several at once)."""

import re

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from signoff.documents import render
from signoff.sharing.delivery import message_deliver, message_enqueue
from signoff.sharing.models import Message
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from tests.factories import ContactFactory, MessageFactory
from tests.sharing.builders import estimate_for
from tests.support.worker import run_queued_tasks

pytestmark = pytest.mark.django_db

FRESH_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def _counted(monkeypatch, name: str) -> list[dict]:
    """Every call of documents.render's `name`, by its arguments (the call still happens)."""
    calls = []
    real = getattr(render, name)

    def counted(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(render, name, counted)
    return calls


@pytest.fixture
def renders(monkeypatch, settings):
    """Every compile of an estimate PDF, into a storage of this test's own."""
    settings.STORAGES = FRESH_STORAGE
    return _counted(monkeypatch, "estimate_pdf")


def test_a_share_to_fifty_contacts_renders_its_pdf_once(
    shop, alice, smtp_sink, renders, django_capture_on_commit_callbacks
):
    est = estimate_for(shop)
    contacts = [ContactFactory(customer=est.ro.customer, shop=shop) for _ in range(48)]
    people = [est.primary, est.spouse, *contacts]
    with django_capture_on_commit_callbacks(execute=True):
        share_create(
            actor=actor_for(user=alice, shop_id=shop.pk),
            ro_id=est.ro.pk,
            kind="request_approval",
            recipients=[Recipient(c.pk, ["email"]) for c in people],
        )
    assert run_queued_tasks() == 50
    assert len(renders) == 1
    attached = {part.get_content() for m in smtp_sink.messages for part in m.iter_attachments()}
    assert len(smtp_sink.messages) == 50 and len(attached) == 1
    assert next(iter(attached)).startswith(b"%PDF")


def test_the_emails_of_one_share_attach_the_stored_pdf_read_once(
    shop, alice, smtp_sink, renders, monkeypatch, django_capture_on_commit_callbacks
):
    reads = _counted(monkeypatch, "estimate_pdf_stored")
    est = estimate_for(shop)
    with django_capture_on_commit_callbacks(execute=True):
        share_create(
            actor=actor_for(user=alice, shop_id=shop.pk),
            ro_id=est.ro.pk,
            kind="request_approval",
            recipients=[Recipient(c.pk, ["email"]) for c in (est.primary, est.spouse)],
        )
    assert run_queued_tasks() == 2
    assert len(reads) == 1 and len(renders) == 1
    [name] = default_storage.listdir("estimates")[1]
    stored = default_storage.open(f"estimates/{name}").read()
    for sent in smtp_sink.messages:
        [part] = sent.iter_attachments()
        assert part.get_content() == stored
        assert part.get_filename() == f"estimate-RO-{est.ro.number}-v1.pdf"


def _share(est, alice, **options):
    return share_create(
        actor=actor_for(user=alice, shop_id=est.ro.shop_id),
        ro_id=est.ro.pk,
        kind="request_approval",
        recipients=[Recipient(est.primary.pk, ["email"])],
        **options,
    )


def test_a_retry_reuses_the_pdf_and_a_share_with_other_sections_gets_its_own(
    shop, alice, smtp_sink, renders, no_delivery
):
    est = estimate_for(shop)
    [first] = _share(est, alice).messages
    assert message_deliver(first.pk) == "sent"
    Message.objects.filter(pk=first.pk).update(status="retry")  # sent again after a lost worker
    assert message_deliver(first.pk) == "sent"
    assert len(renders) == 1
    [other] = _share(est, alice, sections=["labor", "prices"]).messages
    assert message_deliver(other.pk) == "sent"
    assert len(renders) == 2
    assert renders[1]["sections"] == ["labor", "prices"]


class WriteTransactions:
    """Counts transactions that write, on any database: each write statement belongs to the
    outermost atomic block it runs in, or is a transaction of its own in autocommit. (A queue
    poll that only locks, finding nothing, writes nothing.)"""

    WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)

    def __init__(self):
        self.count = 0
        self._block = None

    def __call__(self, execute, sql, params, many, context):
        if self.WRITE.search(sql):
            block = connection.atomic_blocks[0] if connection.in_atomic_block else None
            if block is None or block is not self._block:
                self.count += 1
            self._block = block
        return execute(sql, params, many, context)


def _write_transactions(message_id: int) -> int:
    counter = WriteTransactions()
    with connection.execute_wrapper(counter):
        assert message_deliver(message_id) == "sent"
    return counter.count


@pytest.mark.django_db(transaction=True)
def test_delivering_an_email_takes_two_write_transactions(
    shop, alice, smtp_sink, renders, no_delivery
):
    [message] = _share(estimate_for(shop), alice).messages
    assert _write_transactions(message.pk) == 2
    assert len(smtp_sink.messages) == 1 and len(renders) == 1


@pytest.mark.django_db(transaction=True)
def test_delivering_a_text_takes_two_write_transactions(twilio_standin):
    message = MessageFactory(
        channel="sms", share__version__repair_order__shop__sms_sender="+15035550100"
    )
    assert _write_transactions(message.pk) == 2
    assert len(twilio_standin.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_claims_a_batch_in_one_transaction_and_records_each_message_in_one(
    twilio_standin,
):
    """The worker claims the tasks and their messages together, and records each message's
    result with its task's: five texts take six write transactions, fewer than two each."""
    first = MessageFactory(
        channel="sms", share__version__repair_order__shop__sms_sender="+15035550100"
    )
    rest = [MessageFactory(channel="sms", share=first.share) for _ in range(4)]
    for message in [first, *rest]:
        message_enqueue(message.pk)
    counter = WriteTransactions()
    with connection.execute_wrapper(counter):
        assert run_queued_tasks() == 5
    assert counter.count == 1 + 5
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert len(twilio_standin.messages) == 5
