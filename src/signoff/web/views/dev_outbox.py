"""The dev outbox: what Signoff would have emailed or texted when no SMTP or Twilio is set up.

It lets someone trying Signoff on one machine open the links a customer would get. Only the
current shop's messages are shown, only to roles that may reveal links (as Copy link), each
opened message with a link is recorded as `link_revealed`, and the pages do not exist unless
DEV_OUTBOX is on.
"""

from __future__ import annotations

import base64
import email
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from signoff.sharing import selectors, services
from signoff.sharing.models import Channel, Message, OutboxCapture
from signoff.shops.access import Actor
from signoff.web.views.base import staff_view

LIST_LIMIT = 200
_URL = re.compile(r"https?://[^\s<>\"')]+")


@dataclass
class Attachment:
    index: int
    filename: str
    content_type: str
    size: int


@dataclass
class Captured:
    """A captured message, unpacked for display."""

    message: Message
    headers: dict[str, str] = field(default_factory=dict)
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


@staff_view
def outbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    _require_dev_outbox()
    messages = selectors.outbox_messages(actor=actor, limit=LIST_LIMIT)
    return render(request, "web/dev/outbox.html", {"messages_sent": messages})


# The email's HTML is shown in a sandboxed srcdoc frame, which takes this page's
# Content-Security-Policy: its inline styles are the email's own (emails must inline them).
@csp_update({"style-src": [UNSAFE_INLINE]})
@staff_view
def outbox_detail(request: HttpRequest, actor: Actor, message_id: int) -> HttpResponse:
    _require_dev_outbox()
    captured = _unpack(services.outbox_capture_open(actor=actor, message_id=message_id))
    return render(request, "web/dev/outbox_detail.html", {"captured": captured})


@staff_view
def outbox_attachment(
    request: HttpRequest, actor: Actor, message_id: int, index: int
) -> HttpResponse:
    _require_dev_outbox()
    capture = selectors.outbox_capture_get(actor=actor, message_id=message_id)
    if capture.message.channel != Channel.EMAIL:
        raise Http404("Texts have no attachments.")
    parts = list(_parse(capture).iter_attachments())
    if not 0 <= index < len(parts):
        raise Http404("No such attachment.")
    part = parts[index]
    response = HttpResponse(part.get_content(), content_type=part.get_content_type())
    response["Content-Disposition"] = f'attachment; filename="{_safe_filename(part, index)}"'
    return response


def _require_dev_outbox() -> None:
    # No dev outbox in production.
    if not settings.DEV_OUTBOX:
        raise Http404("The dev outbox is off.")


def _parse(capture: OutboxCapture) -> EmailMessage:
    return email.message_from_bytes(bytes(capture.raw), policy=policy.default)


def _unpack(capture: OutboxCapture) -> Captured:
    message = capture.message
    if message.channel != Channel.EMAIL:
        text = bytes(capture.raw).decode("utf-8", errors="replace")
        return Captured(message=message, text=text, links=_URL.findall(text))
    parsed = _parse(capture)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    text = text_part.get_content() if text_part else ""
    return Captured(
        message=message,
        headers={
            name: str(parsed[name])
            for name in ("From", "To", "Reply-To", "Subject", "Date", "Message-ID")
            if parsed[name]
        },
        text=text,
        html=_with_inline_images(parsed, html_part.get_content()) if html_part else "",
        attachments=[
            Attachment(
                index=i,
                filename=_safe_filename(part, i),
                content_type=part.get_content_type(),
                size=len(part.get_payload(decode=True) or b""),
            )
            for i, part in enumerate(parsed.iter_attachments())
        ],
        links=list(dict.fromkeys(_URL.findall(text))),
    )


def _with_inline_images(parsed: EmailMessage, html: str) -> str:
    """The HTML with its `cid:` pictures (the shop's logo) as data: URLs, which the preview
    frame can show (a mail client finds them in the email's multipart/related part)."""
    for part in parsed.walk():
        content_id = (part["Content-ID"] or "").strip().strip("<>")
        if content_id and part.get_content_maintype() == "image":
            encoded = base64.b64encode(part.get_payload(decode=True) or b"").decode()
            data_url = f"data:{part.get_content_type()};base64,{encoded}"
            html = html.replace(f'src="cid:{content_id}"', f'src="{data_url}"')
    return html


def _safe_filename(part: EmailMessage, index: int) -> str:
    name = part.get_filename() or f"attachment-{index + 1}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)
