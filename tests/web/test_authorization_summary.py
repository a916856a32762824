"""The Authorization Summary: selector, RO page panel, API route, signature images, certificate."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils.html import escape

from signoff.approvals.authorization import (
    AnsweredOperation,
    AuthorizationEntry,
    authorization_summary,
)
from signoff.approvals.chain import decision_append
from signoff.approvals.models import ApprovalReason, Signature, Source, Status
from signoff.shops.access import actor_for
from signoff.web.panels_authorization import ro_authorization
from tests.documents.reading import text
from tests.portal.builders import signature_fields
from tests.support.clients import client_for
from tests.support.png import png_rgba

pytestmark = pytest.mark.django_db


def _sign(client, shared, *answers):
    """Submit the customer page as the spouse, with (operation, status) answers."""
    data = {"version": shared.version.pk, "contact": shared.spouse.pk, "consent": "yes"}
    data.update(signature_fields())
    data.update({f"op-{op.pk}": status for op, status in answers})
    return client.post(shared.url, data)


def test_a_link_signature_is_listed_with_signer_how_version_amount_and_image(client, shared):
    _sign(client, shared, (shared.brakes, "approved"), (shared.wipers, "declined"))
    [entry] = authorization_summary(repair_order=shared.ro)
    assert (entry.signer, entry.relationship) == ("Sam Lee", "Spouse")
    assert entry.how == "Customer share link"
    assert entry.via == "Jordan Lee"
    assert entry.kind == "estimate"
    assert entry.version == shared.version.number
    # Before tax, as on-behalf entries are; the total signed for (with tax) beside it.
    assert (entry.amount, entry.signed_total) == (Decimal("314.99"), Decimal("340.98"))
    assert entry.signature_png == png_rgba()
    assert entry.operations == ["Front brake pads", "Wiper blades"]
    assert entry.decisions == [
        AnsweredOperation(operation="Front brake pads", status="approved"),
        AnsweredOperation(operation="Wiper blades", status="declined"),
    ]
    signature = Signature.objects.get()
    assert entry.version_hash == shared.version.content_hash
    assert entry.consent_text == signature.consent_text
    assert "for a total of $340.98 including tax" in entry.consent_text


def test_on_behalf_approvals_are_listed_with_their_reason_and_no_signature(alice, shared):
    reason = ApprovalReason.objects.get(shop=shared.ro.shop, label="Phone call")
    decision_append(
        operation=shared.tires,
        status=Status.APPROVED,
        source=Source.ON_BEHALF,
        recorded_by=alice,
        contact=shared.primary,
        reason=reason,
        amount=Decimal("239.99"),
    )
    [entry] = authorization_summary(repair_order=shared.ro)
    assert entry.how == "On behalf of the customer — Phone call"
    assert entry.signer == "Jordan Lee" and entry.recorded_by
    assert entry.signature_png is None and entry.signature_id is None
    assert entry.operations == ["Mount and balance tires"]
    assert entry.consent_text == ""


def test_an_on_behalf_decline_is_listed_without_an_authorized_amount(alice, shared):
    reason = ApprovalReason.objects.get(shop=shared.ro.shop, label="Email")
    decision_append(
        operation=shared.tires,
        status=Status.DECLINED,
        source=Source.ON_BEHALF,
        recorded_by=alice,
        reason=reason,
        amount=Decimal("239.99"),
    )
    [entry] = authorization_summary(repair_order=shared.ro)
    assert entry.decisions == [
        AnsweredOperation(operation="Mount and balance tires", status="declined")
    ]
    assert entry.amount is None


def test_recommendation_approvals_are_listed_only_when_both_options_are_on(client, shared):
    shop = shared.ro.shop
    shop.allow_recommendation_approval = shop.capture_recommendation_approver = True
    shop.save()
    _sign(client, shared, (shared.brakes, "approved"), (shared.cabin, "approved"))
    kinds = [e.kind for e in authorization_summary(repair_order=shared.ro)]
    assert kinds == ["estimate", "recommendation"]
    recommendation = authorization_summary(repair_order=shared.ro)[1]
    assert recommendation.signer == "Sam Lee"
    assert recommendation.operations == ["Cabin air filter"]
    assert recommendation.signature_png == png_rgba()
    shop.capture_recommendation_approver = False
    shop.save()
    shared.ro.shop.refresh_from_db()
    assert [e.kind for e in authorization_summary(repair_order=shared.ro)] == ["estimate"]


def test_the_ro_page_shows_the_summary_with_the_signature_image(client, alice, shared):
    _sign(client, shared, (shared.brakes, "approved"))
    signature = Signature.objects.get()
    html = client_for(alice).get(f"/ros/{shared.ro.pk}/").content.decode()
    assert "Authorization summary" in html
    assert "Sam Lee" in html and "Customer share link" in html
    assert f'src="/ros/{shared.ro.pk}/signatures/{signature.pk}.png"' in html
    assert f'href="/ros/{shared.ro.pk}/certificate.pdf"' in html
    # The consent the contact agreed to and the hash of the version they signed, word for word.
    assert escape(signature.consent_text) in html
    assert shared.version.content_hash in html


def test_signature_images_are_served_to_the_shops_staff_only(client, alice, bob, charlie, shared):
    _sign(client, shared, (shared.brakes, "approved"))
    url = f"/ros/{shared.ro.pk}/signatures/{Signature.objects.get().pk}.png"
    response = client_for(bob).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == png_rgba()
    assert client_for(charlie).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_api_lists_the_summary_with_signature_references(
    client, alice, charlie, shared, api_client_for
):
    _sign(client, shared, (shared.brakes, "approved"))
    signature = Signature.objects.get()
    response = api_client_for(alice, shared.ro.shop).get(
        f"/api/v1/repair-orders/{shared.ro.pk}/authorization-summary"
    )
    assert response.status_code == 200
    [entry] = response.json()
    assert entry["signer"] == "Sam Lee"
    assert (entry["amount"], entry["signed_total"]) == ("314.99", "340.98")
    assert entry["version"] == shared.version.number
    assert entry["signature_url"] == f"/ros/{shared.ro.pk}/signatures/{signature.pk}.png"
    assert "signature_png" not in entry
    assert entry["consent_text"] == signature.consent_text
    assert entry["version_hash"] == shared.version.content_hash
    other = api_client_for(charlie, charlie.memberships.get().shop)
    assert (
        other.get(f"/api/v1/repair-orders/{shared.ro.pk}/authorization-summary").status_code == 404
    )


def test_the_certificate_downloads_as_a_pdf_for_staff(client, alice, charlie, shared):
    _sign(client, shared, (shared.brakes, "approved"))
    response = client_for(alice).get(f"/ros/{shared.ro.pk}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    printed = " ".join(text(response.content).split())
    assert "CONSENT AGREED TO" in printed
    assert "for a total of $340.98 including tax" in printed
    assert f"I can ask {shared.ro.shop.name} for a paper copy" in printed
    assert client_for(charlie).get(f"/ros/{shared.ro.pk}/certificate.pdf").status_code == 404


def _signed_and_phoned(client, alice, shared):
    """A link signature by the spouse and an approval by phone on the customer's behalf."""
    _sign(client, shared, (shared.brakes, "approved"), (shared.wipers, "declined"))
    decision_append(
        operation=shared.tires,
        status=Status.APPROVED,
        source=Source.ON_BEHALF,
        recorded_by=alice,
        contact=shared.primary,
        reason=ApprovalReason.objects.get(shop=shared.ro.shop, label="Phone call"),
        comment="Go ahead",
        amount=Decimal("239.99"),
    )
    return authorization_summary(repair_order=shared.ro)


