"""Recording decisions on the customer's behalf, and resetting them when an operation changes."""

from decimal import Decimal

import pytest

from signoff.approvals.chain import verify_repair_order
from signoff.approvals.models import ApprovalReason, Decision, Event, EventKind, Source, Status
from signoff.approvals.services import decision_record, decision_reset_for_change
from signoff.core.errors import NotAllowed, NotFound, ValidationFailed
from signoff.shops.access import actor_for
from tests.approvals.helpers import ro_with_operations
from tests.factories import ContactFactory, EstimateVersionFactory


def _reason(shop, label):
    return ApprovalReason.objects.get(shop=shop, label=label)


def _record(actor, op, **kwargs):
    args = {"status": Status.APPROVED, "reason_id": _reason(actor.shop, "Email").pk}
    args.update(kwargs)
    return decision_record(actor=actor, operation_id=op.pk, **args)


@pytest.fixture
def carol_actor(shop, carol):
    return actor_for(user=carol, shop_id=shop.pk)


def test_a_decision_records_who_why_the_work_and_the_pre_tax_amount(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    op.correction = "Replace front pads"
    op.save()
    decision = _record(carol_actor, op, status=Status.DECLINED, comment="  Too expensive  ")
    assert decision.status == Status.DECLINED
    assert decision.source == Source.ON_BEHALF
    assert decision.recorded_by == carol_actor.user
    assert decision.reason_label == "Email"
    assert decision.comment == "Too expensive"
    assert decision.work_description == "Job 1 — Replace front pads"
    assert decision.amount == Decimal("314.99")  # 1.5 h × 150.00 + 89.99, before tax
    assert decision.version is None


def test_a_decision_is_tied_to_the_latest_shared_version(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    version = EstimateVersionFactory(repair_order=ro)
    assert _record(carol_actor, op).version == version


def test_a_reason_is_required(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    with pytest.raises(ValidationFailed) as exc:
        _record(carol_actor, op, reason_id=None)
    assert "reason" in exc.value.fields
    assert not Decision.objects.exists()


def test_a_retired_reason_is_refused_by_name(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    reason = _reason(shop, "Case note")
    reason.active = False
    reason.save()
    with pytest.raises(ValidationFailed) as exc:
        _record(carol_actor, op, reason_id=reason.pk)
    assert (
        exc.value.fields["reason"] == "The reason “Case note” was retired. Choose a current reason."
    )


def test_another_shops_reason_is_refused(shop, other_shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    foreign = ApprovalReason.objects.filter(shop=other_shop).first()
    with pytest.raises(ValidationFailed) as exc:
        _record(carol_actor, op, reason_id=foreign.pk)
    assert "reason" in exc.value.fields


def test_pending_cannot_be_chosen(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    with pytest.raises(ValidationFailed) as exc:
        _record(carol_actor, op, status=Status.PENDING)
    assert exc.value.fields["status"] == "Choose Approve, Defer or Decline."


def test_a_technician_cannot_record_a_decision(shop, bob):
    ro, (op, _) = ro_with_operations(shop)
    with pytest.raises(NotAllowed):
        _record(actor_for(user=bob, shop_id=shop.pk), op)


def test_another_shops_operation_is_not_found(shop, other_shop, charlie):
    ro, (op, _) = ro_with_operations(shop)
    with pytest.raises(NotFound):
        _record(actor_for(user=charlie, shop_id=other_shop.pk), op)


def test_a_removed_operation_cannot_be_decided(shop, carol_actor):
    from django.utils import timezone

    ro, (op, _) = ro_with_operations(shop)
    op.removed_at = timezone.now()
    op.save()
    with pytest.raises(NotFound):
        _record(carol_actor, op)


def test_a_phone_approval_records_the_contact_and_the_number_called(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    spouse = ContactFactory(customer=ro.customer, name="Sam Spouse", relationship="Spouse")
    decision = _record(
        carol_actor,
        op,
        reason_id=_reason(shop, "Phone call").pk,
        contact_id=spouse.pk,
        phone_number="(503) 555-0142",
    )
    assert decision.contact == spouse
    assert (decision.contact_name, decision.contact_relationship) == ("Sam Spouse", "Spouse")
    assert decision.phone_number == "+15035550142"


def test_a_phone_approval_needs_the_contact_and_a_valid_number(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    with pytest.raises(ValidationFailed) as exc:
        _record(carol_actor, op, reason_id=_reason(shop, "Phone call").pk, phone_number="12")
    assert set(exc.value.fields) == {"contact", "phone_number"}
    assert exc.value.fields["phone_number"].startswith("“12” is not a")


def test_a_phone_approval_without_a_number_says_to_enter_it(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    primary = ro.customer.contacts.get()
    with pytest.raises(ValidationFailed) as exc:
        _record(carol_actor, op, reason_id=_reason(shop, "Phone call").pk, contact_id=primary.pk)
    assert exc.value.fields == {"phone_number": "Enter the phone number you called."}


def test_a_verbal_approval_needs_the_contact_but_no_number(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    verbal = _reason(shop, "Verbal at front counter").pk
    with pytest.raises(ValidationFailed) as exc:
        _record(carol_actor, op, reason_id=verbal)
    assert set(exc.value.fields) == {"contact"}
    primary = ro.customer.contacts.get()
    decision = _record(carol_actor, op, reason_id=verbal, contact_id=primary.pk, phone_number="x")
    assert decision.contact == primary and decision.phone_number == ""


def test_a_contact_of_another_customer_is_refused(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    stranger = ContactFactory(customer__shop=shop)
    with pytest.raises(ValidationFailed) as exc:
        _record(carol_actor, op, contact_id=stranger.pk)
    assert exc.value.fields == {"contact": "Choose one of this customer's contacts."}


def test_the_latest_decision_is_the_operations_status_and_the_chain_stays_intact(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    _record(carol_actor, op, status=Status.APPROVED)
    _record(carol_actor, op, status=Status.DEFERRED)
    assert op.decisions.order_by("-sequence").first().status == Status.DEFERRED
    assert verify_repair_order(repair_order=ro).ok


def test_editing_a_decided_operation_returns_it_to_pending_saying_what_changed(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    _record(carol_actor, op)
    op.revision += 1
    op.save()
    reset = decision_reset_for_change(
        operation=op, actor=carol_actor, what_changed="Labor hours 1.5 → 2.0"
    )
    assert reset.status == Status.PENDING
    assert reset.source == Source.SYSTEM
    assert reset.operation_revision == 2
    assert reset.comment == "Returned to Pending after a change: Labor hours 1.5 → 2.0"
    event = Event.objects.get(kind=EventKind.OPERATION_CHANGED)
    assert event.data["previous_status"] == Status.APPROVED


def test_editing_an_undecided_or_already_pending_operation_adds_nothing(shop, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    assert decision_reset_for_change(operation=op, actor=carol_actor, what_changed="x") is None
    _record(carol_actor, op)
    decision_reset_for_change(operation=op, actor=carol_actor, what_changed="first")
    assert decision_reset_for_change(operation=op, actor=carol_actor, what_changed="again") is None
    assert op.decisions.count() == 2


def test_resetting_another_shops_operation_is_not_found(shop, other_shop, charlie, carol_actor):
    ro, (op, _) = ro_with_operations(shop)
    _record(carol_actor, op)
    with pytest.raises(NotFound):
        decision_reset_for_change(
            operation=op, actor=actor_for(user=charlie, shop_id=other_shop.pk), what_changed="x"
        )
