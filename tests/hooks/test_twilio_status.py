"""POST /hooks/twilio/status: Twilio-signed delivery reports move a text's status forward."""

import pytest
from django.test import Client

from signoff.approvals.models import Event, EventKind
from signoff.sharing.delivery import message_deliver
from signoff.sharing.models import Message
from tests.factories import MessageFactory
from tests.support.twilio_standin import post_status_callback, twilio_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_text(twilio_standin):
    message = MessageFactory(
        channel="sms", share__version__repair_order__shop__sms_sender="+15035550199"
    )
    assert message_deliver(message.pk) == "sent"
    message.refresh_from_db()
    return message


def test_a_signed_delivered_report_marks_the_text_delivered(client, sent_text):
    response = post_status_callback(client, sent_text, status="delivered")
    assert response.status_code == 204
    sent_text.refresh_from_db()
    assert sent_text.status == "delivered"
    assert sent_text.delivered_at is not None
    event = Event.objects.filter(message=sent_text, kind=EventKind.MESSAGE_STATUS).last()
    assert (event.data["previous"], event.data["status"]) == ("sent", "delivered")


def test_an_undelivered_report_keeps_the_carriers_reason(client, sent_text):
    post_status_callback(client, sent_text, status="undelivered", error_code="30006")
    sent_text.refresh_from_db()
    assert sent_text.status == "undelivered"
    assert (
        sent_text.last_error
        == "Twilio error 30006: The number is a landline or cannot receive texts."
    )


def test_a_failed_report_with_an_unlisted_code_still_names_the_code(client, sent_text):
    post_status_callback(client, sent_text, status="failed", error_code="30410")
    sent_text.refresh_from_db()
    assert sent_text.status == "failed"
    assert sent_text.last_error.startswith("Twilio error 30410")


def test_an_unsigned_report_is_refused_and_changes_nothing(client, sent_text):
    response = post_status_callback(client, sent_text, status="delivered", signature="")
    assert response.status_code == 403
    sent_text.refresh_from_db()
    assert sent_text.status == "sent"


def test_a_report_signed_with_another_token_is_refused_and_changes_nothing(
    client, sent_text, settings
):
    url = f"{settings.SITE_URL}/hooks/twilio/status?m={sent_text.callback_code}"
    params = {"MessageSid": sent_text.provider_id, "MessageStatus": "delivered"}
    forged = twilio_signature(url, params, auth_token="not-our-token")
    response = client.post(
        f"/hooks/twilio/status?m={sent_text.callback_code}",
        params,
        headers={"X-Twilio-Signature": forged},
    )
    assert response.status_code == 403
    sent_text.refresh_from_db()
    assert sent_text.status == "sent"


def test_a_signature_for_other_parameters_is_refused(client, sent_text, settings):
    url = f"{settings.SITE_URL}/hooks/twilio/status?m={sent_text.callback_code}"
    signed_for = {"MessageSid": sent_text.provider_id, "MessageStatus": "failed"}
    response = client.post(
        f"/hooks/twilio/status?m={sent_text.callback_code}",
        {"MessageSid": sent_text.provider_id, "MessageStatus": "delivered"},
        headers={"X-Twilio-Signature": twilio_signature(url, signed_for)},
    )
    assert response.status_code == 403


def test_reports_need_no_csrf_token(sent_text):
    strict = Client(enforce_csrf_checks=True)
    assert post_status_callback(strict, sent_text, status="delivered").status_code == 204


def test_only_post_is_accepted(client):
    assert client.get("/hooks/twilio/status").status_code == 405


def test_delivered_stays_delivered_when_a_late_report_arrives(client, sent_text):
    post_status_callback(client, sent_text, status="delivered")
    post_status_callback(client, sent_text, status="sent")
    post_status_callback(client, sent_text, status="undelivered", error_code="30003")
    sent_text.refresh_from_db()
    assert sent_text.status == "delivered"
    assert sent_text.last_error == ""
    statuses = [e.data["status"] for e in Event.objects.filter(message=sent_text).order_by("id")]
    assert statuses == ["sending", "sent", "delivered"]


def test_a_report_for_another_sid_is_ignored(client, sent_text):
    other_sid = "SM" + "0" * 32
    response = post_status_callback(client, sent_text, status="failed", sid=other_sid)
    assert response.status_code == 204
    sent_text.refresh_from_db()
    assert sent_text.status == "sent"


def test_a_report_with_an_unknown_callback_code_changes_nothing(client, sent_text):
    stranger = Message(callback_code="0" * 32, provider_id=sent_text.provider_id, to_address="+1")
    assert post_status_callback(client, stranger, status="failed").status_code == 204
    sent_text.refresh_from_db()
    assert sent_text.status == "sent"


def test_a_report_that_beats_the_worker_records_the_sid_and_the_worker_keeps_it(
    client, twilio_standin
):
    message = MessageFactory(
        channel="sms", share__version__repair_order__shop__sms_sender="+15035550199"
    )
    sid = "SM" + "ab" * 16
    Message.objects.filter(pk=message.pk).update(status="sending", attempts=1)
    post_status_callback(client, message, status="delivered", sid=sid)
    message.refresh_from_db()
    assert (message.status, message.provider_id) == ("delivered", sid)
