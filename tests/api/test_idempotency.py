"""Idempotency-Key on API writes: a retry gets the first answer and changes nothing more."""

import threading

import pytest

from signoff.api.idempotency import is_idempotent
from signoff.api.models import IdempotencyRecord
from signoff.api.urls import api
from signoff.customers import services as customer_services
from signoff.customers.models import Customer
from tests.api.conftest import error_of
from tests.factories import (
    CustomerFactory,
    RepairOrderFactory,
    api_token_for,
    priced_operation,
    priced_ro,
)
from tests.support.clients import ApiClient
from tests.support.threads import database_for_threads, in_thread
from tests.support.walk import snapshot

NEW = {"name": "Dana Rivera", "primary": {"email": "dana@example.com"}}


def test_the_same_key_and_body_returns_the_first_answer_and_creates_one_customer(as_alice):
    first = as_alice.post("/customers", NEW, key="k-1")
    again = as_alice.post("/customers", NEW, key="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Customer.objects.count() == 1


def test_json_that_differs_only_in_spacing_and_key_order_is_the_same_request(as_alice):
    as_alice.post("/customers", '{"name": "Dana", "primary": {"email": "d@example.com"}}', key="k")
    again = as_alice.post(
        "/customers", '{"primary":{"email":"d@example.com"},"name":"Dana"}', key="k"
    )
    assert again.status_code == 201
    assert Customer.objects.count() == 1


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(as_alice):
    as_alice.post("/customers", NEW, key="k-1")
    response = as_alice.post("/customers", {**NEW, "name": "Someone Else"}, key="k-1")
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "idempotency_key_reused"
    assert "different request" in error["message"]
    assert list(error["fields"]) == ["Idempotency-Key"]
    assert list(Customer.objects.values_list("name", flat=True)) == ["Dana Rivera"]


def test_the_same_key_on_another_route_is_refused(as_alice, shop):
    customer = CustomerFactory(shop=shop, name="Avery")
    as_alice.post("/customers", NEW, key="k-1")
    response = as_alice.patch(f"/customers/{customer.pk}", NEW, key="k-1")
    assert response.status_code == 422
    customer.refresh_from_db()
    assert customer.name == "Avery"


def test_without_a_key_each_request_runs(as_alice):
    as_alice.post("/customers", NEW)
    as_alice.post("/customers", NEW)
    assert Customer.objects.count() == 2


def test_keys_belong_to_one_user_so_colleagues_cannot_collide(as_alice, as_carol):
    as_alice.post("/customers", NEW, key="shared")
    response = as_carol.post("/customers", NEW, key="shared")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Customer.objects.count() == 2


def test_a_refused_request_is_answered_the_same_way_again(as_alice):
    bad = {"name": "Dana", "primary": {"email": "dana@"}}
    first = as_alice.post("/customers", bad, key="k")
    again = as_alice.post("/customers", bad, key="k")
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json()


def test_a_replayed_delete_answers_204_again_instead_of_404(as_alice, shop):
    op = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    assert as_alice.delete(f"/operations/{op.pk}", key="rm").status_code == 204
    again = as_alice.delete(f"/operations/{op.pk}", key="rm")
    assert again.status_code == 204
    assert again["Idempotent-Replayed"] == "true"


def test_a_replayed_patch_does_not_bump_the_revision_again(as_alice, shop):
    op = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    for _ in range(3):
        response = as_alice.patch(f"/operations/{op.pk}", {"title": "New"}, key="p")
    assert response.json()["revision"] == 2
    op.refresh_from_db()
    assert op.revision == 2


def test_a_server_error_saves_nothing_so_a_retry_with_the_same_key_runs(as_alice, monkeypatch):
    real = customer_services.customer_create

    def create_then_fail(**kwargs):
        real(**kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(customer_services, "customer_create", create_then_fail)
    with pytest.raises(RuntimeError):
        as_alice.post("/customers", NEW, key="k")
    assert not Customer.objects.exists()
    assert not IdempotencyRecord.objects.exists()

    monkeypatch.setattr(customer_services, "customer_create", real)
    assert as_alice.post("/customers", NEW, key="k").status_code == 201
    assert Customer.objects.count() == 1


def test_an_empty_key_is_refused_with_a_hint(as_alice):
    response = as_alice.post("/customers", NEW, key="  ")
    assert response.status_code == 422
    assert "Idempotency-Key" in error_of(response)["fields"]
    assert not Customer.objects.exists()


def test_an_overlong_key_is_refused(as_alice):
    response = as_alice.post("/customers", NEW, key="k" * 201)
    assert response.status_code == 422
    assert not Customer.objects.exists()


def test_a_key_on_a_read_is_ignored(as_alice):
    response = as_alice.client.get("/api/v1/customers", headers={"Idempotency-Key": "k"})
    assert response.status_code == 200
    assert not IdempotencyRecord.objects.exists()


def test_a_request_that_fails_authentication_stores_nothing(db):
    response = ApiClient("sgf_wrong").post("/customers", NEW, key="k")
    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists()


def test_when_another_request_commits_the_key_first_its_answer_is_replayed(as_alice, monkeypatch):
    """The race where both looked the key up before either saved it: the unique key decides."""
    first = as_alice.post("/customers", NEW, key="race").json()
    real_filter = IdempotencyRecord.objects.filter

    class NotYetVisible:
        def first(self):
            return None

    calls = []

    def filter_missing_once(*args, **kwargs):
        if not calls:
            calls.append(1)
            return NotYetVisible()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(IdempotencyRecord.objects, "filter", filter_missing_once)
    again = as_alice.post("/customers", NEW, key="race")
    assert calls == [1]
    assert again.status_code == 201
    assert again.json() == first
    assert Customer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_create_one_customer(alice, shop, tmp_path):
    token = api_token_for(user=alice, shop=shop)
    db_settings = database_for_threads(tmp_path)
    start = threading.Barrier(2)

    def send():
        client = ApiClient(token)
        start.wait(timeout=10)
        response = client.post("/customers", NEW, key="twice")
        return response.status_code, response.json()["id"], response.get("Idempotent-Replayed")

    runs = [in_thread(db_settings, send) for _ in range(2)]
    for thread, _ in runs:
        thread.join(timeout=60)
    results = sorted((out[0] for _, out in runs), key=str)
    assert [r[:2] for r in results] == [(201, results[0][1])] * 2, results
    assert sorted(str(r[2]) for r in results) == ["None", "true"]
    thread, count = in_thread(db_settings, lambda: Customer.objects.count())
    thread.join(timeout=30)
    assert count == [1]


def test_every_staff_write_route_honours_idempotency_keys():
    """Routes added later must use @idempotent too (portal routes have no token to scope by)."""
    missing = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if not set(operation.methods) & {"POST", "PUT", "PATCH", "DELETE"}:
                    continue
                if not operation.auth_callbacks:
                    continue
                if not is_idempotent(operation):
                    missing.append(f"{operation.methods} {prefix}{path}")
    assert missing == [], f"Add @idempotent under the route decorator of: {missing}"


def _write_routes(shop):
    """Each staff write route of customers, repair orders and operations, with a valid body."""
    built = priced_ro(shop, contacts=[{"is_primary": True}], operations=[{}])
    ro, (contact,), (op,) = built.ro, built.contacts, built.operations
    customer, vehicle = ro.customer, ro.vehicle
    return [
        ("post", "/customers", NEW),
        ("patch", f"/customers/{customer.pk}", {"notes": "Fleet account"}),
        ("post", f"/customers/{customer.pk}/contacts", {"name": "Sam", "email": "s@example.com"}),
        ("patch", f"/contacts/{contact.pk}", {"relationship": "Owner"}),
        ("post", f"/customers/{customer.pk}/vehicles", {"unit_number": "T-9"}),
        ("patch", f"/vehicles/{vehicle.pk}", {"odometer": 50001}),
        ("post", "/repair-orders", {"customer_id": customer.pk}),
        ("patch", f"/repair-orders/{ro.pk}", {"notes": "Waiting"}),
        ("post", f"/repair-orders/{ro.pk}/operations/reorder", {"operation_ids": [op.pk]}),
        ("post", f"/repair-orders/{ro.pk}/operations", {"title": "Wipers"}),
        ("patch", f"/operations/{op.pk}", {"title": "Pads and rotors"}),
        ("delete", f"/operations/{op.pk}", None),
    ]


def test_every_write_route_replays_its_first_answer_and_changes_nothing_more(as_alice, shop):
    for method, path, body in _write_routes(shop):
        send = getattr(as_alice, method)
        args = (path,) if method == "delete" else (path, body)
        first = send(*args, key=f"{method} {path}")
        after_first = snapshot()
        again = send(*args, key=f"{method} {path}")
        assert first.status_code < 300, (method, path, first.content)
        assert (again.status_code, again.content) == (first.status_code, first.content), path
        assert again["Idempotent-Replayed"] == "true"
        assert snapshot() == after_first, f"{method} {path} ran twice"


def test_answers_older_than_the_window_are_forgotten_and_the_key_runs_anew(as_alice, settings):
    from datetime import timedelta

    from django.utils import timezone

    from signoff.api.idempotency import idempotency_records_purge

    settings.IDEMPOTENCY_KEY_DAYS = 7
    as_alice.post("/customers", NEW, key="old")
    as_alice.post("/customers", {**NEW, "name": "Kept"}, key="recent")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(days=8)
    )
    assert idempotency_records_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]
    assert as_alice.post("/customers", NEW, key="old").status_code == 201
    assert Customer.objects.filter(name=NEW["name"]).count() == 2
