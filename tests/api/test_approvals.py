"""GET/POST /api/v1/operations/{id}/decisions, GET /approval-reasons and the verify route."""

import pytest
from django.db import connection

from signoff.approvals.models import ApprovalReason, Decision
from tests.approvals.helpers import ro_with_operations
from tests.factories import ContactFactory, EstimateVersionFactory


@pytest.fixture
def ro_ops(shop):
    return ro_with_operations(shop)


@pytest.fixture
def api(api_client_for, carol, shop):
    return api_client_for(carol, shop)


def _reason(shop, label="Email"):
    return ApprovalReason.objects.get(shop=shop, label=label)


def _post(client, op, body, **headers):
    return client.post(
        f"/api/v1/operations/{op.pk}/decisions",
        body,
        content_type="application/json",
        headers=headers,
    )


def test_recording_a_decision_returns_it_with_its_hashes(api, ro_ops, shop, carol):
    _, (op, _) = ro_ops
    response = _post(api, op, {"status": "approved", "reason": _reason(shop).pk, "comment": "ok"})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "approved"
    assert body["source"] == "on_behalf"
    assert body["reason"] == "Email"
    assert body["comment"] == "ok"
    assert body["amount"] == "314.99"
    assert body["recorded_by"]["id"] == carol.pk
    assert body["sequence"] == 1 and len(body["content_hash"]) == 64
    assert body["version"] is None and body["warnings"] == []


def test_a_phone_decision_records_contact_and_number(api, ro_ops, shop):
    ro, (op, _) = ro_ops
    spouse = ContactFactory(customer=ro.customer, name="Sam", relationship="Spouse")
    body = _post(
        api,
        op,
        {
            "status": "approved",
            "reason": _reason(shop, "Phone call").pk,
            "contact": spouse.pk,
            "phone_number": "503 555 0142",
        },
    ).json()
    assert (body["contact_id"], body["contact_relationship"]) == (spouse.pk, "Spouse")
    assert body["phone_number"] == "+15035550142"


def test_history_lists_decisions_newest_first_with_the_current_status(api, ro_ops, shop):
    ro, (op, _) = ro_ops
    _post(api, op, {"status": "approved", "reason": _reason(shop).pk})
    EstimateVersionFactory(repair_order=ro)
    _post(api, op, {"status": "deferred", "reason": _reason(shop).pk})
    body = api.get(f"/api/v1/operations/{op.pk}/decisions").json()
    assert body["status"] == "deferred"
    assert [d["status"] for d in body["decisions"]] == ["deferred", "approved"]
    assert [d["version"] for d in body["decisions"]] == [1, None]


def test_a_missing_reason_is_refused_naming_the_field(api, ro_ops):
    _, (op, _) = ro_ops
    response = _post(api, op, {"status": "approved"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid" and "reason" in error["fields"]
    assert not Decision.objects.exists()


def test_pending_or_an_unknown_status_is_refused(api, ro_ops, shop):
    _, (op, _) = ro_ops
    response = _post(api, op, {"status": "pending", "reason": _reason(shop).pk})
    assert response.status_code == 422
    assert "status" in response.json()["error"]["fields"]


def test_an_unknown_reason_is_refused(api, ro_ops):
    _, (op, _) = ro_ops
    response = _post(api, op, {"status": "approved", "reason": 999999})
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["reason"].startswith("That reason is not on")


def test_a_retired_reason_is_refused(api, ro_ops, shop):
    _, (op, _) = ro_ops
    reason = _reason(shop, "Case note")
    reason.active = False
    reason.save()
    response = _post(api, op, {"status": "declined", "reason": reason.pk})
    assert response.status_code == 422
    assert "was retired" in response.json()["error"]["fields"]["reason"]


def test_an_oral_reason_without_the_contact_and_number_is_refused(api, ro_ops, shop):
    _, (op, _) = ro_ops
    response = _post(api, op, {"status": "approved", "reason": _reason(shop, "Phone call").pk})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"contact", "phone_number"}


def test_a_technicians_token_cannot_record_but_can_read(api_client_for, bob, shop, ro_ops):
    _, (op, _) = ro_ops
    client = api_client_for(bob, shop)
    response = _post(client, op, {"status": "approved", "reason": _reason(shop).pk})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert client.get(f"/api/v1/operations/{op.pk}/decisions").status_code == 200
    assert not Decision.objects.exists()


def test_another_shops_operation_is_not_found(api_client_for, charlie, other_shop, shop, ro_ops):
    ro, (op, _) = ro_ops
    client = api_client_for(charlie, other_shop)
    reason = ApprovalReason.objects.filter(shop=other_shop).first()
    response = _post(client, op, {"status": "approved", "reason": reason.pk})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/operations/{op.pk}/decisions").status_code == 404
    assert client.get(f"/api/v1/repair-orders/{ro.pk}/verify").status_code == 404
    assert not Decision.objects.exists()


def test_no_token_is_unauthorized(client, ro_ops, shop):
    _, (op, _) = ro_ops
    response = _post(client, op, {"status": "approved", "reason": _reason(shop).pk})
    assert response.status_code == 401


def test_a_retried_post_with_the_same_idempotency_key_adds_nothing(api, ro_ops, shop):
    _, (op, _) = ro_ops
    body = {"status": "approved", "reason": _reason(shop).pk}
    first = _post(api, op, body, **{"Idempotency-Key": "call-42"})
    again = _post(api, op, body, **{"Idempotency-Key": "call-42"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Decision.objects.count() == 1


def test_the_reason_list_shows_active_reasons_and_on_request_retired_ones(api, shop):
    other = _reason(shop, "Other")
    other.active = False
    other.save()
    active = api.get("/api/v1/approval-reasons").json()
    assert [r["label"] for r in active][:2] == ["Phone call", "Verbal at front counter"]
    assert "Other" not in [r["label"] for r in active]
    everything = api.get("/api/v1/approval-reasons?include_retired=true").json()
    assert {"label": "Other", "active": False} in [
        {"label": r["label"], "active": r["active"]} for r in everything
    ]


def test_verify_says_intact_then_names_the_record_edited_with_sql(api, ro_ops, shop):
    ro, (op, _) = ro_ops
    decision_id = _post(api, op, {"status": "approved", "reason": _reason(shop).pk}).json()["id"]
    body = api.get(f"/api/v1/repair-orders/{ro.pk}/verify").json()
    assert (body["result"], body["ok"], body["checked"]) == ("intact", True, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE approvals_decision SET amount = %s WHERE id = %s", ["1.00", decision_id]
        )
    body = api.get(f"/api/v1/repair-orders/{ro.pk}/verify").json()
    assert body["result"] == "broken" and body["ok"] is False
    assert body["problems"] == [
        f"Decision #{decision_id} (sequence 1): content hash does not match"
    ]


def test_the_routes_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/operations/{operation_id}/decisions"])
    assert "get" in paths["/api/v1/repair-orders/{ro_id}/verify"]


def test_a_refusal_says_what_to_fix_in_the_message_as_well_as_per_field(api, ro_ops, shop):
    _, (op, _) = ro_ops
    response = _post(api, op, {"status": "approved", "reason": _reason(shop, "Phone call").pk})
    error = response.json()["error"]
    assert error["message"] == (
        "The decision was not recorded. “Phone call” is oral consent: choose the contact who "
        "gave the approval. Enter the phone number you called."
    )
    assert error["fields"]["phone_number"] == "Enter the phone number you called."
    assert not Decision.objects.exists()
