"""Staff look at estimate PDFs on screen: the draft as it is now, each version, each share as
sent. Inline, shop-scoped, and looking never writes a version or any other evidence."""

import pytest
from django.urls import reverse

from signoff.approvals.models import EstimateVersion, Event
from signoff.documents.sections import PDF_SECTION_KEYS
from signoff.orders.services import operation_update, repair_order_update
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from tests.documents.reading import text
from tests.factories import priced_ro

pytestmark = pytest.mark.django_db


def _share(ro, user, **options):
    contact = ro.customer.contacts.get()
    return share_create(
        actor=actor_for(user=user, shop_id=ro.shop_id),
        ro_id=ro.pk,
        kind="request_approval",
        recipients=[Recipient(contact.pk, ["email"])],
        **options,
    )


def _evidence(ro) -> tuple[int, int]:
    return (
        EstimateVersion.objects.filter(repair_order=ro).count(),
        Event.objects.filter(repair_order=ro).count(),
    )


def test_the_draft_preview_opens_inline_as_the_estimate_is_now(alice_client, ro):
    response = alice_client.get(reverse("web:estimate_preview", args=[ro.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="estimate-RO-1001-draft.pdf"'
    assert "no-store" in response["Cache-Control"]
    printed = text(response.content)
    assert "Draft: the estimate as it is now" in printed
    assert "Front brake pads" in printed


def test_previewing_the_draft_writes_no_version_and_no_event(alice_client, alice, ro):
    _share(ro, alice)
    operation = ro.operations.get()
    actor = actor_for(user=alice, shop_id=ro.shop_id)
    operation_update(actor=actor, operation_id=operation.pk, data={"title": "Rear brake pads"})
    before = _evidence(ro)
    response = alice_client.get(reverse("web:estimate_preview", args=[ro.pk]))
    assert "Rear brake pads" in text(response.content)
    assert _evidence(ro) == before


def test_the_draft_never_prints_the_internal_notes(alice_client, alice, ro):
    actor = actor_for(user=alice, shop_id=ro.shop_id)
    repair_order_update(
        actor=actor,
        ro_id=ro.pk,
        data={"internal_notes": "Staff only 7Q", "customer_notes": "Your old pads are kept"},
    )
    printed = text(alice_client.get(reverse("web:estimate_preview", args=[ro.pk])).content)
    assert "Staff only 7Q" not in printed
    assert "Your old pads are kept" in printed


def test_a_technician_may_look_at_the_draft_and_the_versions(client_for, bob, alice, ro):
    result = _share(ro, alice)
    technician = client_for(bob)
    assert technician.get(reverse("web:estimate_preview", args=[ro.pk])).status_code == 200
    url = reverse("web:version_pdf", args=[ro.pk, result.share.version_id])
    assert technician.get(url).status_code == 200


def test_another_shops_ro_version_and_share_are_not_found(client_for, charlie, alice, ro):
    result = _share(ro, alice)
    outsider = client_for(charlie)
    for url in (
        reverse("web:estimate_preview", args=[ro.pk]),
        reverse("web:version_pdf", args=[ro.pk, result.share.version_id]),
        reverse("web:share_pdf", args=[ro.pk, result.share.pk]),
    ):
        assert outsider.get(url).status_code == 404, url


def test_a_version_or_share_of_another_ro_is_not_found_under_this_one(alice_client, alice, ro):
    result = _share(ro, alice)
    other = priced_ro(ro.shop, contacts=[{"is_primary": True}], operations=[{}]).ro
    for url in (
        reverse("web:version_pdf", args=[other.pk, result.share.version_id]),
        reverse("web:share_pdf", args=[other.pk, result.share.pk]),
    ):
        assert alice_client.get(url).status_code == 404, url


def test_a_versions_pdf_opens_inline_with_its_number_and_writes_nothing(alice_client, alice, ro):
    version = _share(ro, alice).share.version
    before = _evidence(ro)
    response = alice_client.get(reverse("web:version_pdf", args=[ro.pk, version.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    expected = f'inline; filename="estimate-RO-1001-v{version.number}.pdf"'
    assert response["Content-Disposition"] == expected
    printed = text(response.content)
    assert f"Version {version.number}" in printed and version.content_hash in printed
    assert _evidence(ro) == before


def test_a_share_pdf_is_the_one_the_customer_received_with_its_sections(alice_client, alice, ro):
    sections = [key for key in PDF_SECTION_KEYS if key != "prices"]
    share = _share(ro, alice, sections=sections, notes="Pads are in stock").share
    response = alice_client.get(reverse("web:share_pdf", args=[ro.pk, share.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline; ")
    printed = text(response.content)
    assert "$" not in printed
    assert "Pads are in stock" in printed


def test_the_ro_page_offers_the_preview_and_lists_each_version_with_its_pdfs(
    alice_client, alice, ro
):
    first = _share(ro, alice).share
    operation = ro.operations.get()
    actor = actor_for(user=alice, shop_id=ro.shop_id)
    operation_update(actor=actor, operation_id=operation.pk, data={"title": "Rear brake pads"})
    second = EstimateVersion.objects.filter(repair_order=ro).order_by("-number").first()
    html = alice_client.get(reverse("web:ro_detail", args=[ro.pk])).content.decode()

    preview = reverse("web:estimate_preview", args=[ro.pk])
    assert f'id="preview-pdf" href="{preview}" target="_blank" rel="noopener"' in html
    assert html.index('data-version="2"') < html.index('data-version="1"')
    assert reverse("web:version_pdf", args=[ro.pk, second.pk]) in html
    assert reverse("web:version_pdf", args=[ro.pk, first.version_id]) in html
    assert reverse("web:share_pdf", args=[ro.pk, first.pk]) in html
    assert "Not shared: made when the estimate changed after it was shown." in html


def test_an_ro_never_shared_says_so_in_its_versions_panel(alice_client, ro):
    html = alice_client.get(reverse("web:ro_detail", args=[ro.pk])).content.decode()
    assert "No version yet: the first is made when the estimate is shared." in html


def test_the_versions_panel_reads_as_much_for_many_versions_as_for_one(
    alice_client, alice, ro, django_assert_max_num_queries
):
    url = reverse("web:ro_part", args=[ro.pk, "versions"])
    _share(ro, alice)
    with django_assert_max_num_queries(100) as one:
        assert alice_client.get(url).status_code == 200
    operation = ro.operations.get()
    actor = actor_for(user=alice, shop_id=ro.shop_id)
    for i in range(4):
        operation_update(actor=actor, operation_id=operation.pk, data={"title": f"Job {i}"})
        _share(ro, alice)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = alice_client.get(url).content.decode()
    assert html.count('class="version-row"') == 5
