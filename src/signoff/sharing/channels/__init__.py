"""Ways a message leaves the shop (email, text), and the dev outbox that stands in for them."""

from __future__ import annotations

from signoff.sharing.models import Channel, Message, OutboxCapture


class DeliveryError(Exception):
    """A send that did not happen, with a reason staff can read.

    Permanent errors (an invalid number, an opted-out recipient, a refused address) are never
    retried; the others are retried with backoff until the attempts run out.
    """

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def send(message: Message) -> str:
    """Send one outbox message (or capture it in the dev outbox); return the provider's id."""
    # Imported here so the SDKs load only in processes that deliver.
    if message.channel == Channel.EMAIL:
        from signoff.sharing.channels.email import send_email

        return send_email(message)
    if message.channel == Channel.SMS:
        from signoff.sharing.channels.sms import send_sms

        return send_sms(message)
    raise DeliveryError(f"Unknown channel {message.channel!r}.", permanent=True)


def capture(message: Message, raw: bytes) -> str:
    """Keep what would have been sent, for the dev outbox page, and return its stand-in id."""
    # A retry after a lost worker captures again; keep one capture per message, the latest.
    OutboxCapture.objects.update_or_create(message=message, defaults={"raw": raw})
    return f"dev-outbox-{message.pk}"
