from decimal import Decimal

import pytest
from django.db import transaction

from signoff.approvals.canonical import sha256_hex
from signoff.approvals.models import EstimateVersion, Event, EventKind
from signoff.approvals.versions import (
    version_current,
    version_freeze,
    version_get,
    version_shows_current_work,
    version_snapshot,
)
from signoff.core.errors import NotFound
from signoff.orders.services import (
    operation_add,
    operation_remove,
    operation_reorder,
    operation_update,
    repair_order_update,
)
from tests.factories import LineFactory
from tests.sharing.builders import decide, estimate_for


def freeze(ro, user=None):
    with transaction.atomic():
        return version_freeze(repair_order=ro, user=user)


def test_snapshot_holds_operations_lines_statuses_and_totals_as_strings(shop):
    est = estimate_for(shop)
    decide(est.brakes, "approved")
    snap = version_snapshot(repair_order=est.ro)
    assert snap["schema"] == 3
    assert "status" not in snap["repair_order"]  # the shop's workflow, not the estimate
    assert "notes" not in snap["repair_order"] and snap["repair_order"]["customer_notes"] == ""
    assert snap["repair_order"]["number"] == est.ro.number
    assert snap["repair_order"]["etr"] == "2026-11-24T23:30:00.000000+00:00"
    assert snap["customer"]["name"] == est.ro.customer.name
    assert snap["vehicle"]["vin"] == "1HGCM82633A004352"
    brakes = snap["operations"][0]
    assert brakes["title"] == "Front brake pads"
    assert brakes["status"] == "approved"
    assert snap["operations"][1]["status"] == "pending"
    assert [ln["amount"] for ln in brakes["lines"]] == ["225.00", "89.99"]
    assert brakes["subtotal"] == "314.99"
    # 314.99 + (30.00 + 24.00) = 368.99, tax 8.25 % of it = 30.44
    assert snap["totals"]["estimate"]["subtotal"] == "368.99"
    assert snap["totals"]["estimate"]["tax"] == "30.44"
    assert snap["totals"]["estimate"]["total"] == "399.43"
    assert snap["totals"]["approved"]["total"] == "340.98"
    assert snap["tax_rate"] == "8.250"


def test_first_freeze_makes_version_one_with_the_hash_of_its_content(shop, alice):
    est = estimate_for(shop)
    version, created = freeze(est.ro, alice)
    assert created
    assert version.number == 1
    assert version.content_hash == sha256_hex(version.content)
    assert version.total == Decimal("399.43")
    assert version.created_by == alice
    stored = EstimateVersion.objects.get(pk=version.pk)
    assert sha256_hex(stored.content) == stored.content_hash
    assert Event.objects.filter(kind=EventKind.VERSION_CREATED, repair_order=est.ro).count() == 1


def test_freezing_an_unchanged_estimate_reuses_the_latest_version(shop):
    est = estimate_for(shop)
    first, _ = freeze(est.ro)
    again, created = freeze(est.ro)
    assert not created
    assert again.pk == first.pk
    assert EstimateVersion.objects.filter(repair_order=est.ro).count() == 1
    assert Event.objects.filter(kind=EventKind.VERSION_CREATED, repair_order=est.ro).count() == 1


def test_a_price_change_makes_the_next_number(shop):
    est = estimate_for(shop)
    first, _ = freeze(est.ro)
    LineFactory(
        operation=est.wipers, kind="fee", description="Shop supplies", unit_price=Decimal("5.00")
    )
    second, created = freeze(est.ro)
    assert created
    assert second.number == 2
    assert second.content_hash != first.content_hash
    assert version_current(repair_order=est.ro) == second


def test_a_new_decision_changes_the_content_and_the_version(shop):
    est = estimate_for(shop)
    first, _ = freeze(est.ro)
    decide(est.brakes, "deferred")
    second, created = freeze(est.ro)
    assert created and second.number == 2
    assert second.content["operations"][0]["status"] == "deferred"
    assert first.content["operations"][0]["status"] == "pending"


def test_the_hash_does_not_depend_on_when_the_snapshot_is_taken(shop):
    est = estimate_for(shop)
    assert sha256_hex(version_snapshot(repair_order=est.ro)) == sha256_hex(
        version_snapshot(repair_order=est.ro)
    )


def test_removed_operations_are_left_out(shop):
    from django.utils import timezone

    est = estimate_for(shop)
    est.wipers.removed_at = timezone.now()
    est.wipers.save()
    snap = version_snapshot(repair_order=est.ro)
    assert [op["title"] for op in snap["operations"]] == ["Front brake pads"]


def test_decisions_made_after_a_share_record_the_version(shop):
    est = estimate_for(shop)
    version, _ = freeze(est.ro)
    decision = decide(est.brakes, "approved")
    assert decision.version == version


def test_version_current_is_none_before_any_share(shop):
    est = estimate_for(shop)
    assert version_current(repair_order=est.ro) is None


