"""The dev outbox: with no SMTP or Twilio, messages are captured and shown to the shop's staff."""

import base64
import email
from email import policy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signoff.approvals.models import Event, EventKind
from signoff.sharing.compose import LOGO_SLOT, fill_link
from signoff.sharing.delivery import message_deliver
from signoff.sharing.models import Message, OutboxCapture
from signoff.shops.branding import brand_of, logo_email_file
from tests.factories import MessageFactory
from tests.sharing.builders import url_of
from tests.support.clients import client_for
from tests.support.logos import brand_shop, png_logo

FAKE_PDF = b"%PDF-1.4 stand-in for the estimate"


@pytest.fixture
def alice_client(alice):
    return client_for(alice)


@pytest.fixture(autouse=True)
def dev_outbox(settings, monkeypatch):
    settings.DEV_OUTBOX = True
    # Even with these set, the dev outbox must not reach the network.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_API_BASE = "AC" + "0" * 32, "http://127.0.0.1:9"
    monkeypatch.setattr("signoff.documents.render.estimate_pdf", lambda **kw: FAKE_PDF)


def captured_email(shop, **fields) -> Message:
    message = MessageFactory(share__version__repair_order__shop=shop, **fields)
    assert message_deliver(message.pk) == "sent"
    message.refresh_from_db()
    return message


def captured_text(shop, **fields) -> Message:
    message = MessageFactory(share__version__repair_order__shop=shop, channel="sms", **fields)
    assert message_deliver(message.pk) == "sent"
    message.refresh_from_db()
    return message


def test_an_email_is_captured_as_the_full_message_and_marked_sent(shop):
    message = captured_email(shop)
    assert message.provider_id == f"dev-outbox-{message.pk}"
    parsed = email.message_from_bytes(bytes(message.capture.raw), policy=policy.default)
    assert parsed["To"].addresses[0].addr_spec == message.to_address
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == fill_link(
        message.body_text, url_of(message.link)
    )
    [attachment] = parsed.iter_attachments()
    assert attachment.get_content() == FAKE_PDF


def test_a_text_is_captured_as_its_body_without_calling_twilio(shop):
    message = captured_text(shop)
    assert bytes(message.capture.raw).decode() == fill_link(message.body_text, url_of(message.link))
    assert message.provider_id == f"dev-outbox-{message.pk}"
    assert message.last_error == ""


def test_the_outbox_lists_this_shops_messages_newest_first(shop, other_shop, alice_client):
    first = captured_email(shop, subject="First estimate")
    second = captured_text(shop, body_text="Second: http://localhost:8000/s/abc")
    captured_email(other_shop, subject="Across town secret")
    response = alice_client.get("/dev/outbox/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Second: http://localhost:8000/s/abc") < page.index("First estimate")
    assert "Across town secret" not in page
    assert f"/dev/outbox/{first.pk}/" in page and f"/dev/outbox/{second.pk}/" in page


