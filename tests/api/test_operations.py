"""The operation routes: add with lines, read, edit (re-authorization), reorder, remove."""

from decimal import Decimal

from signoff.approvals.models import Decision
from signoff.orders.models import Operation
from tests.api.conftest import error_of
from tests.api.test_repair_orders import approve
from tests.factories import OperationFactory, RepairOrderFactory, priced_operation

BRAKES = {
    "title": "Replace front brake pads",
    "complaint": "Squeal when braking",
    "lines": [
        {"kind": "labor", "quantity": "1.5", "unit_price": "150.00"},
        {"kind": "part", "part_number": "BP-1", "description": "Pads", "unit_price": 89.99},
        {"kind": "fee", "description": "Shop supplies", "unit_price": "4.50", "taxable": False},
    ],
}


def test_adding_an_operation_prices_its_lines_exactly(as_carol, shop):
    ro = RepairOrderFactory(shop=shop)
    response = as_carol.post(f"/repair-orders/{ro.pk}/operations", BRAKES)
    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["kind"], body["status"]) == (
        "Replace front brake pads",
        "estimate",
        "pending",
    )
    assert sorted((ln["kind"], ln["quantity"], ln["amount"]) for ln in body["lines"]) == [
        ("fee", "1.00", "4.50"),
        ("labor", "1.50", "225.00"),
        ("part", "1.00", "89.99"),
    ]
    assert (body["labor"], body["parts"], body["fees"], body["subtotal"]) == (
        "225.00",
        "89.99",
        "4.50",
        "319.49",
    )
    assert Operation.objects.get(pk=body["id"]).repair_order == ro


def test_a_new_operation_goes_to_the_end_of_the_table(as_alice, shop):
    ro = RepairOrderFactory(shop=shop)
    OperationFactory(repair_order=ro, position=4)
    body = as_alice.post(
        f"/repair-orders/{ro.pk}/operations", {"title": "Wipers", "kind": "recommendation"}
    ).json()
    assert (body["position"], body["kind"]) == (5, "recommendation")


def test_a_negative_quantity_is_refused_with_the_lines_index(as_alice, shop):
    ro = RepairOrderFactory(shop=shop)
    response = as_alice.post(
        f"/repair-orders/{ro.pk}/operations",
        {"title": "Pads", "lines": [{"kind": "part", "description": "Pads", "quantity": "-1"}]},
    )
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"lines.0.quantity": "The quantity cannot be negative."}
    assert not Operation.objects.exists()


def test_a_line_of_an_unknown_kind_is_refused_with_its_index(as_alice, shop):
    ro = RepairOrderFactory(shop=shop)
    response = as_alice.post(
        f"/repair-orders/{ro.pk}/operations",
        {"title": "Pads", "lines": [{"kind": "labor"}, {"kind": "magic"}]},
    )
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"lines.1.kind"}


def test_an_operation_needs_a_title(as_alice, shop):
    ro = RepairOrderFactory(shop=shop)
    response = as_alice.post(f"/repair-orders/{ro.pk}/operations", {"title": " "})
    assert response.status_code == 422
    assert "title" in error_of(response)["fields"]


def test_adding_to_another_shops_repair_order_is_not_found(as_charlie, shop):
    ro = RepairOrderFactory(shop=shop)
    response = as_charlie.post(f"/repair-orders/{ro.pk}/operations", BRAKES)
    assert response.status_code == 404
    assert not Operation.objects.exists()


def test_technicians_cannot_add_operations(as_bob, shop):
    ro = RepairOrderFactory(shop=shop)
    assert as_bob.post(f"/repair-orders/{ro.pk}/operations", BRAKES).status_code == 403


def test_reading_one_operation_shows_its_current_status(as_bob, alice, shop):
    op = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    approve(op, user=alice, shop=shop)
    response = as_bob.get(f"/operations/{op.pk}")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["subtotal"]) == ("approved", "314.99")


def test_editing_the_title_keeps_the_lines(as_alice, shop):
    op = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    response = as_alice.patch(f"/operations/{op.pk}", {"title": "Pads and rotors"})
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["subtotal"], body["revision"]) == ("Pads and rotors", "314.99", 2)


