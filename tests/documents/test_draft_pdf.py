"""The draft estimate PDF: the RO as it is now, printed for staff without writing anything."""

from signoff.approvals.models import EstimateVersion, Event
from signoff.approvals.versions import version_freeze
from signoff.documents.render import estimate_draft_pdf, estimate_pdf
from signoff.orders.services import operation_update
from signoff.shops.access import actor_for
from tests.documents.conftest import operations_of
from tests.documents.reading import page_texts, text


def test_a_draft_prints_the_ro_as_it_is_now_and_says_it_is_a_draft(estimate_ro, advisor):
    printed = text(estimate_draft_pdf(repair_order=estimate_ro))
    assert "Draft: the estimate as it is now, not a version shared with the customer." in printed
    assert "Version Draft" in printed
    assert "Front brake pads" in printed and "Coolant flush" in printed
    assert "$1,314.99" in printed
    assert "Customer is waiting in the lounge." in printed


def test_every_page_of_a_draft_says_it_was_not_shared_and_carries_no_hash(estimate_ro, advisor):
    for page in page_texts(estimate_draft_pdf(repair_order=estimate_ro)):
        assert f"RO {estimate_ro.number} · Draft, not shared with the customer" in page
        assert "SHA-256" not in page


def test_a_draft_writes_no_version_and_no_event(estimate_ro, advisor):
    estimate_draft_pdf(repair_order=estimate_ro)
    assert not EstimateVersion.objects.filter(repair_order=estimate_ro).exists()
    assert not Event.objects.filter(repair_order=estimate_ro).exists()


def test_a_draft_shows_a_change_made_after_the_last_version(shop, estimate_ro, advisor):
    version, _ = version_freeze(repair_order=estimate_ro, user=advisor)
    brakes = operations_of(estimate_ro)["Front brake pads"]
    actor = actor_for(user=advisor, shop_id=shop.pk)
    operation_update(actor=actor, operation_id=brakes.pk, data={"title": "Brake pads, ceramic"})
    versions = EstimateVersion.objects.filter(repair_order=estimate_ro).count()

    assert "Brake pads, ceramic" in text(estimate_draft_pdf(repair_order=estimate_ro))
    assert "Brake pads, ceramic" not in text(estimate_pdf(version=version))
    assert EstimateVersion.objects.filter(repair_order=estimate_ro).count() == versions


def test_a_draft_prints_the_decisions_and_signatures_recorded_so_far(decided_ro, advisor):
    printed = text(estimate_draft_pdf(repair_order=decided_ro))
    assert "Sam Rivera" in printed
    assert "APPROVED" in printed
