"""What every channel shares: its error, the link filled in at send time, the dev-outbox capture."""

from __future__ import annotations

from signoff.sharing.compose import LINK_PLACEHOLDER, SIGNED_COPY_PLACEHOLDER, fill_link
from signoff.sharing.links import (
    TokenUnavailable,
    share_link_token,
    share_link_url,
    signed_copy_url,
)
from signoff.sharing.models import Message, OutboxCapture


class DeliveryError(Exception):
    """A send that did not happen, with a reason staff can read.

    Permanent errors (an invalid number, an opted-out recipient, a refused address) are never
    retried; the others are retried with backoff until the attempts run out.
    """

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def with_link(message: Message, body: str, *, html: bool = False) -> str:
    """The body as it is sent: the recipient's link, derived now, in place of the placeholder.

    Derived at each attempt, so a retry carries the same link; it is never written back.
    """
    if LINK_PLACEHOLDER not in body and SIGNED_COPY_PLACEHOLDER not in body:
        return body
    if message.link is None:
        raise DeliveryError("This message has no share link to put in it.", permanent=True)
    try:
        token = share_link_token(message.link)
    except TokenUnavailable as exc:
        raise DeliveryError(exc.message, permanent=True) from exc
    return fill_link(body, share_link_url(token), html=html, signed_copy_url=signed_copy_url(token))


def capture(message: Message, raw: bytes) -> str:
    """Keep what would have been sent, for the dev outbox page, and return its stand-in id."""
    # A retry after a lost worker captures again; keep one capture per message, the latest.
    OutboxCapture.objects.update_or_create(message=message, defaults={"raw": raw})
    return f"dev-outbox-{message.pk}"
