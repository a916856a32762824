"""Email delivery through a real SMTP server on 127.0.0.1, parsed back with the email package."""

import io

import pytest
from pypdf import PdfReader

from signoff.sharing.channels import email as email_channel
from signoff.sharing.compose import LINK_PLACEHOLDER, fill_link
from signoff.sharing.delivery import message_deliver, message_enqueue
from signoff.sharing.models import Message
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from tests.factories import MessageFactory
from tests.sharing.builders import estimate_for, ready_to_send, url_of
from tests.support.worker import run_queued_tasks

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.4 stand-in for the estimate"


@pytest.fixture
def fake_pdf(monkeypatch):
    """Most tests here are about the email, not the PDF: skip typst for them."""
    calls = []

    def estimate_pdf(**kwargs):
        calls.append(kwargs)
        return FAKE_PDF

    monkeypatch.setattr("signoff.documents.render.estimate_pdf", estimate_pdf)
    return calls


def test_a_shared_estimate_arrives_by_smtp_with_text_html_cc_line_and_the_real_pdf(
    shop, alice, smtp_sink, django_capture_on_commit_callbacks
):
    est = estimate_for(shop)
    ready_to_send(est, by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        result = share_create(
            actor=actor_for(user=alice, shop_id=shop.pk),
            ro_id=est.ro.pk,
            kind="request_approval",
            recipients=[Recipient(est.primary.pk, ["email"]), Recipient(est.spouse.pk, ["email"])],
            primary_contact_id=est.primary.pk,
        )
    assert run_queued_tasks() == 2

    by_recipient = {r.rcpt_tos[0]: r.message for r in smtp_sink.received}
    assert set(by_recipient) == {"john@mail.example", "jane@mail.example"}
    john = by_recipient["john@mail.example"]
    assert john["To"] == "John Doe <john@mail.example>"
    # Django folds long encoded subjects after "Subject:"; mail clients drop that leading space.
    assert (
        john["Subject"].strip()
        == f"Please review your estimate from Main Street Auto — RO {est.ro.number}"
    )
    text = john.get_body(("plain",)).get_content()
    html = john.get_body(("html",)).get_content()
    john_url = next(url_of(link) for link in result.links if link.contact == est.primary)
    assert john_url in text and john_url in html
    assert "Also sent to: Jane Doe (Spouse)" in text
    assert "Also sent to: Jane Doe (Spouse)" in html

    [attachment] = john.iter_attachments()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"estimate-RO-{est.ro.number}-v1.pdf"
    pdf_text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(attachment.get_content())).pages
    )
    assert str(est.ro.number) in pdf_text
    assert "399.43" in pdf_text

    message = Message.objects.get(to_address="john@mail.example")
    assert message.status == "sent"
    assert message.provider_id == john["Message-ID"]
    assert message.sent_at is not None


def test_the_pdf_is_rendered_with_the_shares_sections_etr_and_notes(smtp_sink, fake_pdf):
    message = MessageFactory(
        share__sections=["labor", "prices"], share__include_etr=False, share__notes="Call first"
    )
    message_deliver(message.pk)
    [call] = fake_pdf
    assert call == {
        "version": message.share.version,
        "sections": ["labor", "prices"],
        "include_etr": False,
        "notes": "Call first",
    }
    [attachment] = smtp_sink.messages[0].iter_attachments()
    assert attachment.get_content() == FAKE_PDF


def test_each_email_carries_its_own_message_id_and_the_shops_reply_to(smtp_sink, fake_pdf):
    first, second = MessageFactory(), MessageFactory()
    message_deliver(first.pk)
    message_deliver(second.pk)
    ids = [m["Message-ID"] for m in smtp_sink.messages]
    assert len(set(ids)) == 2
    assert ids[0] == Message.objects.get(pk=first.pk).provider_id
    assert smtp_sink.messages[0]["Reply-To"] == first.shop.email
    assert smtp_sink.messages[0]["From"].addresses[0].display_name == first.shop.name


def test_a_message_without_html_is_sent_as_plain_text_with_the_cc_line_added(smtp_sink, fake_pdf):
    message = MessageFactory(body_html="", cc_text="Also sent to: Pat Doe (Fleet manager)")
    message_deliver(message.pk)
    received = smtp_sink.messages[0]
    assert received.get_body(("html",)) is None
    text = received.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith(fill_link(message.body_text, url_of(message.link)).rstrip())
    assert "Also sent to: Pat Doe (Fleet manager)" in text


def test_a_refused_recipient_fails_at_once_with_the_servers_answer(smtp_sink, fake_pdf):
    message = MessageFactory(to_address="nobody@mail.example")
    smtp_sink.refuse("nobody@mail.example")
    assert message_deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.attempts == 1
    assert "refused the address nobody@mail.example" in message.last_error
    assert "550" in message.last_error
    assert smtp_sink.received == []


def test_a_busy_mail_server_is_retried_later(smtp_sink, fake_pdf):
    message = MessageFactory()
    smtp_sink.busy_answers = 1
    assert message_deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == "retry"
    assert "451" in message.last_error
    assert smtp_sink.received == []
    assert message_deliver(message.pk) == "skipped"  # not due yet


def test_the_retry_after_a_busy_answer_carries_the_real_link_in_both_parts(smtp_sink, fake_pdf):
    message = MessageFactory()
    smtp_sink.busy_answers = 1
    assert message_deliver(message.pk) == "retry"
    Message.objects.filter(pk=message.pk).update(next_attempt_at=None)
    assert message_deliver(message.pk) == "sent"
    [received] = smtp_sink.messages
    url = url_of(message.link)
    assert url in received.get_body(("plain",)).get_content()
    assert f'<a href="{url}">' in received.get_body(("html",)).get_content()
    assert LINK_PLACEHOLDER not in received.as_string()
    message.refresh_from_db()
    assert url not in message.body_text + message.body_html


def test_a_mail_server_that_is_down_is_retried_later(settings, fake_pdf):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    settings.DEV_OUTBOX = False
    message = MessageFactory()
    message_enqueue(message.pk)
    run_queued_tasks()
    message.refresh_from_db()
    assert message.status == "retry"
    assert "did not take the email" in message.last_error


def test_the_attachment_is_named_after_the_ro_and_version(fake_pdf):
    message = MessageFactory(share__version__number=2, share__version__repair_order__number=1001)
    assert email_channel.attachment_filename(message) == "estimate-RO-1001-v2.pdf"


def test_a_worker_sends_many_emails_over_one_connection(smtp_sink, fake_pdf, monkeypatch):
    email_channel._drop()
    opened = []
    real = email_channel.get_connection
    monkeypatch.setattr(
        email_channel, "get_connection", lambda **kw: opened.append(kw) or real(**kw)
    )
    for message in (MessageFactory(), MessageFactory(), MessageFactory()):
        assert message_deliver(message.pk) == "sent"
    assert len(smtp_sink.messages) == 3
    assert len(opened) == 1


def test_a_kept_connection_the_server_dropped_is_opened_again_and_the_email_sent_once(
    smtp_sink, fake_pdf
):
    first, second = MessageFactory(), MessageFactory()
    assert message_deliver(first.pk) == "sent"
    email_channel._kept.backend.connection.close()  # as a server closing an idle connection
    assert message_deliver(second.pk) == "sent"
    assert [m["To"] for m in smtp_sink.messages] == [
        f"{m.contact.name} <{m.to_address}>" for m in (first, second)
    ]
