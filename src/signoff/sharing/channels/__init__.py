"""Ways a message leaves the shop (email, text), and the dev outbox that stands in for them."""

from __future__ import annotations

from signoff.sharing.channels.base import DeliveryError
from signoff.sharing.models import Channel, Message

__all__ = ["DeliveryError", "connections_close", "send"]


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


def connections_close() -> None:
    """Close this thread's kept connections to the mail server and to Twilio (a sender thread
    that ends)."""
    from signoff.sharing.channels.email import connection_close
    from signoff.sharing.channels.sms import client_close

    connection_close()
    client_close()