def _as_json(entry: AuthorizationEntry) -> dict:
    """What the API has always answered for an entry: every field but the image and RO id."""
    return {
        "kind": entry.kind,
        "signer": entry.signer,
        "relationship": entry.relationship,
        "how": entry.how,
        "source": entry.source,
        "reason": entry.reason,
        "comment": entry.comment,
        "recorded_by": entry.recorded_by,
        "via": entry.via,
        "version": entry.version,
        "version_hash": entry.version_hash,
        "amount": None if entry.amount is None else f"{entry.amount:.2f}",
        "signature_id": entry.signature_id,
        "signature_url": (
            f"/ros/{entry.repair_order_id}/signatures/{entry.signature_id}.png"
            if entry.signature_id
            else None
        ),
        "operations": entry.operations,
        "decisions": [{"operation": d.operation, "status": d.status} for d in entry.decisions],
        "ip": entry.ip,
        "typed_name": entry.typed_name,
        "signature_policy": entry.signature_policy,
        "drawing_required": entry.drawing_required,
        "consent_text": entry.consent_text,
        "signed_total": None if entry.signed_total is None else f"{entry.signed_total:.2f}",
    }


def test_the_summary_is_a_list_of_entries_the_api_returns_field_for_field(
    client, alice, shared, api_client_for
):
    entries = _signed_and_phoned(client, alice, shared)
    assert [type(e) for e in entries] == [AuthorizationEntry, AuthorizationEntry]
    response = api_client_for(alice, shared.ro.shop).get(
        f"/api/v1/repair-orders/{shared.ro.pk}/authorization-summary"
    )
    body = response.json()
    # The JSON carries times to the millisecond.
    assert [datetime.fromisoformat(item.pop("when")) for item in body] == [
        e.when.replace(microsecond=e.when.microsecond // 1000 * 1000) for e in entries
    ]
    assert body == [_as_json(e) for e in entries]
    assert [item["source"] for item in body] == ["link", "on_behalf"]
    assert body[1]["amount"] == "239.99" and body[1]["signature_url"] is None


def test_the_certificate_prints_the_signer_amount_and_version_the_api_returns(
    client, alice, shared, api_client_for
):
    entries = _signed_and_phoned(client, alice, shared)
    [signed, phoned] = (
        api_client_for(alice, shared.ro.shop)
        .get(f"/api/v1/repair-orders/{shared.ro.pk}/authorization-summary")
        .json()
    )
    printed = " ".join(
        text(client_for(alice).get(f"/ros/{shared.ro.pk}/certificate.pdf").content).split()
    )
    for entry, item in ((entries[0], signed), (entries[1], phoned)):
        assert item["amount"] == f"{entry.amount:.2f}"
        # Every method's amount says the same: before tax.
        assert f"${entry.amount:,.2f} before tax" in printed
        assert item["version"] == entry.version
        assert f"Version {entry.version}" in printed
        assert item["signer"] == entry.signer
        assert f"{entry.signer} ({entry.relationship})" in printed
    assert f"signed total ${entries[0].signed_total:,.2f} with tax" in printed
    assert entries[0].consent_text in printed


def test_the_ro_page_derives_image_urls_without_changing_the_entries(alice, client, shared):
    _sign(client, shared, (shared.brakes, "approved"))
    actor = actor_for(user=alice, shop_id=shared.ro.shop_id)
    panel = ro_authorization(request=None, actor=actor, ro=shared.ro, rows=[])
    [shown] = panel["entries"]
    [entry] = authorization_summary(repair_order=shared.ro)
    assert shown.entry == entry
    assert not hasattr(shown.entry, "image_url")
    assert shown.image_url == f"/ros/{shared.ro.pk}/signatures/{entry.signature_id}.png"
    assert (shown.signer, shown.amount, shown.version) == (
        entry.signer,
        entry.amount,
        entry.version,
    )
