"""An RO's internal notes reach no customer: not the page (either contact, either language, first
visit or return), the portal API, the done page, the email (text, HTML and PDF), the text
message, the PDFs a contact downloads (estimate, signed copy), the confirmations after signing
(email with its attachment, text), the in-person screen, the authorization certificate nor the
staff's previews of what a customer gets (draft, version, share as sent). The note for the
customer reaches the page and PDF."""

import io
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from signoff.approvals.versions import version_current
from signoff.orders.services import repair_order_update
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from tests.portal.builders import signature_fields
from tests.sharing.builders import estimate_for, url_of
from tests.sharing.test_delivery_sms import sms_ready
from tests.support.clients import client_for
from tests.support.worker import run_queued_tasks

pytestmark = pytest.mark.django_db

INTERNAL = "Call Maria first, Daniel after 3 PM (internal 7Q)"
FOR_CUSTOMER = "We kept your old pads to show you"


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_internal_notes_reach_no_customer_surface_and_customer_notes_do(
    shop, alice, client, alice_client, smtp_sink, twilio_standin, django_capture_on_commit_callbacks
):
    sms_ready(shop)
    est = estimate_for(shop)
    actor = actor_for(user=alice, shop_id=shop.pk)
    repair_order_update(
        actor=actor,
        ro_id=est.ro.pk,
        data={"internal_notes": INTERNAL, "customer_notes": FOR_CUSTOMER},
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = share_create(
            actor=actor,
            ro_id=est.ro.pk,
            kind="request_approval",
            recipients=[Recipient(est.primary.pk, ["email"]), Recipient(est.spouse.pk, ["sms"])],
            primary_contact_id=est.primary.pk,
        )
    assert run_queued_tasks() == 2
    assert INTERNAL not in str(version_current(repair_order=est.ro).content)

    surfaces: dict[str, str] = {}
    [email] = [r.message for r in smtp_sink.received]
    surfaces["email text"] = email.get_body(("plain",)).get_content()
    surfaces["email html"] = email.get_body(("html",)).get_content()
    [attachment] = email.iter_attachments()
    surfaces["estimate pdf"] = _pdf_text(attachment.get_content())
    [text] = twilio_standin.messages
    surfaces["text message"] = text["Body"]
    for link in result.links:
        path = urlparse(url_of(link)).path
        token = path.rstrip("/").rsplit("/", 1)[-1]
        who = link.contact.name
        surfaces[f"page for {who}"] = client.get(path).content.decode()
        surfaces[f"page for {who}, Spanish"] = client.get(
            path, HTTP_ACCEPT_LANGUAGE="es"
        ).content.decode()
        surfaces[f"portal API for {who}"] = client.get(f"/api/v1/portal/{token}").content.decode()

    smtp_sink.received.clear()
    twilio_standin.requests.clear()
    spouse_link = next(link for link in result.links if link.contact == est.spouse)
    spouse_path = urlparse(url_of(spouse_link)).path
    answers = {
        "version": spouse_link.share.version_id,
        f"op-{est.brakes.pk}": "approved",
        "contact": est.spouse.pk,
        "consent": "yes",
        **signature_fields(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(spouse_path, answers, follow=True)
    assert done.status_code == 200
    surfaces["done page"] = done.content.decode()
    surfaces["return visit"] = client.get(spouse_path).content.decode()
    surfaces["estimate pdf downloaded"] = _pdf_text(
        client.get(f"{spouse_path}/estimate.pdf").content
    )
    surfaces["signed copy downloaded"] = _pdf_text(client.get(f"{spouse_path}/signed.pdf").content)
    john_link = next(link for link in result.links if link.contact == est.primary)
    john_answers = {**answers, f"op-{est.wipers.pk}": "declined", "contact": est.primary.pk}
    del john_answers[f"op-{est.brakes.pk}"]
    with django_capture_on_commit_callbacks(execute=True):
        john_done = client.post(urlparse(url_of(john_link)).path, john_answers)
    assert john_done.status_code == 302
    assert run_queued_tasks() == 2
    [confirmation] = [r.message for r in smtp_sink.received]
    surfaces["confirmation email text"] = confirmation.get_body(("plain",)).get_content()
    surfaces["confirmation email html"] = confirmation.get_body(("html",)).get_content()
    [signed_copy] = confirmation.iter_attachments()
    surfaces["confirmation signed copy"] = _pdf_text(signed_copy.get_content())
    [confirmation_text] = twilio_standin.messages
    surfaces["confirmation text"] = confirmation_text["Body"]
    for name, url in (
        ("draft preview", reverse("web:estimate_preview", args=[est.ro.pk])),
        ("version pdf", reverse("web:version_pdf", args=[est.ro.pk, result.share.version_id])),
        ("share pdf", reverse("web:share_pdf", args=[est.ro.pk, result.share.pk])),
    ):
        preview = alice_client.get(url)
        assert preview.status_code == 200, name
        surfaces[name] = _pdf_text(preview.content)
    # On a tablet of its own: the counter screen holds its session for the customer.
    in_person = client_for(alice).get(reverse("web:in_person", args=[est.ro.pk]))
    assert in_person.status_code == 200
    surfaces["in-person screen"] = in_person.content.decode()
    certificate = alice_client.get(reverse("web:certificate", args=[est.ro.pk]))
    assert certificate.status_code == 200
    surfaces["certificate pdf"] = _pdf_text(certificate.content)

    leaked = [name for name, shown in surfaces.items() if "Call Maria first" in shown]
    assert leaked == []
    for name in (
        "page for John Doe",
        "page for Jane Doe, Spanish",
        "estimate pdf",
        "estimate pdf downloaded",
        "draft preview",
    ):
        assert FOR_CUSTOMER in " ".join(surfaces[name].split()), name
    # The staff still see their own note on the RO page.
    assert INTERNAL in alice_client.get(reverse("web:ro_detail", args=[est.ro.pk])).content.decode()


def test_a_snapshot_from_before_the_split_shows_its_staff_notes_to_no_one(shop, alice, client):
    est = estimate_for(shop)
    actor = actor_for(user=alice, shop_id=shop.pk)
    result = share_create(
        actor=actor,
        ro_id=est.ro.pk,
        kind="request_approval",
        recipients=[Recipient(est.primary.pk, ["email"])],
    )
    version = result.share.version
    # A schema-1 snapshot kept the RO's one note, which was the staff's, as `notes`.
    content = {**version.content, "schema": 1}
    content["repair_order"] = {**content["repair_order"], "notes": INTERNAL}
    del content["repair_order"]["customer_notes"]
    field = type(version)._meta.get_field("content")
    with connection.cursor() as cursor:  # versions are append-only: an old row, as it was
        cursor.execute(
            f"UPDATE {type(version)._meta.db_table} SET content = %s WHERE id = %s",
            [field.get_db_prep_value(content, connection), version.pk],
        )
    page = client.get(urlparse(url_of(result.links[0])).path).content.decode()
    assert "Call Maria first" not in page