def test_the_email_page_shows_headers_the_html_in_a_sandbox_the_link_and_the_pdf(
    shop, alice_client
):
    message = captured_email(shop)
    response = alice_client.get(f"/dev/outbox/{message.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert message.to_address in page
    assert '<iframe class="outbox-html" sandbox srcdoc="&lt;p&gt;Hello' in page
    # Dev only: the capture holds the rendered email, so the real link can be opened from here.
    link = url_of(message.link)
    assert f'<a href="{link}" target="_blank" rel="noopener">{link}</a>' in page
    attachment_url = f"/dev/outbox/{message.pk}/attachments/0/"
    assert attachment_url in page
    filename = f"estimate-RO-{message.repair_order.number}-v{message.share.version.number}.pdf"
    assert filename in page


def test_the_attachment_downloads_as_the_pdf_that_was_attached(shop, alice_client):
    message = captured_email(shop)
    response = alice_client.get(f"/dev/outbox/{message.pk}/attachments/0/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == FAKE_PDF
    assert "estimate-RO-" in response["Content-Disposition"]
    assert alice_client.get(f"/dev/outbox/{message.pk}/attachments/1/").status_code == 404


def test_the_text_page_shows_the_body_with_a_clickable_link(shop, alice_client):
    message = captured_text(
        shop, body_text="Main Street Auto: please review http://localhost:8000/s/xyz"
    )
    page = alice_client.get(f"/dev/outbox/{message.pk}/").content.decode()
    assert '<a href="http://localhost:8000/s/xyz"' in page
    assert "Main Street Auto: please review" in page
    assert "<iframe" not in page


def test_markup_in_a_message_is_shown_as_text_never_run(shop, alice_client):
    message = captured_email(
        shop,
        subject="<script>alert(1)</script>",
        body_html='<p>Hi</p><script>alert("html")</script>',
        body_text="Hi <script>alert('text')</script>",
    )
    page = alice_client.get(f"/dev/outbox/{message.pk}/").content.decode()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_another_shops_message_is_not_found(shop, other_shop, charlie):
    message = captured_email(shop)
    client = client_for(charlie)
    assert client.get(f"/dev/outbox/{message.pk}/").status_code == 404
    assert client.get(f"/dev/outbox/{message.pk}/attachments/0/").status_code == 404
    assert str(message.to_address) not in client.get("/dev/outbox/").content.decode()


def test_a_technician_may_not_look_at_the_outbox_as_copy_link_refuses_them(shop, bob):
    message = captured_text(shop)
    client = client_for(bob)
    for url in ("/dev/outbox/", f"/dev/outbox/{message.pk}/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Your role cannot see customers" in response.content.decode()
    assert not Event.objects.filter(kind=EventKind.LINK_REVEALED).exists()
    assert "Dev outbox" not in client.get("/").content.decode()


def test_an_advisor_sees_the_outbox_in_the_menu(shop, carol):
    assert "Dev outbox" in client_for(carol).get("/").content.decode()


def test_opening_a_message_with_a_link_records_who_saw_it_each_time(shop, alice, alice_client):
    message = captured_email(shop)
    for _ in range(2):
        assert alice_client.get(f"/dev/outbox/{message.pk}/").status_code == 200
    events = Event.objects.filter(kind=EventKind.LINK_REVEALED)
    assert events.count() == 2
    event = events.first()
    assert (event.actor, event.share_link, event.repair_order_id) == (
        alice,
        message.link,
        message.repair_order_id,
    )
    assert event.data == {"contact": message.link.contact.name, "via": "dev_outbox"}


def test_the_list_and_the_attachment_record_no_reveal(shop, alice_client):
    message = captured_email(shop)
    alice_client.get("/dev/outbox/")
    alice_client.get(f"/dev/outbox/{message.pk}/attachments/0/")
    assert not Event.objects.filter(kind=EventKind.LINK_REVEALED).exists()


def test_logged_out_visitors_are_sent_to_log_in(client, shop):
    message = captured_text(shop)
    for url in ("/dev/outbox/", f"/dev/outbox/{message.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_outbox_does_not_exist_when_real_providers_are_configured(shop, alice_client, settings):
    message = captured_text(shop)
    settings.DEV_OUTBOX = False
    assert alice_client.get("/dev/outbox/").status_code == 404
    assert alice_client.get(f"/dev/outbox/{message.pk}/").status_code == 404


def test_a_message_captured_again_after_a_lost_worker_keeps_one_capture(shop):
    message = captured_text(shop)
    Message.objects.filter(pk=message.pk).update(status="retry", next_attempt_at=None)
    assert message_deliver(message.pk) == "sent"
    assert OutboxCapture.objects.filter(message=message).count() == 1


def test_the_list_makes_as_many_queries_for_many_messages_as_for_one(shop, alice_client):
    captured_text(shop)
    with CaptureQueriesContext(connection) as one:
        alice_client.get("/dev/outbox/")
    for _ in range(4):
        captured_email(shop)
    with CaptureQueriesContext(connection) as five:
        page = alice_client.get("/dev/outbox/").content.decode()
    assert page.count("data-message=") == 5
    assert len(five) == len(one)


def test_the_email_preview_shows_the_inline_logo(alice_client, shop, fresh_logo_storage):
    brand_shop(shop, logo=png_logo())
    message = captured_email(shop, body_html=f"<p>{LOGO_SLOT}Main Street Auto</p>")
    page = alice_client.get(f"/dev/outbox/{message.pk}/").content.decode()
    picture = base64.b64encode(logo_email_file(brand_of(shop).logo)).decode()
    assert f"src=&quot;data:image/png;base64,{picture}&quot;" in page
    assert "cid:" not in page
