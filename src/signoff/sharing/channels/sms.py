"""Text messages through Twilio's official SDK: one message per person, never a group thread."""

from __future__ import annotations

import threading

from django.conf import settings
from django.urls import reverse
from requests import RequestException
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from signoff.sharing.channels.base import DeliveryError, capture, with_link
from signoff.sharing.models import Message

TWILIO_API = "https://api.twilio.com"
TWILIO_TIMEOUT_SECONDS = 15

# Twilio errors that no retry will fix: the number itself is the problem.
PERMANENT_ERRORS = {
    21211: "is not a valid phone number. Correct the contact's mobile number and share again.",
    21610: "has replied STOP to this shop's texts. They must text START before texts reach them.",
    21614: "is not a mobile number and cannot receive texts. Use email for this contact.",
}


def send_sms(message: Message) -> str:
    """Send one text (or capture it in the dev outbox); return Twilio's message SID."""
    body = with_link(message, message.body_text)
    if settings.DEV_OUTBOX:
        # Dev only: the capture keeps the real link so the outbox page can open it.
        return capture(message, body.encode())
    if not settings.TWILIO_ACCOUNT_SID:
        raise DeliveryError(
            "Text messaging is not set up on this server (no Twilio account configured).",
            permanent=True,
        )
    params = {
        "to": message.to_address,
        "body": body,
        "status_callback": status_callback_url(message),
        **_sender(message.shop.sms_sender),
    }
    try:
        sent = twilio_client().messages.create(**params)
    except TwilioException as exc:
        raise _twilio_error(message, exc) from exc
    except RequestException as exc:
        raise DeliveryError(f"Could not reach Twilio: {exc}") from exc
    return sent.sid


def status_callback_url(message: Message) -> str:
    """Where Twilio reports delivery; the code ties the report to this one outbox row."""
    return f"{settings.SITE_URL}{reverse('hooks:twilio_status')}?m={message.callback_code}"


_kept = threading.local()


def twilio_client() -> Client:
    """This thread's Twilio client: its HTTP session keeps the connection to Twilio open from
    one text to the next (a new one when the settings change, as in tests)."""
    account = (settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_API_BASE)
    if getattr(_kept, "account", None) != account:
        _kept.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=twilio_http_client(),
        )
        _kept.account = account
    return _kept.client


def client_close() -> None:
    """Close this thread's Twilio client's HTTP session, if it has one."""
    client, _kept.client, _kept.account = getattr(_kept, "client", None), None, None
    session = getattr(getattr(client, "http_client", None), "session", None)
    if session is not None:
        session.close()


def twilio_http_client() -> TwilioHttpClient:
    """The SDK's HTTP client, pointed at settings.TWILIO_API_BASE when one is set (tests)."""
    if not settings.TWILIO_API_BASE:
        return TwilioHttpClient(timeout=TWILIO_TIMEOUT_SECONDS)
    return _RedirectedHttpClient(settings.TWILIO_API_BASE, timeout=TWILIO_TIMEOUT_SECONDS)


class _RedirectedHttpClient(TwilioHttpClient):
    """Sends what the SDK addresses to api.twilio.com to a stand-in with the same API."""

    def __init__(self, base: str, **kwargs):
        super().__init__(**kwargs)
        self.base = base.rstrip("/")

    def request(self, method: str, url: str, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def _sender(sms_sender: str) -> dict[str, str]:
    sender = sms_sender.strip()
    if sender.startswith("MG"):
        return {"messaging_service_sid": sender}
    if sender.startswith("+"):
        return {"from_": sender}
    raise DeliveryError(
        "The shop has no text-message sender (a number like +15035550100 or a messaging "
        "service SID starting with MG). Set it in shop settings and share again.",
        permanent=True,
    )


def _twilio_error(message: Message, exc: TwilioException) -> DeliveryError:
    code = getattr(exc, "code", None)
    status = getattr(exc, "status", None)
    if code in PERMANENT_ERRORS:
        return DeliveryError(
            f"Twilio error {code}: {message.to_address} {PERMANENT_ERRORS[code]}", permanent=True
        )
    detail = getattr(exc, "msg", "") or getattr(exc, "title", "") or str(exc)
    return DeliveryError(f"Twilio answered {status} (error {code}): {detail}")


# Carrier-side errors Twilio reports in status callbacks, in words staff can act on.
CALLBACK_ERRORS = {
    "30003": "The phone is switched off or out of reach.",
    "30004": "The recipient has blocked this number or replied STOP.",
    "30005": "The number does not exist or is no longer in service.",
    "30006": "The number is a landline or cannot receive texts.",
    "30007": "The carrier filtered the text as spam.",
    "30008": "The carrier did not say why.",
    "21610": "The recipient has replied STOP to this shop's texts.",
}


def describe_error(code: str) -> str:
    """What a Twilio ErrorCode means for the person at the counter."""
    if not code:
        return ""
    meaning = CALLBACK_ERRORS.get(code, "See Twilio's error reference for this code.")
    return f"Twilio error {code}: {meaning}"
