"""After signing through their link, the contact gets a confirmation by their channel: an email
with their answers and the signed copy attached, or a text with the link to it. One per
submission, delivered by the outbox, and shown in the RO page's Messages panel."""

from urllib.parse import urlparse

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from signoff.approvals.models import Decision
from signoff.sharing.links import share_link_token, signed_copy_url
from signoff.sharing.models import Message, MessageKind
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from tests.documents.reading import text
from tests.portal.builders import signature_fields
from tests.sharing.builders import estimate_for, url_of
from tests.sharing.test_delivery_sms import sms_ready
from tests.support.worker import run_queued_tasks

pytestmark = pytest.mark.django_db


def _shared(shop, alice, recipients, on_commit):
    est = estimate_for(shop)
    with on_commit(execute=True):
        result = share_create(
            actor=actor_for(user=alice, shop_id=shop.pk),
            ro_id=est.ro.pk,
            kind="request_approval",
            recipients=recipients(est),
        )
    run_queued_tasks()
    return est, result


def _sign(client, link, answers: dict, on_commit, **extra):
    path = urlparse(url_of(link)).path
    data = {
        "version": link.share.version_id,
        **{f"op-{op.pk}": status for op, status in answers.items()},
        "consent": "yes",
        **signature_fields(),
        **extra,
    }
    with on_commit(execute=True):
        response = client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return path


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_an_email_contact_receives_their_answers_and_the_signed_copy_attached(
    shop, alice, client, smtp_sink, on_commit
):
    est, result = _shared(shop, alice, lambda e: [Recipient(e.primary.pk, ["email"])], on_commit)
    smtp_sink.received.clear()
    (link,) = result.links
    _sign(client, link, {est.brakes: "approved"}, on_commit)

    (message,) = Message.objects.filter(kind=MessageKind.CONFIRMATION)
    first = Decision.objects.filter(repair_order=est.ro).order_by("sequence").first()
    assert (message.channel, message.link, message.contact, message.confirms) == (
        "email",
        link,
        est.primary,
        first,
    )
    assert run_queued_tasks() == 1
    (received,) = smtp_sink.received
    email = received.message
    assert received.rcpt_tos == ["john@mail.example"]
    expected = f"Your signed answers for RO {est.ro.number} — Main Street Auto"
    assert email["Subject"].strip() == expected
    body = email.get_body(("plain",)).get_content()
    assert "Main Street Auto has your signed answers for RO" in body
    assert "- Front brake pads: Approved ($314.99)" in body
    assert "Amount authorized, tax included: $340.98" in body
    assert "1 item still needs your answer." in body
    assert url_of(link) in body
    html = email.get_body(("html",)).get_content()
    assert "✓ Approved" in html and url_of(link) in html
    (attachment,) = email.iter_attachments()
    assert attachment.get_filename() == f"signed-RO-{est.ro.number}.pdf"
    certificate = text(attachment.get_content())
    assert "John Doe" in certificate and "Front brake pads" in certificate
    assert "Record chain intact" in certificate
    assert Message.objects.get(pk=message.pk).status == "sent"


def test_a_text_contact_receives_a_short_text_with_the_link_to_their_signed_copy(
    shop, alice, client, twilio_standin, on_commit
):
    sms_ready(shop)
    est, result = _shared(shop, alice, lambda e: [Recipient(e.spouse.pk, ["sms"])], on_commit)
    twilio_standin.requests.clear()
    (link,) = result.links
    _sign(
        client,
        link,
        {est.brakes: "approved", est.wipers: "declined"},
        on_commit,
        contact=est.spouse.pk,
    )
    assert run_queued_tasks() == 1
    (sent,) = twilio_standin.messages
    assert sent["To"] == "+15035551002"
    copy_url = signed_copy_url(share_link_token(link))
    assert sent["Body"] == (
        f"Main Street Auto: thank you, we have your signed answers for RO {est.ro.number} "
        f"(approved: 1, declined: 1). Your signed copy: {copy_url}"
    )
    assert len(sent["Body"]) <= 320  # two text segments at most

    download = client.get(urlparse(copy_url).path)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "Jane Doe" in text(download.content)


