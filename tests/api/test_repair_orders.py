"""The repair-order routes: list and search, create, read with statuses and totals, edit."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signoff.approvals.models import ApprovalReason
from signoff.approvals.services import decision_record
from signoff.core import paging
from signoff.orders.models import RepairOrder
from signoff.shops.access import actor_for
from tests.api.conftest import error_of
from tests.factories import (
    CustomerFactory,
    LineFactory,
    OperationFactory,
    RepairOrderFactory,
    VehicleFactory,
    priced_operation,
)


def approve(operation, *, user, shop):
    reason = ApprovalReason.objects.get(shop=shop, label="Email")
    decision_record(
        actor=actor_for(user=user, shop_id=shop.pk),
        operation_id=operation.pk,
        status="approved",
        reason_id=reason.pk,
        comment="Replied to the estimate email",
    )


def test_listing_repair_orders_newest_number_first(as_alice, shop, other_shop):
    RepairOrderFactory(shop=shop, number=1001)
    RepairOrderFactory(shop=shop, number=1002)
    RepairOrderFactory(shop=other_shop, number=5000)
    body = as_alice.get("/repair-orders").json()
    assert (body["count"], body["count_exact"]) == (2, True)
    assert [ro["label"] for ro in body["items"]] == ["RO 1002", "RO 1001"]
    assert body["items"][0]["customer"]["name"]
    assert body["items"][0]["vehicle"]["vin"] == "1HGCM82633A004352"


def test_q_finds_a_repair_order_by_its_number(as_alice, shop):
    RepairOrderFactory(shop=shop, number=1001)
    RepairOrderFactory(shop=shop, number=1002)
    body = as_alice.get("/repair-orders", q="RO 1001").json()
    assert [ro["number"] for ro in body["items"]] == [1001]


def test_the_count_stops_a_little_past_the_offset_and_says_so(as_alice, shop, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_AHEAD", 3)
    customer = CustomerFactory(shop=shop)
    RepairOrder.objects.bulk_create(
        RepairOrder(shop=shop, customer=customer, number=1001 + i) for i in range(6)
    )
    first = as_alice.get("/repair-orders", limit=2).json()
    assert (first["count"], first["count_exact"], len(first["items"])) == (3, False, 2)
    last = as_alice.get("/repair-orders", limit=2, offset=4).json()
    assert (last["count"], last["count_exact"], len(last["items"])) == (6, True, 2)


def test_listing_repair_orders_takes_the_same_queries_for_many(as_alice, shop):
    RepairOrderFactory(shop=shop)
    with CaptureQueriesContext(connection) as one:
        as_alice.get("/repair-orders")
    for _ in range(5):
        RepairOrderFactory(shop=shop)
    with CaptureQueriesContext(connection) as six:
        as_alice.get("/repair-orders")
    assert len(six) == len(one)


def test_creating_a_repair_order_numbers_it_and_makes_the_caller_its_advisor(as_carol, carol, shop):
    vehicle = VehicleFactory(customer=CustomerFactory(shop=shop))
    response = as_carol.post(
        "/repair-orders",
        {"customer_id": vehicle.customer_id, "vehicle_id": vehicle.pk, "notes": "Brakes squeal"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["label"], body["status"]) == (1001, "RO 1001", "estimate")
    assert body["advisor"] == {"id": carol.pk, "name": carol.get_full_name()}
    assert body["vehicle"]["id"] == vehicle.pk
    assert body["operations"] == []
    assert body["totals"]["estimate"]["total"] == "0.00"


def test_internal_and_customer_notes_are_two_fields_and_notes_is_the_older_name(as_alice, shop):
    customer = CustomerFactory(shop=shop)
    response = as_alice.post(
        "/repair-orders",
        {"customer_id": customer.pk, "internal_notes": "Call after 3", "customer_notes": "Hi"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["internal_notes"], body["customer_notes"], body["notes"]) == (
        "Call after 3",
        "Hi",
        "Call after 3",
    )
    ro_id = body["id"]
    older = as_alice.patch(f"/repair-orders/{ro_id}", {"notes": "Call first"})
    assert older.json()["internal_notes"] == "Call first"
    both = as_alice.patch(f"/repair-orders/{ro_id}", {"notes": "A", "internal_notes": "B"})
    assert both.status_code == 422
    assert "older name" in error_of(both)["fields"]["notes"]
    assert RepairOrder.objects.get(pk=ro_id).internal_notes == "Call first"


def test_an_etr_without_an_offset_is_read_in_the_shops_time_zone(as_alice, shop):
    customer = CustomerFactory(shop=shop)
    response = as_alice.post(
        "/repair-orders", {"customer_id": customer.pk, "etr": "2026-11-24T16:30:00"}
    )
    assert response.status_code == 201
    ro = RepairOrder.objects.get(pk=response.json()["id"])
    # Los Angeles is UTC-8 in November.
    assert ro.etr == datetime(2026, 11, 25, 0, 30, tzinfo=UTC)


def test_an_etr_that_is_not_a_date_says_which_format_to_send(as_alice, shop):
    customer = CustomerFactory(shop=shop)
    response = as_alice.post("/repair-orders", {"customer_id": customer.pk, "etr": "tomorrow"})
    assert response.status_code == 422
    assert "ISO 8601, e.g. 2026-11-24T16:30:00-08:00" in error_of(response)["fields"]["etr"]
    assert not RepairOrder.objects.exists()


def test_creating_a_repair_order_for_another_shops_customer_is_refused(as_charlie, shop):
    customer = CustomerFactory(shop=shop)
    response = as_charlie.post("/repair-orders", {"customer_id": customer.pk})
    assert response.status_code == 422
    assert "customer_id" in error_of(response)["fields"]
    assert not RepairOrder.objects.exists()


def test_a_vehicle_of_another_customer_is_refused(as_alice, shop):
    customer = CustomerFactory(shop=shop)
    someone_elses = VehicleFactory(customer=CustomerFactory(shop=shop))
    response = as_alice.post(
        "/repair-orders", {"customer_id": customer.pk, "vehicle_id": someone_elses.pk}
    )
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"vehicle_id": "Choose one of this customer's vehicles."}


def test_an_unknown_status_is_refused(as_alice, shop):
    customer = CustomerFactory(shop=shop)
    response = as_alice.post("/repair-orders", {"customer_id": customer.pk, "status": "lost"})
    assert response.status_code == 422
    assert "status" in error_of(response)["fields"]


def test_technicians_cannot_create_repair_orders(as_bob, shop):
    customer = CustomerFactory(shop=shop)
    assert as_bob.post("/repair-orders", {"customer_id": customer.pk}).status_code == 403


def test_reading_a_repair_order_shows_statuses_lines_subtotals_and_totals(as_alice, alice, shop):
    ro = RepairOrderFactory(shop=shop, etr=datetime(2026, 3, 2, 17, 0, tzinfo=UTC))
    brakes = priced_operation(repair_order=ro, title="Front brake pads")  # 225.00 + 89.99
    wipers = priced_operation(
        repair_order=ro, title="Wipers", kind="recommendation", labor_hours="0.2", part_price="30"
    )  # 30.00 + 30.00
    LineFactory(operation=wipers, kind="fee", description="Disposal", unit_price=Decimal("2.50"))
    approve(brakes, user=alice, shop=shop)

    response = as_alice.get(f"/repair-orders/{ro.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["etr"].startswith("2026-03-02T17:00:00")
    assert body["tax_rate"] == "8.250"
    first, second = body["operations"]
    assert (first["title"], first["status"], first["subtotal"]) == (
        "Front brake pads",
        "approved",
        "314.99",
    )
    assert first["decision"]["reason"] == "Email"
    assert first["decision"]["recorded_by"] == alice.get_full_name()
    assert [(ln["kind"], ln["amount"]) for ln in first["lines"]] == [
        ("labor", "225.00"),
        ("part", "89.99"),
    ]
    assert (second["status"], second["decision"], second["fees"], second["subtotal"]) == (
        "pending",
        None,
        "2.50",
        "62.50",
    )
    # 8.25 % of 314.99 = 25.986… → 25.99
    assert body["totals"]["estimate"] == {
        "labor": "225.00",
        "parts": "89.99",
        "fees": "0.00",
        "subtotal": "314.99",
        "tax": "25.99",
        "total": "340.98",
    }
    assert body["totals"]["recommendations"]["total"] == "67.66"
    assert body["totals"]["approved"]["total"] == "340.98"


def test_removed_operations_are_not_shown(as_alice, shop):
    ro = RepairOrderFactory(shop=shop)
    OperationFactory(repair_order=ro, title="Kept")
    OperationFactory(repair_order=ro, title="Gone", removed_at=datetime(2026, 1, 1, tzinfo=UTC))
    titles = [op["title"] for op in as_alice.get(f"/repair-orders/{ro.pk}").json()["operations"]]
    assert titles == ["Kept"]


def test_reading_a_repair_order_takes_the_same_queries_for_many_operations(as_alice, alice, shop):
    ro = RepairOrderFactory(shop=shop)
    approve(priced_operation(repair_order=ro), user=alice, shop=shop)
    with CaptureQueriesContext(connection) as few:
        as_alice.get(f"/repair-orders/{ro.pk}")
    for _ in range(6):
        approve(priced_operation(repair_order=ro), user=alice, shop=shop)
    with CaptureQueriesContext(connection) as many:
        as_alice.get(f"/repair-orders/{ro.pk}")
    assert len(many) == len(few)


def test_technicians_may_read_a_repair_order(as_bob, shop):
    ro = RepairOrderFactory(shop=shop)
    assert as_bob.get(f"/repair-orders/{ro.pk}").status_code == 200


def test_another_shops_repair_order_is_not_found(as_charlie, shop):
    ro = RepairOrderFactory(shop=shop, internal_notes="Private")
    assert as_charlie.get(f"/repair-orders/{ro.pk}").status_code == 404
    response = as_charlie.patch(f"/repair-orders/{ro.pk}", {"notes": "Mine now"})
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    ro.refresh_from_db()
    assert ro.internal_notes == "Private"


def test_patching_a_repair_order_moves_the_work_and_sets_the_etr_and_keeps_the_rest(as_alice, shop):
    ro = RepairOrderFactory(shop=shop, internal_notes="Keep me", status="approved")
    response = as_alice.patch(
        f"/repair-orders/{ro.pk}", {"status": "in_progress", "etr": "2026-05-01T09:00:00Z"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    ro.refresh_from_db()
    assert (ro.status, ro.etr, ro.internal_notes) == (
        "in_progress",
        datetime(2026, 5, 1, 9, 0, tzinfo=UTC),
        "Keep me",
    )


@pytest.mark.parametrize("status", ["approved", "completed"])
def test_a_status_the_ro_cannot_move_to_is_refused_and_nothing_else_is_saved(
    as_alice, shop, status
):
    ro = RepairOrderFactory(shop=shop, internal_notes="Keep me")
    response = as_alice.patch(
        f"/repair-orders/{ro.pk}", {"status": status, "internal_notes": "Changed"}
    )
    assert response.status_code == 422
    assert "From Estimate it moves by itself." in error_of(response)["message"]
    assert "status" in error_of(response)["fields"]
    ro.refresh_from_db()
    assert (ro.status, ro.internal_notes) == ("estimate", "Keep me")


def test_the_status_sent_unchanged_is_no_move(as_alice, shop):
    ro = RepairOrderFactory(shop=shop, internal_notes="Keep me")
    response = as_alice.patch(f"/repair-orders/{ro.pk}", {"status": "estimate"})
    assert response.status_code == 200


def test_a_new_ro_starts_as_an_estimate(as_alice, shop):
    customer = RepairOrderFactory(shop=shop).customer
    response = as_alice.post("/repair-orders", {"customer_id": customer.pk, "status": "approved"})
    assert response.status_code == 422
    created = as_alice.post("/repair-orders", {"customer_id": customer.pk})
    assert created.json()["status"] == "estimate"


def test_patching_with_null_clears_the_etr(as_alice, shop):
    ro = RepairOrderFactory(shop=shop, etr=datetime(2026, 5, 1, tzinfo=UTC))
    response = as_alice.patch(f"/repair-orders/{ro.pk}", {"etr": None})
    assert response.status_code == 200
    assert response.json()["etr"] is None


def test_an_advisor_from_another_shop_is_refused(as_alice, shop, charlie):
    ro = RepairOrderFactory(shop=shop)
    response = as_alice.patch(f"/repair-orders/{ro.pk}", {"advisor_id": charlie.pk})
    assert response.status_code == 422
    assert "advisor_id" in error_of(response)["fields"]


def test_technicians_cannot_edit_repair_orders(as_bob, shop):
    ro = RepairOrderFactory(shop=shop)
    response = as_bob.patch(f"/repair-orders/{ro.pk}", {"notes": "x"})
    assert response.status_code == 403
    assert "Your role can view estimates" in error_of(response)["message"]


def test_an_etr_in_a_far_off_year_is_refused_instead_of_overflowing(as_alice, shop):
    ro = RepairOrderFactory(shop=shop)
    for etr in ("9999-12-31T23:59:59", "0001-01-01T00:00:00+14:00"):
        response = as_alice.patch(f"/repair-orders/{ro.pk}", {"etr": etr})
        assert response.status_code == 422
        assert error_of(response)["fields"] == {"etr": "Enter an ETR between 2000 and 2100."}


def test_an_odometer_beyond_what_a_vehicle_shows_is_refused(as_alice, shop):
    ro = RepairOrderFactory(shop=shop)
    response = as_alice.patch(f"/repair-orders/{ro.pk}", {"odometer_in": 10**12})
    assert response.status_code == 422
    assert "odometer_in" in error_of(response)["fields"]


def test_the_list_filters_by_status_advisor_and_waiting(as_alice, shop, alice):
    waiting = RepairOrderFactory(shop=shop, status="awaiting", advisor=alice)
    RepairOrder.objects.filter(pk=waiting.pk).update(
        status_changed_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    RepairOrderFactory(shop=shop, status="approved", advisor=None)

    def numbers(**query):
        return [ro["number"] for ro in as_alice.get("/repair-orders", **query).json()["items"]]

    assert numbers(status="awaiting") == [waiting.number]
    assert numbers(advisor_id=alice.pk) == [waiting.number]
    assert numbers(unassigned="true", status="awaiting") == []
    assert numbers(waiting_hours=24) == [waiting.number]
    refused = as_alice.get("/repair-orders", waiting_hours=0)
    assert refused.status_code == 422
    both = as_alice.get("/repair-orders", advisor_id=alice.pk, unassigned="true")
    assert both.status_code == 422 and "unassigned" in error_of(both)["fields"]
