"""A local stand-in for Twilio's Messages API, and callbacks signed the way Twilio signs them.

The twilio SDK is pointed here through settings.TWILIO_API_BASE. The stand-in records every
request and answers like Twilio (201 with a message SID, status "queued"), unless told to fail
the next requests with a 5xx or a Twilio error code.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.conf import settings as django_settings
from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "5e" * 16
AUTH_TOKEN = "stand-in-auth-token-0123456789ab"


@dataclass
class TwilioRequest:
    method: str
    path: str
    form: dict[str, str]
    username: str
    password: str


@dataclass
class _Failure:
    status: int
    code: int | None
    message: str


class TwilioStandIn:
    """Twilio's `POST /2010-04-01/Accounts/{sid}/Messages.json`, on 127.0.0.1:<port>."""

    def __init__(self) -> None:
        self.requests: list[TwilioRequest] = []
        self.failures: list[_Failure] = []
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def messages(self) -> list[dict[str, str]]:
        """The form of every message-create request, in order."""
        with self.lock:
            return [r.form for r in self.requests if r.path.endswith("/Messages.json")]

    def fail_next(self, *, status: int = 503, code: int | None = None, message: str = "") -> None:
        """Answer the next request with this error (queue several calls for several failures)."""
        self.failures.append(_Failure(status, code, message or "Service unavailable"))

    def start(self) -> TwilioStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> TwilioStandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _answer(self, request: TwilioRequest) -> tuple[int, dict]:
        with self.lock:
            self.requests.append(request)
            failure = self.failures.pop(0) if self.failures else None
        if failure is not None:
            body = {"status": failure.status, "message": failure.message}
            if failure.code is not None:
                body.update(
                    code=failure.code,
                    more_info=f"https://www.twilio.com/docs/errors/{failure.code}",
                )
            return failure.status, body
        if request.username != ACCOUNT_SID or request.password != AUTH_TOKEN:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        form = request.form
        sid = "SM" + secrets.token_hex(16)
        return 201, {
            "sid": sid,
            "account_sid": ACCOUNT_SID,
            "to": form.get("To"),
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "date_created": "Mon, 24 Nov 2025 18:00:00 +0000",
            "error_code": None,
            "error_message": None,
            "price": None,
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
        }


def _handler_for(standin: TwilioStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Keeps the connection open between requests, as api.twilio.com does; without Nagle's
        # algorithm, so the body written after the headers is not held back for an ACK.
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            username, password = _basic_auth(self.headers.get("Authorization", ""))
            status, body = standin._answer(
                TwilioRequest("POST", self.path, form, username, password)
            )
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

    return Handler


def _basic_auth(header: str) -> tuple[str, str]:
    if not header.startswith("Basic "):
        return "", ""
    username, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return username, password


def twilio_signature(url: str, params: dict[str, str], auth_token: str = AUTH_TOKEN) -> str:
    """X-Twilio-Signature for a POST of `params` to `url`, as Twilio computes it."""
    return RequestValidator(auth_token).compute_signature(url, params)


def post_status_callback(
    client,
    message,
    *,
    status: str,
    sid: str | None = None,
    error_code: str = "",
    signature: str | None = None,
):
    """POST a delivery report for `message` to /hooks/twilio/status, signed like Twilio's."""
    path = f"/hooks/twilio/status?m={message.callback_code}"
    params = {
        "AccountSid": ACCOUNT_SID,
        "MessageSid": sid or message.provider_id,
        "SmsSid": sid or message.provider_id,
        "MessageStatus": status,
        "SmsStatus": status,
        "To": message.to_address,
        "ApiVersion": "2010-04-01",
    }
    if error_code:
        params["ErrorCode"] = error_code
    if signature is None:
        signature = twilio_signature(django_settings.SITE_URL + path, params)
    return client.post(path, params, headers={"X-Twilio-Signature": signature})


@pytest.fixture
def twilio_standin(settings):
    """A running TwilioStandIn with the SDK pointed at it and the dev outbox off."""
    with TwilioStandIn() as standin:
        settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
        settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
        settings.TWILIO_API_BASE = standin.base_url
        settings.DEV_OUTBOX = False
        yield standin
