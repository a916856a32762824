from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from signoff.approvals.chain import decision_append
from signoff.approvals.selectors import latest_decisions
from signoff.core.errors import NotAllowed, NotFound, ValidationFailed
from signoff.orders.models import Operation, RepairOrder
from signoff.orders.services import (
    operation_add,
    operation_move,
    operation_remove,
    operation_reorder,
    operation_update,
    repair_order_create,
    repair_order_update,
)
from tests.factories import (
    CustomerFactory,
    RepairOrderFactory,
    VehicleFactory,
    priced_operation,
)

LINES = [
    {"kind": "labor", "quantity": "1.5", "unit_price": "150", "taxable": False},
    {"kind": "part", "part_number": "BP-1", "quantity": "1", "unit_price": "$89.99"},
    {"kind": "fee", "description": "Coupon", "unit_price": "-10.00"},
]


def test_ros_are_numbered_from_1001_per_shop(owner, outsider, shop, other_shop):
    first = repair_order_create(actor=owner, customer_id=CustomerFactory(shop=shop).pk, data={})
    second = repair_order_create(actor=owner, customer_id=first.customer_id, data={})
    theirs = repair_order_create(
        actor=outsider, customer_id=CustomerFactory(shop=other_shop).pk, data={}
    )
    assert (first.number, second.number, theirs.number) == (1001, 1002, 1001)
    assert first.advisor == owner.user


def test_a_naive_etr_is_read_in_the_shops_time_zone(owner, shop):
    ro = repair_order_create(
        actor=owner,
        customer_id=CustomerFactory(shop=shop).pk,
        data={"etr": "2026-07-04T09:15"},
    )
    assert ro.etr == datetime(2026, 7, 4, 9, 15, tzinfo=ZoneInfo("America/Los_Angeles"))


def test_another_customers_vehicle_or_a_stranger_as_advisor_is_refused(owner, shop, charlie):
    customer = CustomerFactory(shop=shop)
    foreign_vehicle = VehicleFactory(customer=CustomerFactory(shop=shop))
    with pytest.raises(ValidationFailed) as exc:
        repair_order_create(
            actor=owner,
            customer_id=customer.pk,
            data={"vehicle_id": foreign_vehicle.pk, "advisor_id": charlie.pk, "status": "done"},
        )
    assert set(exc.value.fields) == {"vehicle_id", "advisor_id", "status"}
    assert not RepairOrder.objects.exists()


def test_another_shops_customer_cannot_get_an_ro(owner, other_shop):
    with pytest.raises(ValidationFailed):
        repair_order_create(actor=owner, customer_id=CustomerFactory(shop=other_shop).pk, data={})


def test_repair_order_update_and_its_scope(owner, outsider, technician, shop):
    ro = RepairOrderFactory(shop=shop)
    repair_order_update(actor=owner, ro_id=ro.pk, data={"odometer_in": "1,234"})
    ro.refresh_from_db()
    assert (ro.status, ro.odometer_in) == ("estimate", 1234)
    with pytest.raises(NotFound):
        repair_order_update(actor=outsider, ro_id=ro.pk, data={"odometer_in": "1"})
    with pytest.raises(NotAllowed):
        repair_order_update(actor=technician, ro_id=ro.pk, data={"odometer_in": "1"})
    with pytest.raises(ValidationFailed) as refused:  # approvals.lifecycle moves it
        repair_order_update(actor=owner, ro_id=ro.pk, data={"status": "closed"})
    assert "follows the estimate" in refused.value.fields["status"]


def test_operation_add_appends_with_its_lines(owner, shop):
    ro = RepairOrderFactory(shop=shop)
    existing = priced_operation(repair_order=ro)
    op = operation_add(
        actor=owner, ro_id=ro.pk, data={"title": "Brakes", "kind": "estimate", "lines": LINES}
    )
    assert op.position > existing.position
    lines = list(op.lines.order_by("position"))
    assert [ln.kind for ln in lines] == ["labor", "part", "fee"]
    assert lines[0].description == "Labor" and not lines[0].taxable
    assert lines[1].unit_price == Decimal("89.99")
    assert lines[2].quantity == Decimal("1") and lines[2].unit_price == Decimal("-10.00")


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ({"kind": "labor", "quantity": "abc"}, "lines.0.quantity", "hours as a number"),
        ({"kind": "labor", "quantity": "-1"}, "lines.0.quantity", "cannot be negative"),
        ({"kind": "part", "quantity": "1", "unit_price": "5"}, "lines.0.description", "part"),
        (
            {"kind": "part", "description": "x", "unit_price": "-5"},
            "lines.0.unit_price",
            "negative",
        ),
        (
            {"kind": "part", "description": "x", "unit_price": "1.999"},
            "lines.0.unit_price",
            "two decimal",
        ),
        ({"kind": "fee", "unit_price": "5"}, "lines.0.description", "what the fee is for"),
        ({"kind": "tip"}, "lines.0.kind", "labor, part or fee"),
        ({"kind": "labor", "quantity": "NaN"}, "lines.0.quantity", "as a number"),
    ],
)
def test_bad_lines_are_refused_per_field_and_nothing_is_saved(owner, shop, line, field, message):
    ro = RepairOrderFactory(shop=shop)
    with pytest.raises(ValidationFailed) as exc:
        operation_add(actor=owner, ro_id=ro.pk, data={"title": "Job", "lines": [line]})
    assert message in exc.value.fields[field]
    assert not Operation.objects.exists()


