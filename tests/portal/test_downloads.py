"""The PDFs a contact downloads through their link: the estimate their page shows (with their
share's sections) and, once they answered, their signed copy. Only through a valid, open link,
and counted like the rest of the customer side."""

from datetime import timedelta

import pytest
from django.utils import timezone

from signoff.approvals.models import Event, EventKind
from signoff.documents.sections import PDF_SECTION_KEYS
from signoff.orders.services import operation_update
from signoff.sharing.links import share_link_mint
from tests.documents.reading import text
from tests.portal.builders import shared_estimate, signature_fields

pytestmark = pytest.mark.django_db


def _sign(client, shared):
    data = {
        "version": shared.version.pk,
        f"op-{shared.brakes.pk}": "approved",
        "consent": "yes",
        **signature_fields(),
    }
    assert client.post(shared.url, data).status_code == 302


def test_the_page_offers_the_estimate_pdf(client, shared):
    html = client.get(shared.url).content.decode()
    assert f'href="{shared.url}/estimate.pdf" download>Download estimate (PDF)</a>' in html


def test_the_estimate_pdf_is_the_version_the_page_shows_as_an_attachment(client, shared):
    response = client.get(f"{shared.url}/estimate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    expected = f'attachment; filename="estimate-RO-{shared.ro.number}-v{shared.version.number}.pdf"'
    assert response["Content-Disposition"] == expected
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    printed = text(response.content)
    assert f"Version {shared.version.number}" in printed
    assert shared.version.content_hash in printed
    assert "Front brake pads" in printed and "Customer waits in the lobby." in printed


def test_after_a_change_the_pdf_follows_the_version_the_page_shows(client, shared, owner):
    operation_update(
        actor=owner, operation_id=shared.wipers.pk, data={"title": "Wiper blades (premium)"}
    )
    response = client.get(f"{shared.url}/estimate.pdf")
    assert "Wiper blades (premium)" in text(response.content)
    assert "-v2.pdf" in response["Content-Disposition"]


def test_the_pdf_leaves_out_what_the_share_leaves_out(client, shop):
    shared = shared_estimate(
        shop=shop,
        sections=[k for k in PDF_SECTION_KEYS if k not in ("prices", "notes")],
        notes="Ask for Sam at the desk",
    )
    printed = text(client.get(f"{shared.url}/estimate.pdf").content)
    assert "$" not in printed
    assert "Customer waits in the lobby." not in printed
    assert "Ask for Sam at the desk" not in printed


def test_the_share_notes_are_printed_when_the_share_includes_notes(client, shop):
    shared = shared_estimate(shop=shop, notes="Ask for Sam at the desk")
    assert "Ask for Sam at the desk" in text(client.get(f"{shared.url}/estimate.pdf").content)


def test_a_download_is_recorded_as_an_opening_of_the_link(client, shared):
    client.get(f"{shared.url}/estimate.pdf")
    (opened,) = Event.objects.filter(share_link=shared.link, kind=EventKind.LINK_OPENED)
    assert opened.data["via"] == "estimate_pdf"


def test_an_unknown_revoked_or_expired_link_gets_no_pdf(client, shared):
    assert client.get(f"/s/{'x' * 43}/estimate.pdf").status_code == 404
    assert client.get(f"/s/{'x' * 43}/signed.pdf").status_code == 404
    shared.link.revoked_at = timezone.now()
    shared.link.save()
    for path in ("estimate.pdf", "signed.pdf"):
        response = client.get(f"{shared.url}/{path}")
        assert response.status_code == 410
        assert response["Content-Type"].startswith("text/html")
    other = shared_estimate(shop=shared.ro.shop)
    other.link.expires_at = timezone.now() - timedelta(days=1)
    other.link.save()
    assert client.get(f"{other.url}/estimate.pdf").status_code == 410


def test_a_link_downloads_only_its_own_ro(client, shop, other_shop):
    mine, theirs = shared_estimate(shop=shop), shared_estimate(shop=other_shop)
    printed = text(client.get(f"{theirs.url}/estimate.pdf").content)
    assert f"RO {theirs.ro.number}" in printed
    assert f"RO {mine.ro.number} " not in printed


def test_guessing_tokens_for_pdfs_counts_against_the_lookup_limit(client, shared, settings):
    settings.PORTAL_RATE_LIMIT = 3
    for i in range(3):
        assert client.get(f"/s/{str(i) * 43}/estimate.pdf").status_code == 404
    response = client.get(f"{shared.url}/estimate.pdf")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_downloads_through_one_link_are_limited(client, shared, settings):
    settings.PORTAL_RATE_LIMIT = 2
    for _ in range(2):
        assert client.get(f"{shared.url}/estimate.pdf").status_code == 200
    assert client.get(f"{shared.url}/estimate.pdf").status_code == 429
    assert client.get(shared.url).status_code == 200  # the page itself still opens


def test_before_any_answer_the_signed_copy_leads_back_to_the_estimate(client, shared):
    response = client.get(f"{shared.url}/signed.pdf")
    assert response.status_code == 302
    assert response["Location"] == shared.url


def test_after_answering_the_signed_copy_is_the_authorization_certificate(client, shared):
    _sign(client, shared)
    response = client.get(f"{shared.url}/signed.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="signed-RO-{shared.ro.number}.pdf"'
    )
    printed = text(response.content)
    assert "Jordan Lee" in printed and "Front brake pads" in printed
    assert "Record chain intact" in printed


def test_another_contacts_link_on_the_same_ro_has_no_signed_copy_of_its_own(client, shared):
    _sign(client, shared)
    spouse_link, token = share_link_mint(share=shared.share, contact=shared.spouse)
    response = client.get(f"/s/{token}/signed.pdf")
    assert response.status_code == 302
    assert response["Location"] == f"/s/{token}"
