"""A real SMTP server on 127.0.0.1 (aiosmtpd, any free port) that keeps what it receives.

    with SmtpSink() as sink:
        settings.EMAIL_PORT = sink.port ...
        sink.messages[0]["To"]

Or use the `smtp_sink` fixture, which also points Django's SMTP backend at it.
"""

from __future__ import annotations

import email
import threading
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One email as the server got it: the SMTP envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.sink.refused:
            return "550 5.1.1 No such user here"
        if self.sink.busy_answers:
            self.sink.busy_answers -= 1
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=policy.default)
        with self.sink.lock:
            self.sink.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), raw, parsed)
            )
        return "250 Message accepted for delivery"


class _AnyPortController(Controller):
    """aiosmtpd's Controller, able to bind port 0 (it pings its own port once started)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        return super()._trigger_server()


class SmtpSink:
    """Receives mail on 127.0.0.1:<port>; can refuse addresses or answer 451 for a while."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refused: set[str] = set()
        # How many RCPT commands to answer "451 try again later" (a transient failure).
        self.busy_answers = 0
        self.lock = threading.Lock()
        self._controller = _AnyPortController(_Handler(self), hostname="127.0.0.1", port=0)

    @property
    def port(self) -> int:
        return self._controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]

    def refuse(self, address: str) -> None:
        self.refused.add(address.lower())

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@pytest.fixture
def smtp_sink(settings):
    """A running SmtpSink with Django's SMTP backend pointed at it and the dev outbox off."""
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        settings.DEV_OUTBOX = False
        yield sink
