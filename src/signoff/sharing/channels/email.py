"""Email delivery: one message per contact, text and HTML parts, the estimate PDF attached (the
signed copy, to a confirmation).

The shop's logo travels inside the email as an inline image (multipart/related, `cid:`), not as
a link to the logo's public URL: the email then shows it without the customer allowing remote
images, tells no server when it was opened, still shows it after the logo changes, and works
from an install whose SITE_URL is not reachable from the customer's mail client.

A worker keeps its connection to the mail server open from one message to the next, so a share
to many contacts costs one TLS handshake and login, not one per message, and keeps the PDF
parts of the last few shares it sent, so it reads and encodes each PDF once, not once per email.
"""

from __future__ import annotations

import contextlib
import smtplib
import threading
import time
from collections import OrderedDict
from email import encoders
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEMultipart
from django.utils.html import escape, format_html

from signoff.sharing.channels.base import DeliveryError, capture, with_link
from signoff.sharing.compose import LOGO_SLOT
from signoff.sharing.models import Message, MessageKind
from signoff.shops.branding import EMAIL_HEIGHT, brand_of, logo_email_file


def send_email(message: Message) -> str:
    """Send through the configured email backend (or capture it); return the Message-ID."""
    email = build_email(message)
    if settings.DEV_OUTBOX:
        return capture(message, email.message().as_bytes())
    try:
        _send_kept(email)
    except smtplib.SMTPRecipientsRefused as exc:
        # smtplib raises this for "451 try later" too; only a 5xx answer is a final no.
        permanent = all(code >= 500 for code, _ in exc.recipients.values())
        raise DeliveryError(_refused_reason(message, exc), permanent=permanent) from exc
    except (smtplib.SMTPException, OSError) as exc:
        # Disconnects, timeouts, 4xx answers, a mail server that is down: worth another try.
        raise DeliveryError(f"The mail server did not take the email: {exc}") from exc
    return email.extra_headers["Message-ID"]


# A kept connection unused for this long is opened afresh: servers drop idle ones after a while.
SMTP_IDLE_SECONDS = 30
_kept = threading.local()


def _server() -> tuple:
    """What the connection depends on: a change of settings (tests) opens a new one."""
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_HOST_PASSWORD,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
        settings.EMAIL_TIMEOUT,
    )


def _connection() -> tuple[object, bool]:
    """This thread's open connection to the mail server, and whether it was used before."""
    backend = getattr(_kept, "backend", None)
    stale = time.monotonic() - getattr(_kept, "used_at", 0.0) > SMTP_IDLE_SECONDS
    if backend is not None and (stale or _kept.server != _server()):
        _drop()
        backend = None
    if backend is not None:
        return backend, True
    backend = get_connection(fail_silently=False)
    backend.open()
    _kept.backend, _kept.server = backend, _server()
    return backend, False


def connection_close() -> None:
    """Close this thread's kept connection, if it has one."""
    _drop()


def _drop() -> None:
    backend, _kept.backend = getattr(_kept, "backend", None), None
    if backend is not None:
        # Leaving a connection that failed or went idle: a failing QUIT changes nothing.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            backend.close()


def _send_kept(email: EmailMultiAlternatives) -> None:
    """Send on the kept connection. When the server had closed a kept one before taking the
    message, send once more on a new one; any other error drops the connection."""
    backend, reused = _connection()
    try:
        backend.send_messages([email])
    except (smtplib.SMTPServerDisconnected, ConnectionError):
        _drop()
        if not reused:
            raise
        backend, _reused = _connection()
        try:
            backend.send_messages([email])
        except BaseException:
            _drop()
            raise
    except BaseException:
        _drop()
        raise
    _kept.used_at = time.monotonic()


