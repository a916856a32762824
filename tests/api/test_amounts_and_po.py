"""The RO API's amounts and rule, its refusal to complete past the rule, and PO numbers."""

import json

import pytest

from signoff.approvals.models import ApprovalReason
from signoff.approvals.services import decision_record
from signoff.orders.models import RepairOrder
from signoff.shops.access import actor_for
from tests.api.conftest import error_of
from tests.factories import priced_operation, priced_ro


def _op(title, price):
    return {"title": title, "labor_hours": "0", "part_price": price}


def _approve(op, *, user, shop):
    reason = ApprovalReason.objects.get(shop=shop, label="Email")
    decision_record(
        actor=actor_for(user=user, shop_id=shop.pk),
        operation_id=op.pk,
        status="approved",
        reason_id=reason.pk,
    )


@pytest.fixture
def grown(shop, alice):
    """An RO in progress: $1,000.00 approved, then $20.00 of pending work added."""
    shop.over_estimate_rule = "michigan"
    shop.save()
    built = priced_ro(shop, operations=[_op("Brakes", "400.00"), _op("Wipers", "600.00")])
    for op in built.operations:
        _approve(op, user=alice, shop=shop)
    RepairOrder.objects.filter(pk=built.ro.pk).update(status="in_progress")
    priced_operation(repair_order=built.ro, title="Coolant", labor_hours="0", part_price="20.00")
    return built.ro


def test_the_ro_carries_its_amounts_and_rule_before_tax(as_alice, grown):
    body = as_alice.get(f"/repair-orders/{grown.pk}").json()
    assert body["amounts"] == {
        "tax": "before tax",
        "authorized": "1000.00",
        "current": "1020.00",
        "difference": "20.00",
        "over_limit": True,
        "rule": {
            "key": "michigan",
            "name": "Michigan's rule ($10 or 10%, whichever is less)",
            "enforced": True,
            "allowance": "10.00",
            "limit": "1010.00",
        },
        "not_to_exceed": None,
    }
    assert body["po_number"] == ""


@pytest.mark.parametrize("to", ["completed", "ready"])
def test_completing_or_readying_past_the_rule_is_refused_naming_the_rule_and_amounts(
    as_alice, grown, to
):
    response = as_alice.patch(f"/repair-orders/{grown.pk}", {"status": to})
    assert response.status_code == 422
    error = error_of(response)
    assert "Michigan's rule ($10 or 10%, whichever is less)" in error["message"]
    assert "$1,020.00 before tax" in error["message"] and "$1,000.00" in error["message"]
    assert "up to $1,010.00" in error["message"] and "$10.00 needs" in error["message"]
    assert error["fields"]["status"] == error["message"]
    grown.refresh_from_db()
    assert grown.status == "in_progress"


def test_a_new_authorization_covering_the_amount_lets_the_ro_complete(as_alice, grown, alice, shop):
    coolant = grown.operations.get(title="Coolant")
    _approve(coolant, user=alice, shop=shop)
    response = as_alice.patch(f"/repair-orders/{grown.pk}", {"status": "completed"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "completed"


def test_with_no_rule_the_ro_is_flagged_but_not_refused(as_alice, grown, shop):
    shop.over_estimate_rule = "none"
    shop.save()
    body = as_alice.get(f"/repair-orders/{grown.pk}").json()
    assert body["amounts"]["over_limit"] is True and body["amounts"]["rule"]["enforced"] is False
    response = as_alice.patch(f"/repair-orders/{grown.pk}", {"status": "completed"})
    assert response.status_code == 200


# PO numbers ----------------------------------------------------------------------------------


@pytest.fixture
def fleet_ro(shop, alice):
    built = priced_ro(
        shop,
        customer={"kind": "business", "name": "Acme Fleet", "requires_po": True},
        contacts=[{"is_primary": True, "name": "Pat Fleet", "email": "pat@fleet.example"}],
        operations=[_op("Brakes", "400.00")],
    )
    _approve(built.operations[0], user=alice, shop=shop)
    RepairOrder.objects.filter(pk=built.ro.pk).update(status="in_progress")
    return built


def test_a_customer_can_be_marked_as_requiring_a_po_number(as_alice):
    response = as_alice.post(
        "/customers",
        {
            "kind": "business",
            "name": "Acme",
            "requires_po": True,
            "primary": {"name": "Pat", "email": "pat@acme.example"},
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["requires_po"] is True
    primary = {"name": "Dana", "email": "dana@mail.example"}
    person = as_alice.post("/customers", {"name": "Dana", "requires_po": True, "primary": primary})
    assert person.status_code == 422
    assert error_of(person)["fields"]["requires_po"].startswith(
        "Only a business or fleet can require a PO number"
    )


def test_completing_without_the_required_po_number_is_refused(as_alice, fleet_ro):
    ro = fleet_ro.ro
    response = as_alice.patch(f"/repair-orders/{ro.pk}", {"status": "completed"})
    assert response.status_code == 422
    assert error_of(response)["fields"]["status"] == (
        "Acme Fleet requires a PO number on every repair order: enter it in the RO's details "
        "(Edit details) first."
    )
    response = as_alice.patch(
        f"/repair-orders/{ro.pk}", {"status": "completed", "po_number": "PO-7731"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["po_number"]) == ("completed", "PO-7731")


def test_sharing_without_the_required_po_number_is_refused_with_the_reason(
    api_client_for, alice, shop, fleet_ro, no_delivery
):
    client = api_client_for(alice, shop)
    path = f"/api/v1/repair-orders/{fleet_ro.ro.pk}/shares"
    body = {"kind": "request_approval", "recipients": [{"contact_id": fleet_ro.contacts[0].pk}]}
    response = client.post(path, json.dumps(body), content_type="application/json")
    assert response.status_code == 409
    assert "Acme Fleet requires a PO number" in response.json()["error"]["message"]
    RepairOrder.objects.filter(pk=fleet_ro.ro.pk).update(po_number="PO-1")
    response = client.post(path, json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content


def test_the_po_number_is_limited_and_cleaned(as_alice, fleet_ro):
    ro = fleet_ro.ro
    too_long = as_alice.patch(f"/repair-orders/{ro.pk}", {"po_number": "X" * 41})
    assert too_long.status_code == 422 and "po_number" in error_of(too_long)["fields"]
    ok = as_alice.patch(f"/repair-orders/{ro.pk}", {"po_number": "  PO 12  "})
    assert ok.json()["po_number"] == "PO 12"
