"""Texts through the official twilio SDK, pointed at a local stand-in for Twilio's API."""

import pytest
from django.conf import settings as django_settings

from signoff.sharing.channels import sms
from signoff.sharing.delivery import message_deliver
from signoff.sharing.models import Message
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from signoff.shops.models import SmsStatus
from tests.factories import MessageFactory
from tests.sharing.builders import estimate_for, ready_to_send, url_of
from tests.support.twilio_standin import ACCOUNT_SID, AUTH_TOKEN
from tests.support.worker import run_queued_tasks

pytestmark = pytest.mark.django_db


def sms_ready(shop, sender="+15035550199"):
    shop.sms_status = SmsStatus.APPROVED
    shop.sms_sender = sender
    shop.save()


def text_from(sender: str) -> Message:
    """A queued text from a shop whose text-message sender is `sender`."""
    return MessageFactory(channel="sms", share__version__repair_order__shop__sms_sender=sender)


def test_a_shared_estimate_sends_one_text_per_person_each_with_their_own_link(
    shop, alice, twilio_standin, django_capture_on_commit_callbacks
):
    sms_ready(shop)
    est = estimate_for(shop)
    ready_to_send(est, by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        result = share_create(
            actor=actor_for(user=alice, shop_id=shop.pk),
            ro_id=est.ro.pk,
            kind="request_approval",
            recipients=[Recipient(est.primary.pk, ["sms"]), Recipient(est.spouse.pk, ["sms"])],
            primary_contact_id=est.primary.pk,
        )
    assert run_queued_tasks() == 2

    sent = {form["To"]: form for form in twilio_standin.messages}
    assert set(sent) == {"+15035551001", "+15035551002"}
    urls = {link.contact.mobile: url_of(link) for link in result.links}
    for number, form in sent.items():
        assert urls[number] in form["Body"]
        assert form["From"] == "+15035550199"
        assert "MessagingServiceSid" not in form
    assert {r.username for r in twilio_standin.requests} == {ACCOUNT_SID}
    assert {r.password for r in twilio_standin.requests} == {AUTH_TOKEN}
    assert all(
        r.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
        for r in twilio_standin.requests
    )
    for message in Message.objects.all():
        assert message.status == "sent"
        assert message.provider_id.startswith("SM")


def test_the_status_callback_url_names_the_message_by_its_callback_code(twilio_standin):
    message = text_from("+15035550199")
    message_deliver(message.pk)
    [form] = twilio_standin.messages
    assert form["StatusCallback"] == (
        f"{django_settings.SITE_URL}/hooks/twilio/status?m={message.callback_code}"
    )


def test_a_messaging_service_sender_is_sent_as_messaging_service_sid(twilio_standin):
    service = "MG" + "a1" * 16
    message = text_from(service)
    assert message_deliver(message.pk) == "sent"
    [form] = twilio_standin.messages
    assert form["MessagingServiceSid"] == service
    assert "From" not in form


def test_the_sid_twilio_returns_is_stored_as_the_provider_id(twilio_standin):
    message = text_from("+15035550199")
    message_deliver(message.pk)
    message.refresh_from_db()
    sid = twilio_standin.requests[0]
    assert message.provider_id.startswith("SM") and len(message.provider_id) == 34
    assert sid.form["To"] == message.to_address


def test_a_shop_without_a_sender_fails_the_text_and_says_how_to_fix_it(twilio_standin):
    message = text_from("")
    assert message_deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert "no text-message sender" in message.last_error
    assert "shop settings" in message.last_error
    assert twilio_standin.requests == []


def test_texts_fail_with_a_reason_when_twilio_is_not_configured(settings):
    settings.DEV_OUTBOX = False
    settings.TWILIO_ACCOUNT_SID = ""
    message = text_from("+15035550199")
    assert message_deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert "not set up on this server" in message.last_error


def test_twilio_out_of_reach_is_retried(settings, twilio_standin):
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    message = text_from("+15035550199")
    assert message_deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.last_error.startswith("Could not reach Twilio")


def test_an_unknown_twilio_error_is_retried_with_its_code_in_the_reason(twilio_standin):
    twilio_standin.fail_next(status=429, code=20429, message="Too many requests")
    message = text_from("+15035550199")
    assert message_deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert "429" in message.last_error and "20429" in message.last_error


def test_texts_reuse_one_twilio_client_until_the_account_changes(settings, twilio_standin):
    assert sms.twilio_client() is sms.twilio_client()
    before = sms.twilio_client()
    settings.TWILIO_AUTH_TOKEN = "another-token-0123456789abcdef"
    assert sms.twilio_client() is not before


def _text(est, by, contact, capture) -> int:
    """Share the estimate with `contact` by text, then deliver what was queued."""
    with capture(execute=True):
        share_create(
            actor=actor_for(user=by, shop_id=est.ro.shop_id),
            ro_id=est.ro.pk,
            kind="request_approval",
            recipients=[Recipient(contact.pk, ["sms"])],
        )
    return run_queued_tasks()


def test_only_the_first_text_to_a_number_carries_the_opt_out_line(
    shop, alice, twilio_standin, django_capture_on_commit_callbacks
):
    sms_ready(shop)
    est = estimate_for(shop)
    assert _text(est, alice, est.spouse, django_capture_on_commit_callbacks) == 1
    assert _text(est, alice, est.spouse, django_capture_on_commit_callbacks) == 1
    first, second = [form["Body"] for form in twilio_standin.messages]
    for body in (first, second):
        assert body.startswith(f"{shop.name}: please review and approve your estimate for ")
        assert "Questions? Call (503) 555-0100." in body
    assert first.endswith("Questions? Call (503) 555-0100. Reply STOP to opt out.")
    assert "STOP" not in second
    # Another number of the same shop has not had a text yet: it gets the line.
    assert _text(est, alice, est.primary, django_capture_on_commit_callbacks) == 1
    assert twilio_standin.messages[2]["To"] == est.primary.mobile
    assert twilio_standin.messages[2]["Body"].endswith("Reply STOP to opt out.")


def test_a_text_that_never_went_out_does_not_count_as_the_first(
    shop, alice, twilio_standin, django_capture_on_commit_callbacks
):
    sms_ready(shop)
    est = estimate_for(shop)
    twilio_standin.fail_next(status=400, code=21614, message="Not a mobile number")
    _text(est, alice, est.spouse, django_capture_on_commit_callbacks)
    assert Message.objects.get().status == "failed"
    _text(est, alice, est.spouse, django_capture_on_commit_callbacks)
    assert twilio_standin.messages[-1]["Body"].endswith("Reply STOP to opt out.")


def test_another_shop_texting_the_same_number_does_not_count(
    shop, other_shop, alice, charlie, twilio_standin, django_capture_on_commit_callbacks
):
    sms_ready(shop)
    sms_ready(other_shop, sender="+15035550198")
    ours, theirs = estimate_for(shop), estimate_for(other_shop)
    _text(theirs, charlie, theirs.spouse, django_capture_on_commit_callbacks)
    _text(ours, alice, ours.spouse, django_capture_on_commit_callbacks)
    assert ours.spouse.mobile == theirs.spouse.mobile
    opt_outs = [form["Body"].endswith("Reply STOP to opt out.") for form in twilio_standin.messages]
    assert opt_outs == [True, True]


def test_texts_in_spanish_name_the_shop_its_phone_and_the_opt_out(
    shop, alice, twilio_standin, django_capture_on_commit_callbacks
):
    sms_ready(shop)
    est = estimate_for(shop)
    est.spouse.language = "es"
    est.spouse.save()
    _text(est, alice, est.spouse, django_capture_on_commit_callbacks)
    _text(est, alice, est.spouse, django_capture_on_commit_callbacks)
    first, second = [form["Body"] for form in twilio_standin.messages]
    assert first.startswith(f"{shop.name}: revise y apruebe su presupuesto")
    assert first.endswith(
        "¿Preguntas? Llame al (503) 555-0100. Responda STOP para no recibir más mensajes."
    )
    assert second.endswith("¿Preguntas? Llame al (503) 555-0100.")