class _EmailWithInlineImages(EmailMultiAlternatives):
    """An email whose HTML part comes with pictures it shows by `cid:` (the shop's logo):
    multipart/alternative [text, multipart/related [html, image…]], so mail clients show the
    images in the HTML and never list them as attachments."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.related: list[MIMEImage] = []

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if not self.related or msg.get_content_type() != "multipart/alternative":
            return msg
        parts = msg.get_payload()
        for i, part in enumerate(parts):
            if part.get_content_type() == "text/html":
                related = SafeMIMEMultipart(_subtype="related", encoding=self.encoding)
                related.attach(part)
                for image in self.related:
                    related.attach(image)
                parts[i] = related
        return msg


def build_email(message: Message) -> EmailMultiAlternatives:
    """The full email for one outbox row, with our own Message-ID so replies can be matched."""
    shop = message.shop
    from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "signoff@localhost"
    recipient_name = message.contact.name if message.contact_id else ""
    email = _EmailWithInlineImages(
        subject=message.subject,
        body=_text_body(message),
        from_email=formataddr((shop.name, from_address)),
        to=[formataddr((recipient_name, message.to_address))],
        reply_to=[shop.email] if shop.email else None,
        headers={"Message-ID": make_msgid(f"signoff.{message.pk}", from_address.split("@")[-1])},
    )
    if message.body_html:
        html, email.related = _with_logo(_html_body(message), message)
        email.attach_alternative(html, "text/html")
    if message.kind == MessageKind.CONFIRMATION:
        email.attach(_certificate_part(message))
    elif message.share_id:
        email.attach(_estimate_pdf_part(message))
    return email


def _certificate_part(message: Message) -> MIMEBase:
    """The contact's signed copy: the RO's authorization certificate as it stands at sending
    (every signature and decision so far, the chain checked), rendered for this email."""
    from signoff.documents.render import certificate_pdf

    part = MIMEBase("application", "pdf")
    part.set_payload(certificate_pdf(repair_order=message.repair_order))
    encoders.encode_base64(part)
    filename = f"signed-RO-{message.repair_order.number}.pdf"
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def attachment_filename(message: Message) -> str:
    """`estimate-RO-1001-v2.pdf`: the RO number and the version the customer is looking at."""
    return f"estimate-RO-{message.repair_order.number}-v{message.share.version.number}.pdf"


# PDF parts kept per process, by the PDF's storage name (the hash of what it is made of) and the
# name it is attached under: enough for the shares a worker has in hand at once.
PDF_PARTS_KEPT = 8
_pdf_parts: OrderedDict[tuple[str, str], MIMEBase] = OrderedDict()
_pdf_parts_lock = threading.Lock()


def _estimate_pdf_part(message: Message) -> MIMEBase:
    """The estimate PDF as a base64 MIME part, read from storage (rendered there once per
    version and options) the first time and reused for the other emails of the share."""
    from signoff.documents.render import estimate_pdf_name, estimate_pdf_stored

    share = message.share
    options = {"sections": share.sections, "include_etr": share.include_etr, "notes": share.notes}
    filename = attachment_filename(message)
    key = (estimate_pdf_name(version=share.version, **options), filename)
    with _pdf_parts_lock:
        if key in _pdf_parts:
            _pdf_parts.move_to_end(key)
            return _pdf_parts[key]
    # Generating an email reads its parts and never changes them, so one can go in many.
    part = MIMEBase("application", "pdf")
    part.set_payload(estimate_pdf_stored(version=share.version, **options))
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    with _pdf_parts_lock:
        _pdf_parts[key] = part
        while len(_pdf_parts) > PDF_PARTS_KEPT:
            _pdf_parts.popitem(last=False)
    return part


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


def _with_logo(html: str, message: Message) -> tuple[str, list[MIMEImage]]:
    """The HTML with the shop's current logo in LOGO_SLOT, and the image part it shows; without
    a logo (none, or replaced this moment and its file gone) the slot is simply left empty."""
    if LOGO_SLOT not in html:
        return html, []
    logo = brand_of(message.shop).logo
    data = logo_email_file(logo) if logo is not None else None
    if data is None:
        return html.replace(LOGO_SLOT, ""), []
    content_id = f"shop-logo-{logo.sha256[:32]}@signoff"
    width, height = logo.fit(height=EMAIL_HEIGHT, max_width=200)
    image = MIMEImage(data, _subtype=logo.email_type)
    image.add_header("Content-ID", f"<{content_id}>")
    image.add_header(
        "Content-Disposition",
        "inline",
        filename=f"logo.{'jpg' if logo.email_type == 'jpeg' else 'png'}",
    )
    markup = format_html(
        '<span style="display: inline-block; background: #ffffff; padding: 4px; '
        'border-radius: 6px; margin-right: 12px; vertical-align: middle;">'
        '<img src="cid:{}" width="{}" height="{}" alt="" style="display: block; border: 0;">'
        "</span>",
        content_id,
        width,
        height,
    )
    return html.replace(LOGO_SLOT, markup), [image]


def _refused_reason(message: Message, exc: smtplib.SMTPRecipientsRefused) -> str:
    answers = "; ".join(
        f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
        for code, text in exc.recipients.values()
    )
    return (
        f"The mail server refused the address {message.to_address} ({answers}). "
        "If this repeats, check the contact's email address and share again."
    )
