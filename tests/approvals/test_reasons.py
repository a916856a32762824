"""The shop's reason list: owners and managers add, rename, reorder, retire and reactivate."""

import pytest

from signoff.approvals.models import ApprovalReason, Status
from signoff.approvals.selectors import reasons_active
from signoff.approvals.services import (
    decision_record,
    reason_create,
    reason_move,
    reason_reactivate,
    reason_reorder,
    reason_retire,
    reason_update,
    reasons_seed_defaults,
)
from signoff.core.errors import NotAllowed, NotFound, ValidationFailed
from signoff.sharing.selectors import operation_history
from signoff.shops.access import actor_for
from tests.approvals.helpers import ro_with_operations
from tests.factories import ShopFactory


@pytest.fixture
def owner(shop, alice):
    return actor_for(user=alice, shop_id=shop.pk)


def _labels(shop):
    return [r.label for r in reasons_active(shop=shop)]


def test_a_new_shop_gets_the_default_reasons_once(db):
    shop = ShopFactory()
    ApprovalReason.objects.filter(shop=shop).delete()
    created = reasons_seed_defaults(shop=shop)
    assert [r.label for r in created][:2] == ["Phone call", "Verbal at front counter"]
    assert reasons_seed_defaults(shop=shop) == []
    assert ApprovalReason.objects.filter(shop=shop).count() == len(created)


def test_an_owner_adds_a_reason_at_the_end(shop, owner):
    reason = reason_create(actor=owner, label="  Fleet portal  ", kind="written")
    assert reason.label == "Fleet portal"
    assert _labels(shop)[-1] == "Fleet portal"


def test_a_duplicate_label_is_refused_whatever_the_case(shop, owner):
    with pytest.raises(ValidationFailed) as exc:
        reason_create(actor=owner, label="phone CALL", kind="phone")
    assert exc.value.fields["label"] == "The list already has “Phone call”."


def test_a_duplicate_of_a_retired_reason_suggests_reactivating_it(shop, owner):
    email = ApprovalReason.objects.get(shop=shop, label="Email")
    reason_retire(actor=owner, reason_id=email.pk)
    with pytest.raises(ValidationFailed) as exc:
        reason_create(actor=owner, label="Email", kind="written")
    assert "reactivate it instead" in exc.value.fields["label"]


def test_blank_labels_and_unknown_kinds_are_refused(shop, owner):
    with pytest.raises(ValidationFailed) as exc:
        reason_create(actor=owner, label=" ", kind="telepathy")
    assert set(exc.value.fields) == {"label", "kind"}


def test_renaming_keeps_the_label_on_decisions_already_made(shop, owner):
    ro, (op, _) = ro_with_operations(shop)
    phone = ApprovalReason.objects.get(shop=shop, label="Email")
    decision_record(actor=owner, operation_id=op.pk, status=Status.APPROVED, reason_id=phone.pk)
    reason_update(actor=owner, reason_id=phone.pk, label="Email from customer", kind="written")
    assert _labels(shop)[2] == "Email from customer"
    assert operation_history(operation=op)[0].reason_label == "Email"


def test_a_retired_reason_leaves_the_list_and_comes_back_when_reactivated(shop, owner):
    other = ApprovalReason.objects.get(shop=shop, label="Other")
    reason_retire(actor=owner, reason_id=other.pk)
    assert "Other" not in _labels(shop)
    reason_reactivate(actor=owner, reason_id=other.pk)
    assert "Other" in _labels(shop)


def test_the_last_active_reason_cannot_be_retired(shop, owner):
    *rest, last = list(reasons_active(shop=shop))
    for reason in rest:
        reason_retire(actor=owner, reason_id=reason.pk)
    with pytest.raises(ValidationFailed):
        reason_retire(actor=owner, reason_id=last.pk)


def test_reordering_puts_the_reasons_in_the_given_order(shop, owner):
    ids = [r.pk for r in ApprovalReason.objects.filter(shop=shop)]
    reason_reorder(actor=owner, reason_ids=list(reversed(ids)))
    assert _labels(shop)[0] == "Other"


def test_reordering_with_a_missing_or_foreign_id_changes_nothing(shop, other_shop, owner):
    ids = [r.pk for r in ApprovalReason.objects.filter(shop=shop)]
    foreign = ApprovalReason.objects.filter(shop=other_shop).first().pk
    before = _labels(shop)
    with pytest.raises(ValidationFailed):
        reason_reorder(actor=owner, reason_ids=[*ids[1:], foreign])
    assert _labels(shop) == before


def test_moving_a_reason_up_swaps_it_with_the_one_above(shop, owner):
    email = ApprovalReason.objects.get(shop=shop, label="Email")
    reason_move(actor=owner, reason_id=email.pk, direction="up")
    assert _labels(shop)[:3] == ["Phone call", "Email", "Verbal at front counter"]
    first = ApprovalReason.objects.get(shop=shop, label="Phone call")
    reason_move(actor=owner, reason_id=first.pk, direction="up")
    assert _labels(shop)[0] == "Phone call"


def test_advisors_and_technicians_cannot_change_the_list(shop, carol, bob):
    for user in (carol, bob):
        with pytest.raises(NotAllowed):
            reason_create(actor=actor_for(user=user, shop_id=shop.pk), label="X", kind="other")


def test_another_shops_reason_is_not_found(shop, other_shop, charlie):
    mine = ApprovalReason.objects.filter(shop=shop).first()
    outsider = actor_for(user=charlie, shop_id=other_shop.pk)
    with pytest.raises(NotFound):
        reason_update(actor=outsider, reason_id=mine.pk, label="Hijacked", kind="other")
    with pytest.raises(NotFound):
        reason_retire(actor=outsider, reason_id=mine.pk)