def test_editing_the_price_of_an_approved_operation_returns_it_to_pending(as_alice, alice, shop):
    op = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    approve(op, user=alice, shop=shop)
    response = as_alice.patch(
        f"/operations/{op.pk}",
        {"lines": [{"kind": "labor", "quantity": "2", "unit_price": "150"}]},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["subtotal"]) == ("pending", "300.00")
    assert "Labor 1.5 h → 2 h" in body["decision"]["comment"]
    assert Decision.objects.filter(operation=op).count() == 2


def test_editing_with_a_bad_line_changes_nothing(as_alice, shop):
    op = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    response = as_alice.patch(
        f"/operations/{op.pk}",
        {"title": "New", "lines": [{"kind": "fee", "unit_price": "5"}]},
    )
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"lines.0.description": "Enter what the fee is for."}
    op.refresh_from_db()
    assert op.title != "New"
    assert op.lines.count() == 2


def test_another_shops_operation_is_not_found(as_charlie, shop):
    op = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    assert as_charlie.get(f"/operations/{op.pk}").status_code == 404
    assert as_charlie.patch(f"/operations/{op.pk}", {"title": "Mine"}).status_code == 404
    assert as_charlie.delete(f"/operations/{op.pk}").status_code == 404
    op.refresh_from_db()
    assert (op.title, op.removed_at) != ("Mine", None)
    assert op.removed_at is None


def test_technicians_cannot_edit_or_remove_operations(as_bob, shop):
    op = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    assert as_bob.patch(f"/operations/{op.pk}", {"title": "X"}).status_code == 403
    assert as_bob.delete(f"/operations/{op.pk}").status_code == 403


def test_removing_an_operation_takes_it_off_the_estimate_and_keeps_its_decisions(
    as_alice, alice, shop
):
    ro = RepairOrderFactory(shop=shop)
    op = priced_operation(repair_order=ro)
    approve(op, user=alice, shop=shop)
    response = as_alice.delete(f"/operations/{op.pk}")
    assert response.status_code == 204
    assert response.content == b""
    assert as_alice.get(f"/repair-orders/{ro.pk}").json()["operations"] == []
    assert as_alice.get(f"/operations/{op.pk}").status_code == 404
    assert as_alice.delete(f"/operations/{op.pk}").status_code == 404
    assert Decision.objects.filter(operation=op).exists()


def test_reordering_puts_operations_in_the_order_given(as_alice, shop):
    ro = RepairOrderFactory(shop=shop)
    a, b, c = (OperationFactory(repair_order=ro, title=t) for t in "ABC")
    response = as_alice.post(
        f"/repair-orders/{ro.pk}/operations/reorder", {"operation_ids": [c.pk, a.pk, b.pk]}
    )
    assert response.status_code == 200
    assert [op["title"] for op in response.json()["operations"]] == ["C", "A", "B"]


def test_reordering_must_list_every_operation_once(as_alice, shop):
    ro = RepairOrderFactory(shop=shop)
    a = OperationFactory(repair_order=ro)
    OperationFactory(repair_order=ro)
    response = as_alice.post(
        f"/repair-orders/{ro.pk}/operations/reorder", {"operation_ids": [a.pk, a.pk]}
    )
    assert response.status_code == 422
    assert "operation_ids" in error_of(response)["fields"]


def test_reordering_another_shops_repair_order_is_not_found(as_charlie, shop):
    ro = RepairOrderFactory(shop=shop)
    op = OperationFactory(repair_order=ro)
    response = as_charlie.post(
        f"/repair-orders/{ro.pk}/operations/reorder", {"operation_ids": [op.pk]}
    )
    assert response.status_code == 404


def test_technicians_cannot_reorder(as_bob, shop):
    ro = RepairOrderFactory(shop=shop)
    op = OperationFactory(repair_order=ro)
    response = as_bob.post(f"/repair-orders/{ro.pk}/operations/reorder", {"operation_ids": [op.pk]})
    assert response.status_code == 403


def test_money_given_as_a_json_number_is_kept_exact(as_alice, shop):
    ro = RepairOrderFactory(shop=shop)
    body = as_alice.post(
        f"/repair-orders/{ro.pk}/operations",
        {
            "title": "Oil",
            "lines": [{"kind": "part", "description": "Oil", "quantity": 5.0, "unit_price": 0.1}],
        },
    ).json()
    assert body["lines"][0]["amount"] == "0.50"
    assert Operation.objects.get(pk=body["id"]).lines.get().unit_price == Decimal("0.10")
