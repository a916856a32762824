"""The dev outbox: what Signoff would have emailed or texted when no SMTP or Twilio is set up.

It lets someone trying Signoff on one machine open the links a customer would get. Only the
current shop's messages are shown, and the pages do not exist unless DEV_OUTBOX is on.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from signoff.sharing.models import Channel, Message, OutboxCapture

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


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    messages = (
        Message.objects.filter(shop=shop, capture__isnull=False)
        .select_related("contact", "repair_order")
        .annotate(captured_at=F("capture__created_at"))
        .order_by("-captured_at", "-id")[:LIST_LIMIT]
    )
    return render(request, "web/dev/outbox.html", {"messages_sent": messages})


@login_required
def outbox_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    captured = _unpack(_capture(request, message_id))
    return render(request, "web/dev/outbox_detail.html", {"captured": captured})


@login_required
def outbox_attachment(request: HttpRequest, message_id: int, index: int) -> HttpResponse:
    capture = _capture(request, message_id)
    if capture.message.channel != Channel.EMAIL:
        raise Http404("Texts have no attachments.")
    parts = list(_parse(capture).iter_attachments())
    if not 0 <= index < len(parts):
        raise Http404("No such attachment.")
    part = parts[index]
    response = HttpResponse(part.get_content(), content_type=part.get_content_type())
    response["Content-Disposition"] = f'attachment; filename="{_safe_filename(part, index)}"'
    return response


def _shop(request: HttpRequest):
    # No dev outbox in production, and nothing for a user who belongs to no shop.
    if not settings.DEV_OUTBOX or request.actor is None:
        raise Http404("The dev outbox is off.")
    return request.actor.shop


def _capture(request: HttpRequest, message_id: int) -> OutboxCapture:
    shop = _shop(request)
    capture = (
        OutboxCapture.objects.select_related("message__contact", "message__repair_order")
        .filter(message_id=message_id, message__shop=shop)
        .first()
    )
    if capture is None:
        raise Http404("No captured message with that number in this shop.")
    return capture


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
        html=html_part.get_content() if html_part else "",
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


def _safe_filename(part: EmailMessage, index: int) -> str:
    name = part.get_filename() or f"attachment-{index + 1}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)