def test_an_operation_needs_a_title(owner, shop):
    with pytest.raises(ValidationFailed) as exc:
        operation_add(actor=owner, ro_id=RepairOrderFactory(shop=shop).pk, data={"title": " "})
    assert "title" in exc.value.fields


def test_operation_update_bumps_the_revision_only_when_something_changed(owner, shop):
    op = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    same_lines = [
        {"kind": "labor", "description": "Labor", "quantity": "1.50", "unit_price": "150.00"},
        {
            "kind": "part",
            "description": "Pads",
            "part_number": "BP-1",
            "quantity": "1",
            "unit_price": "89.99",
        },
    ]
    operation_update(actor=owner, operation_id=op.pk, data={"title": op.title, "lines": same_lines})
    op.refresh_from_db()
    assert op.revision == 1
    operation_update(actor=owner, operation_id=op.pk, data={"complaint": "Noise"})
    op.refresh_from_db()
    assert (op.revision, op.complaint) == (2, "Noise")


def test_editing_a_decided_operation_returns_it_to_pending(owner, alice, shop):
    op = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    with transaction.atomic():
        decision_append(operation=op, status="approved", source="on_behalf", recorded_by=alice)
    operation_update(
        actor=owner,
        operation_id=op.pk,
        data={"lines": [{"kind": "labor", "quantity": "2", "unit_price": "150"}]},
    )
    latest = latest_decisions(operation_ids=[op.pk])[op.pk]
    assert latest.status == "pending" and latest.source == "system"
    # What changed, in words: the labor's hours, the part taken off, the subtotal before tax.
    assert latest.comment == (
        "Returned to Pending after a change: Labor 1.5 h → 2 h; part “Pads” removed; "
        "$314.99 → $300.00"
    )


def test_reordering_lines_alone_still_says_what_changed(owner, alice, shop):
    op = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    with transaction.atomic():
        decision_append(operation=op, status="approved", source="on_behalf", recorded_by=alice)
    lines = [
        {
            "kind": ln.kind,
            "description": ln.description,
            "part_number": ln.part_number,
            "quantity": str(ln.quantity),
            "unit_price": str(ln.unit_price),
        }
        for ln in op.lines.order_by("position", "id")
    ]
    operation_update(actor=owner, operation_id=op.pk, data={"lines": lines[::-1]})
    latest = latest_decisions(operation_ids=[op.pk])[op.pk]
    assert latest.comment == "Returned to Pending after a change: prices or lines"


def test_operation_remove_keeps_the_row_but_hides_it(owner, outsider, shop):
    op = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    with pytest.raises(NotFound):
        operation_remove(actor=outsider, operation_id=op.pk)
    operation_remove(actor=owner, operation_id=op.pk)
    op.refresh_from_db()
    assert op.removed_at is not None
    with pytest.raises(NotFound):
        operation_update(actor=owner, operation_id=op.pk, data={"title": "Back"})


def test_reorder_must_list_every_live_operation_once(owner, shop):
    ro = RepairOrderFactory(shop=shop)
    a, b = priced_operation(repair_order=ro), priced_operation(repair_order=ro)
    operation_reorder(actor=owner, ro_id=ro.pk, operation_ids=[b.pk, a.pk])
    assert list(ro.operations.order_by("position").values_list("pk", flat=True)) == [b.pk, a.pk]
    for bad in ([a.pk], [a.pk, a.pk], [a.pk, b.pk, 999], ["x", "y"]):
        with pytest.raises(ValidationFailed):
            operation_reorder(actor=owner, ro_id=ro.pk, operation_ids=bad)


def test_move_swaps_neighbours_and_stops_at_the_ends(owner, technician, shop):
    ro = RepairOrderFactory(shop=shop)
    a, b = priced_operation(repair_order=ro), priced_operation(repair_order=ro)

    def order():
        return list(ro.operations.order_by("position").values_list("pk", flat=True))

    operation_move(actor=owner, operation_id=a.pk, direction="up")
    assert order() == [a.pk, b.pk]
    operation_move(actor=owner, operation_id=a.pk, direction="down")
    assert order() == [b.pk, a.pk]
    with pytest.raises(NotAllowed):
        operation_move(actor=technician, operation_id=a.pk, direction="up")
