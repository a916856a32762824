"""Email delivery: one message per contact, text and HTML parts, the estimate PDF attached."""

from __future__ import annotations

import smtplib
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape

from signoff.sharing.channels.base import DeliveryError, capture, with_link
from signoff.sharing.models import Message


def send_email(message: Message) -> str:
    """Send through the configured email backend (or capture it); return the Message-ID."""
    email = build_email(message)
    if settings.DEV_OUTBOX:
        return capture(message, email.message().as_bytes())
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        # smtplib raises this for "451 try later" too; only a 5xx answer is a final no.
        permanent = all(code >= 500 for code, _ in exc.recipients.values())
        raise DeliveryError(_refused_reason(message, exc), permanent=permanent) from exc
    except (smtplib.SMTPException, OSError) as exc:
        # Disconnects, timeouts, 4xx answers, a mail server that is down: worth another try.
        raise DeliveryError(f"The mail server did not take the email: {exc}") from exc
    return email.extra_headers["Message-ID"]


def build_email(message: Message) -> EmailMultiAlternatives:
    """The full email for one outbox row, with our own Message-ID so replies can be matched."""
    shop = message.shop
    from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "signoff@localhost"
    recipient_name = message.contact.name if message.contact_id else ""
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=_text_body(message),
        from_email=formataddr((shop.name, from_address)),
        to=[formataddr((recipient_name, message.to_address))],
        reply_to=[shop.email] if shop.email else None,
        headers={"Message-ID": make_msgid(f"signoff.{message.pk}", from_address.split("@")[-1])},
    )
    if message.body_html:
        email.attach_alternative(_html_body(message), "text/html")
    if message.share_id:
        email.attach(attachment_filename(message), _estimate_pdf(message), "application/pdf")
    return email


def attachment_filename(message: Message) -> str:
    """`estimate-RO-1001-v2.pdf`: the RO number and the version the customer is looking at."""
    return f"estimate-RO-{message.repair_order.number}-v{message.share.version.number}.pdf"


def _estimate_pdf(message: Message) -> bytes:
    from signoff.documents.render import estimate_pdf

    share = message.share
    return estimate_pdf(
        version=share.version,
        sections=share.sections,
        include_etr=share.include_etr,
        notes=share.notes,
    )


def _cc_line(message: Message) -> str:
    """'Also sent to: …' (written by the share), so each person knows who else received it."""
    return message.cc_text.strip()


def _text_body(message: Message) -> str:
    body = with_link(message, message.body_text)
    line = _cc_line(message)
    if not line or line in body:
        return body
    return f"{body.rstrip()}\n\n{line}\n"


def _html_body(message: Message) -> str:
    body = with_link(message, message.body_html, html=True)
    line = _cc_line(message)
    if not line or escape(line) in body:
        return body
    paragraph = f'<p class="cc">{escape(line)}</p>'
    if "</body>" in body:
        return body.replace("</body>", f"{paragraph}</body>", 1)
    return f"{body}\n{paragraph}"


def _refused_reason(message: Message, exc: smtplib.SMTPRecipientsRefused) -> str:
    answers = "; ".join(
        f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
        for code, text in exc.recipients.values()
    )
    return (
        f"The mail server refused the address {message.to_address} ({answers}). "
        "If this repeats, check the contact's email address and share again."
    )