def test_one_confirmation_per_submission_however_often_it_is_sent_again(
    shop, alice, client, smtp_sink, on_commit
):
    est, result = _shared(shop, alice, lambda e: [Recipient(e.primary.pk, ["email"])], on_commit)
    (link,) = result.links
    path = _sign(client, link, {est.brakes: "approved"}, on_commit)
    again = {
        "version": link.share.version_id,
        f"op-{est.brakes.pk}": "approved",
        "consent": "yes",
        **signature_fields(),
    }
    assert client.post(path, again).status_code == 409  # already decided: nothing new
    assert Message.objects.filter(kind=MessageKind.CONFIRMATION).count() == 1

    message = Message.objects.get(kind=MessageKind.CONFIRMATION)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            shop=shop,
            repair_order=est.ro,
            kind=MessageKind.CONFIRMATION,
            link=link,
            contact=est.primary,
            confirms=message.confirms,
            channel="email",
            to_address="john@mail.example",
        )


def test_a_second_submission_on_the_rest_gets_its_own_confirmation(
    shop, alice, client, smtp_sink, on_commit
):
    est, result = _shared(shop, alice, lambda e: [Recipient(e.primary.pk, ["email"])], on_commit)
    (link,) = result.links
    _sign(client, link, {est.brakes: "approved"}, on_commit)
    _sign(client, link, {est.wipers: "declined"}, on_commit)
    confirmations = Message.objects.filter(kind=MessageKind.CONFIRMATION).order_by("id")
    assert confirmations.count() == 2
    assert "Everything on this estimate is answered." in confirmations.last().body_text


def test_a_contact_who_prefers_both_gets_an_email_and_a_text(
    shop, alice, client, smtp_sink, twilio_standin, on_commit
):
    sms_ready(shop)
    est, result = _shared(
        shop, alice, lambda e: [Recipient(e.primary.pk, ["email", "sms"])], on_commit
    )
    _sign(client, result.links[0], {est.brakes: "approved"}, on_commit)
    channels = Message.objects.filter(kind=MessageKind.CONFIRMATION).values_list(
        "channel", flat=True
    )
    assert sorted(channels) == ["email", "sms"]


def test_an_answer_given_in_person_sends_no_confirmation(shop, alice, alice_client):
    est = estimate_for(shop)
    screen = alice_client.get(reverse("web:in_person", args=[est.ro.pk])).content.decode()
    version = screen.split('name="version" value="')[1].split('"')[0]
    response = alice_client.post(
        reverse("web:in_person", args=[est.ro.pk]),
        {"version": version, f"op-{est.brakes.pk}": "approved", "consent": "yes"}
        | signature_fields(),
    )
    assert response.status_code == 302
    assert not Message.objects.filter(kind=MessageKind.CONFIRMATION).exists()


def test_the_confirmation_speaks_the_language_the_contact_signed_in(
    shop, alice, client, smtp_sink, on_commit
):
    est, result = _shared(shop, alice, lambda e: [Recipient(e.primary.pk, ["email"])], on_commit)
    _sign(client, result.links[0], {est.brakes: "approved"}, on_commit, lang="es")
    message = Message.objects.get(kind=MessageKind.CONFIRMATION)
    assert message.subject == f"Sus respuestas firmadas para RO {est.ro.number} — Main Street Auto"
    assert "- Front brake pads: Aprobado ($314.99)" in message.body_text
    assert "Importe autorizado, impuestos incluidos: $340.98" in message.body_text


def test_the_done_page_and_the_ro_page_show_the_confirmation(
    shop, alice, client, alice_client, smtp_sink, on_commit
):
    est, result = _shared(shop, alice, lambda e: [Recipient(e.primary.pk, ["email"])], on_commit)
    path = _sign(client, result.links[0], {est.brakes: "approved"}, on_commit)
    done = client.get(f"{path}/done").content.decode()
    assert "A confirmation with your signed copy is on its way by email." in done
    assert f'href="{path}/signed.pdf"' in done
    run_queued_tasks()

    panel = alice_client.get(reverse("web:ro_part", args=[est.ro.pk, "messages"])).content.decode()
    message = Message.objects.get(kind=MessageKind.CONFIRMATION)
    row = panel.split(f'data-message="{message.pk}"')[1].split("</tr>")[0]
    assert "Confirmation of answers · version 1" in row
    assert "john@mail.example" in row and "Sent" in row
