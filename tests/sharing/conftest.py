"""Fixtures for sharing tests: a local SMTP server and a Twilio stand-in (see tests/support)."""

from tests.support.smtp import smtp_sink  # noqa: F401
from tests.support.twilio_standin import twilio_standin  # noqa: F401
