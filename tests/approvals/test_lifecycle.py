"""The RO's lifecycle: its status follows shares and decisions by itself, staff move the work
along by hand, and every change is recorded with who and why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from signoff.approvals.lifecycle import (
    estimate_status,
    hand_moves,
    ro_status_history,
    ro_status_move,
)
from signoff.approvals.models import Event, EventKind
from signoff.approvals.selectors import with_last_activity
from signoff.approvals.services import decision_record
from signoff.core.errors import NotAllowed, NotFound, ValidationFailed
from signoff.orders.models import RepairOrder
from signoff.orders.services import operation_add, operation_remove, operation_update
from tests.portal.builders import signature_fields
from tests.sharing.builders import link_for, url_of

E, R = "estimate", "recommendation"


@pytest.mark.parametrize(
    ("operations", "shared", "expected"),
    [
        ([], False, "estimate"),
        ([], True, "awaiting"),
        ([(E, "pending"), (E, "approved")], False, "estimate"),
        ([(E, "pending"), (E, "approved")], True, "awaiting"),
        ([(E, "approved"), (E, "approved")], True, "approved"),
        ([(E, "approved"), (E, "declined")], True, "partly_approved"),
        ([(E, "approved"), (E, "deferred")], True, "partly_approved"),
        ([(E, "declined"), (E, "deferred")], True, "declined"),
        # A recommendation still open never holds the work back…
        ([(E, "approved"), (R, "pending")], True, "approved"),
        # …and counts when the RO has nothing else.
        ([(R, "pending")], True, "awaiting"),
        ([(R, "approved"), (R, "declined")], True, "partly_approved"),
    ],
)
def test_the_estimate_says_its_status(operations, shared, expected):
    assert estimate_status(operations, shared=shared) == expected


def _status(ro) -> str:
    return RepairOrder.objects.values_list("status", flat=True).get(pk=ro.pk)


def _reason(shop):
    return shop.approval_reasons.filter(kind="written").first().pk


def _decide(owner, op, status):
    return decision_record(
        actor=owner, operation_id=op.pk, status=status, reason_id=_reason(owner.shop)
    )


def test_an_ro_moves_from_estimate_to_awaiting_when_shared_and_is_decided_by_the_last_answer(
    owner, alice, est
):
    assert _status(est.ro) == "estimate"
    link_for(est, est.primary, by=alice)
    assert _status(est.ro) == "awaiting"
    _decide(owner, est.brakes, "approved")
    assert _status(est.ro) == "awaiting"  # the wipers are still pending
    _decide(owner, est.wipers, "declined")
    assert _status(est.ro) == "partly_approved"
    _decide(owner, est.wipers, "approved")
    assert _status(est.ro) == "approved"

    history = ro_status_history(repair_order=est.ro)
    assert [(c.was, c.to) for c in history] == [
        ("partly_approved", "approved"),
        ("awaiting", "partly_approved"),
        ("estimate", "awaiting"),
    ]
    assert history[-1].why == "Shared (request approval) with John Doe"
    assert history[0].why == "Approved on the customer's behalf: Wiper blades"
    assert {c.user for c in history} == {alice}


def test_decisions_before_any_share_decide_the_ro_too(owner, est):
    _decide(owner, est.brakes, "declined")
    assert _status(est.ro) == "estimate"
    _decide(owner, est.wipers, "deferred")
    assert _status(est.ro) == "declined"


def test_new_work_or_a_changed_decided_operation_makes_it_awaiting_again(owner, alice, est):
    link_for(est, est.primary, by=alice)
    _decide(owner, est.brakes, "approved")
    _decide(owner, est.wipers, "approved")
    assert _status(est.ro) == "approved"

    added = operation_add(actor=owner, ro_id=est.ro.pk, data={"title": "Coolant flush"})
    assert _status(est.ro) == "awaiting"
    assert ro_status_history(repair_order=est.ro)[0].why == "Estimate changed"
    operation_remove(actor=owner, operation_id=added.pk)
    assert _status(est.ro) == "approved"

    operation_update(actor=owner, operation_id=est.brakes.pk, data={"title": "Brake pads, both"})
    assert _status(est.ro) == "awaiting"
    why = ro_status_history(repair_order=est.ro)[0].why
    assert why == "Brake pads, both changed after a decision: back to Pending"


def test_the_customer_answering_on_their_link_decides_it_with_nobody_as_the_user(
    client, alice, est
):
    link = link_for(est, est.primary, by=alice)
    page = client.get(url_of(link))
    version = page.context["page"].version.pk
    answers = {
        "version": version,
        f"op-{est.brakes.pk}": "approved",
        f"op-{est.wipers.pk}": "declined",
        "consent": "yes",
        **signature_fields(),
    }
    assert client.post(url_of(link), answers).status_code == 302
    assert _status(est.ro) == "partly_approved"
    change = ro_status_history(repair_order=est.ro)[0]
    assert (change.user, change.why) == (None, "John Doe answered through their link")


def test_staff_move_the_work_along_by_hand_and_the_estimate_no_longer_moves_it(owner, est):
    _decide(owner, est.brakes, "approved")
    _decide(owner, est.wipers, "approved")
    assert [to for to, _ in hand_moves("approved")] == ["in_progress"]
    ro_status_move(actor=owner, ro_id=est.ro.pk, to="in_progress")
    _decide(owner, est.wipers, "declined")  # work started: the status stays where staff put it
    assert _status(est.ro) == "in_progress"
    ro_status_move(actor=owner, ro_id=est.ro.pk, to="ready")
    ro_status_move(actor=owner, ro_id=est.ro.pk, to="completed")
    ro_status_move(actor=owner, ro_id=est.ro.pk, to="completed")  # already there: no change
    history = ro_status_history(repair_order=est.ro)
    assert [c.to for c in history[:3]] == ["completed", "ready", "in_progress"]
    assert [c.why for c in history[:3]] == ["Complete", "Mark ready for pickup", "Start work"]


@pytest.mark.parametrize(
    ("to", "words"),
    [
        ("in_progress", "An RO that is Estimate cannot move to Work in progress."),
        ("approved", "follow the estimate's shares and decisions and cannot be set by hand"),
        ("flying", "Choose one of: Estimate,"),
    ],
)
def test_a_move_the_status_does_not_allow_is_refused_and_says_why(owner, est, to, words):
    with pytest.raises(ValidationFailed) as refused:
        ro_status_move(actor=owner, ro_id=est.ro.pk, to=to)
    assert words in refused.value.message
    assert "From Estimate it moves by itself." in refused.value.message
    assert _status(est.ro) == "estimate"
    assert not Event.objects.filter(kind=EventKind.RO_STATUS_CHANGED).exists()


def test_only_editors_of_the_shop_move_an_ro(technician, outsider, est):
    with pytest.raises(NotAllowed):
        ro_status_move(actor=technician, ro_id=est.ro.pk, to="in_progress")
    with pytest.raises(NotFound):
        ro_status_move(actor=outsider, ro_id=est.ro.pk, to="in_progress")


def test_last_activity_is_the_last_event_or_the_ros_own_change(owner, alice, est):
    long_ago = timezone.now() - timedelta(days=30)
    RepairOrder.objects.filter(pk=est.ro.pk).update(updated_at=long_ago)
    ro = with_last_activity(RepairOrder.objects.filter(pk=est.ro.pk)).get()
    assert ro.last_activity_at == long_ago
    link_for(est, est.primary, by=alice)  # a share: events, and the RO's status moves
    Event._base_manager.filter(repair_order=est.ro).update(created_at=long_ago + timedelta(days=2))
    RepairOrder.objects.filter(pk=est.ro.pk).update(updated_at=long_ago)
    ro = with_last_activity(RepairOrder.objects.filter(pk=est.ro.pk)).get()
    assert ro.last_activity_at == long_ago + timedelta(days=2)