def test_freezing_after_a_decision_makes_a_new_version_with_the_status(shop):
    est = estimate_for(shop)
    first, _ = freeze(est.ro)
    decide(est.brakes, "approved")
    second, created = freeze(est.ro)
    assert created and second.number == first.number + 1
    assert second.content["operations"][0]["status"] == "approved"


def test_freezing_for_approval_reuses_the_latest_version_after_a_decision(shop):
    est = estimate_for(shop)
    first, _ = freeze(est.ro)
    decide(est.brakes, "approved")
    with transaction.atomic():
        again, created = version_freeze(repair_order=est.ro, ignore_statuses=True)
    assert not created and again == first
    assert version_current(repair_order=est.ro) == first


def test_freezing_for_approval_makes_a_new_version_when_the_work_changed(shop):
    est = estimate_for(shop)
    first, _ = freeze(est.ro)
    LineFactory(operation=est.wipers, kind="part", unit_price=Decimal("5.00"))
    assert not version_shows_current_work(version=first, repair_order=est.ro)
    with transaction.atomic():
        second, created = version_freeze(repair_order=est.ro, ignore_statuses=True)
    assert created and second.number == 2
    assert version_shows_current_work(version=second, repair_order=est.ro)


def test_version_get_finds_a_version_of_the_shop_and_ro_and_nothing_else(shop, other_shop):
    est, elsewhere = estimate_for(shop), estimate_for(other_shop)
    version, _ = freeze(est.ro)
    theirs, _ = freeze(elsewhere.ro)
    other_ro = estimate_for(shop)
    assert version_get(shop=shop, version_id=version.pk) == version
    assert version_get(shop=shop, repair_order=est.ro, version_id=version.pk) == version
    for wrong in (
        {"shop": shop, "version_id": theirs.pk},
        {"shop": shop, "repair_order": other_ro.ro, "version_id": version.pk},
        {"shop": shop, "version_id": None},
    ):
        with pytest.raises(NotFound):
            version_get(**wrong)


# Frozen when staff change a shown estimate (the customer page only reads) --------------------


def _numbers(ro) -> list[int]:
    return list(EstimateVersion.objects.filter(repair_order=ro).values_list("number", flat=True))


def test_changes_before_anything_was_shown_make_no_version(shop, owner):
    est = estimate_for(shop)
    operation_update(actor=owner, operation_id=est.brakes.pk, data={"title": "Pads"})
    operation_add(actor=owner, ro_id=est.ro.pk, data={"title": "Alignment"})
    assert _numbers(est.ro) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda est, actor: operation_update(
            actor=actor, operation_id=est.brakes.pk, data={"title": "Pads and rotors"}
        ),
        lambda est, actor: operation_add(actor=actor, ro_id=est.ro.pk, data={"title": "Alignment"}),
        lambda est, actor: operation_remove(actor=actor, operation_id=est.wipers.pk),
        lambda est, actor: operation_reorder(
            actor=actor, ro_id=est.ro.pk, operation_ids=[est.wipers.pk, est.brakes.pk]
        ),
        lambda est, actor: repair_order_update(
            actor=actor, ro_id=est.ro.pk, data={"customer_notes": "Customer waits."}
        ),
    ],
    ids=["edit", "add", "remove", "reorder", "ro details"],
)
def test_a_change_to_a_shown_estimate_freezes_the_version_showing_it(shop, owner, change):
    est = estimate_for(shop)
    freeze(est.ro)
    change(est, owner)
    assert _numbers(est.ro) == [1, 2]
    latest = version_current(repair_order=est.ro)
    assert version_shows_current_work(version=latest, repair_order=est.ro)
    assert latest.created_by == owner.user


def test_a_decision_or_an_unchanged_save_makes_no_new_version(shop, owner):
    est = estimate_for(shop)
    freeze(est.ro)
    decide(est.brakes, "approved")
    repair_order_update(actor=owner, ro_id=est.ro.pk, data={"customer_notes": ""})
    assert _numbers(est.ro) == [1]


def test_internal_notes_make_no_new_version_and_are_not_in_one(shop, owner):
    est = estimate_for(shop)
    freeze(est.ro)
    repair_order_update(actor=owner, ro_id=est.ro.pk, data={"internal_notes": "Call after 3."})
    assert _numbers(est.ro) == [1]
    assert "Call after 3." not in str(version_current(repair_order=est.ro).content)


def test_editing_a_decided_operation_freezes_it_back_at_pending(shop, owner):
    est = estimate_for(shop)
    decide(est.brakes, "approved")
    freeze(est.ro)
    operation_update(actor=owner, operation_id=est.brakes.pk, data={"title": "Pads and rotors"})
    brakes = version_current(repair_order=est.ro).content["operations"][0]
    assert (brakes["title"], brakes["status"]) == ("Pads and rotors", "pending")
