"""Numbers and text the API refuses, always with 422 (or 400) in the error shape and naming the
field, never with a server error or a silently shortened value."""

import base64
import json

import pytest

from signoff.approvals.models import Decision
from signoff.customers.models import Customer
from signoff.orders.models import Operation, RepairOrder
from tests.api.conftest import error_of
from tests.factories import CustomerFactory, priced_ro
from tests.portal.builders import STROKES
from tests.support.png import png_rgba

pytestmark = pytest.mark.django_db

TOO_BIG = 99999999999999999999
MEGABYTE = "x" * 1_000_000
DEEP = "[" * 5000 + "]" * 5000


def _customer(**overrides) -> dict:
    body = {"kind": "individual", "name": "Dana Rivera", "primary": {"email": "dana@example.com"}}
    body.update(overrides)
    return body


# --- ids -----------------------------------------------------------------------------------------


def test_an_operation_id_beyond_the_database_range_is_refused_on_the_portal(client, shared):
    body = {
        "version_id": shared.version.pk,
        "decisions": [{"operation_id": TOO_BIG, "status": "approved"}],
        "signature": {"png": base64.b64encode(png_rgba()).decode(), "strokes": STROKES},
        "consent": True,
    }
    response = client.post(
        f"/api/v1/portal/{shared.token}/approval", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert "decisions.0.operation_id" in error_of(response)["fields"]
    assert not Decision.objects.exists()


@pytest.mark.parametrize("value", [TOO_BIG, 2**63, 0, -1])
def test_a_path_id_outside_the_database_range_is_refused_naming_it(as_alice, shop, value):
    response = as_alice.get(f"/customers/{value}")
    assert response.status_code == 422
    assert "customer_id" in error_of(response)["fields"]


@pytest.mark.parametrize("field", ["customer_id", "vehicle_id", "advisor_id"])
def test_ids_in_a_body_outside_the_database_range_are_refused_naming_them(as_alice, shop, field):
    customer = CustomerFactory(shop=shop)
    body = {"customer_id": customer.pk, field: 2**63}
    response = as_alice.post("/repair-orders", body)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert not RepairOrder.objects.exists()


def test_a_share_to_a_contact_id_beyond_the_range_is_refused(as_alice, shop):
    ro = priced_ro(shop, contacts=[{"is_primary": True}], operations=[{}]).ro
    body = {"kind": "request_approval", "recipients": [{"contact_id": TOO_BIG}]}
    response = as_alice.post(f"/repair-orders/{ro.pk}/shares", body)
    assert response.status_code == 422
    assert "recipients.0.contact_id" in error_of(response)["fields"]


# --- pagination ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/customers", "/repair-orders"])
@pytest.mark.parametrize(
    ("name", "value"),
    [("offset", 2**63), ("offset", -1), ("limit", 0), ("limit", 201), ("limit", TOO_BIG)],
)
def test_offsets_and_limits_outside_their_range_are_refused_naming_them(
    as_alice, shop, path, name, value
):
    response = as_alice.get(path, **{name: value})
    assert response.status_code == 422
    assert name in error_of(response)["fields"]


def test_the_largest_offset_and_limit_are_answered(as_alice, shop):
    from signoff.api.pagination import MAX_LIMIT, MAX_OFFSET

    CustomerFactory(shop=shop)
    body = as_alice.get("/customers", limit=MAX_LIMIT, offset=MAX_OFFSET).json()
    assert body == {"items": [], "count": 1, "count_exact": True}


# --- decimals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1e999", "-1e999", "1e99999999", "NaN", "Infinity", "sNaN"])
@pytest.mark.parametrize("field", ["quantity", "unit_price"])
def test_line_numbers_that_are_not_finite_or_far_too_large_are_refused(
    as_alice, shop, field, value
):
    ro = priced_ro(shop).ro
    body = {"title": "Tires", "lines": [{"kind": "part", "description": "Tire", field: value}]}
    response = as_alice.post(f"/repair-orders/{ro.pk}/operations", body)
    assert response.status_code == 422
    assert f"lines.0.{field}" in error_of(response)["fields"]
    assert not Operation.objects.exists()


def test_a_total_amount_that_is_not_a_number_is_refused_on_the_portal(client, shared):
    body = {
        "version_id": shared.version.pk,
        "decisions": [{"operation_id": shared.brakes.pk, "status": "approved"}],
        "consent": True,
        "amount": float("nan"),
    }
    raw = json.dumps(body)  # Python writes the NaN literal JSON has no word for
    response = client.post(
        f"/api/v1/portal/{shared.token}/approval", raw, content_type="application/json"
    )
    assert response.status_code == 422
    assert "amount" in error_of(response)["fields"]


# --- text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["complaint", "cause", "correction"])
def test_an_operation_text_longer_than_its_limit_is_refused_not_cut(as_alice, shop, field):
    ro = priced_ro(shop).ro
    response = as_alice.post(f"/repair-orders/{ro.pk}/operations", {"title": "T", field: MEGABYTE})
    assert response.status_code == 422
    assert "5,000 characters" in error_of(response)["fields"][field]
    assert not Operation.objects.exists()


def test_an_operation_text_at_its_limit_is_kept_whole(as_alice, shop):
    ro = priced_ro(shop).ro
    response = as_alice.post(
        f"/repair-orders/{ro.pk}/operations", {"title": "T", "correction": "y" * 5000}
    )
    assert response.status_code == 201
    assert response.json()["correction"] == "y" * 5000


def test_customer_notes_longer_than_their_limit_are_refused(as_alice, shop):
    response = as_alice.post("/customers", _customer(notes="n" * 10_001))
    assert response.status_code == 422
    assert "10,000 characters" in error_of(response)["fields"]["notes"]
    assert not Customer.objects.exists()


@pytest.mark.parametrize("field", ["internal_notes", "customer_notes", "notes"])
def test_repair_order_notes_longer_than_their_limit_are_refused(as_alice, shop, field):
    ro = priced_ro(shop).ro
    response = as_alice.patch(f"/repair-orders/{ro.pk}", {field: MEGABYTE})
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    ro.refresh_from_db()
    assert (ro.internal_notes, ro.customer_notes) == ("", "")


@pytest.mark.parametrize("name", ["Dana\r\nBcc: all@example.com", "Dana\nRivera", "Dana\x07"])
def test_a_name_with_a_line_break_or_control_character_is_refused(as_alice, shop, name):
    response = as_alice.post("/customers", _customer(name=name))
    assert response.status_code == 422
    assert "name" in error_of(response)["fields"]
    assert not Customer.objects.exists()


def test_a_contact_name_with_a_line_break_is_refused_when_edited(as_alice, shop):
    ro = priced_ro(shop, contacts=[{"is_primary": True, "name": "Dana"}]).ro
    contact = ro.customer.contacts.get()
    response = as_alice.patch(f"/contacts/{contact.pk}", {"name": "Dana\r\nBcc: x@example.com"})
    assert response.status_code == 422
    assert "name" in error_of(response)["fields"]
    contact.refresh_from_db()
    assert contact.name == "Dana"


def test_notes_keep_their_line_breaks(as_alice, shop):
    response = as_alice.post("/customers", _customer(notes="Fleet of 3.\r\nCall before noon."))
    assert response.status_code == 201
    assert response.json()["notes"] == "Fleet of 3.\r\nCall before noon."


# --- JSON nesting --------------------------------------------------------------------------------


def test_a_deep_body_sent_to_a_route_that_reads_no_body_is_not_a_server_error(as_alice, shop):
    operation = priced_ro(shop, operations=[{}]).operations[0]
    response = as_alice.client.delete(
        f"/api/v1/operations/{operation.pk}",
        DEEP,
        content_type="application/json",
        headers={"Idempotency-Key": "deep-2"},
    )
    assert response.status_code == 204


@pytest.mark.parametrize("key", [None, "deep-1"])
def test_a_body_nested_too_deep_is_refused_before_it_is_parsed(as_alice, shop, key):
    response = as_alice.post("/customers", DEEP, key=key)
    assert response.status_code in (400, 422)
    assert error_of(response)["code"] in ("bad_request", "invalid")
    assert not Customer.objects.exists()


def test_a_deep_value_inside_a_body_is_refused(client, shared):
    body = json.dumps({"version_id": shared.version.pk, "decisions": [], "signature": None})
    deep = body[:-1] + ', "extra": ' + DEEP + "}"
    response = client.post(
        f"/api/v1/portal/{shared.token}/approval", deep, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"error"}


@pytest.mark.parametrize("body", ['"x"', "[1, 2]", "42", "null"])
def test_a_body_that_is_not_a_json_object_is_refused(as_alice, shop, body):
    customer = CustomerFactory(shop=shop, name="Dana")
    response = as_alice.patch(f"/customers/{customer.pk}", body)
    assert response.status_code == 422
    assert "body" in error_of(response)["fields"]


# --- searches ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/customers", "/repair-orders"])
def test_a_search_longer_than_its_limit_is_refused(as_alice, shop, path):
    response = as_alice.get(path, q="x" * 201)
    assert response.status_code == 422
    assert "q" in error_of(response)["fields"]
