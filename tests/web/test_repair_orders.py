from datetime import datetime
from zoneinfo import ZoneInfo

from signoff.orders.models import RepairOrder
from tests.factories import CustomerFactory, RepairOrderFactory, VehicleFactory
from tests.web.conftest import HTMX


def test_new_ro_starts_by_choosing_a_customer(alice_client, shop):
    customer = CustomerFactory(shop=shop, name="Maria Lopez")
    body = alice_client.get("/ros/new/", {"q": "maria"}).content.decode()
    assert f'href="?customer={customer.pk}"' in body


def test_the_new_ro_form_offers_the_customers_vehicles_and_the_shops_advisors(
    alice_client, shop, carol
):
    customer = CustomerFactory(shop=shop)
    vehicle = VehicleFactory(customer=customer, make="Honda", model="CR-V")
    VehicleFactory(customer=CustomerFactory(shop=shop), make="Other", model="Car")
    body = alice_client.get("/ros/new/", {"customer": customer.pk}).content.decode()
    assert f'value="{vehicle.pk}" selected' in body  # the only vehicle is pre-selected
    assert "Other Car" not in body
    assert carol.get_full_name() in body
    assert 'type="datetime-local"' in body
    assert "America/Los_Angeles" in body


def test_creating_an_ro_reads_the_etr_in_the_shops_time_zone(alice_client, shop, alice):
    customer = CustomerFactory(shop=shop)
    vehicle = VehicleFactory(customer=customer)
    response = alice_client.post(
        "/ros/new/",
        {
            "customer": customer.pk,
            "vehicle_id": vehicle.pk,
            "advisor_id": alice.pk,
            "status": "estimate",
            "etr": "2026-11-24T16:30",
            "internal_notes": "Waiting",
        },
    )
    ro = RepairOrder.objects.get(customer=customer)
    assert response["Location"] == f"/ros/{ro.pk}/"
    assert ro.number == 1001
    assert ro.etr == datetime(2026, 11, 24, 16, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert ro.vehicle == vehicle and ro.advisor == alice and ro.internal_notes == "Waiting"


def test_a_bad_etr_is_reported_on_the_field_and_no_ro_is_made(alice_client, shop):
    customer = CustomerFactory(shop=shop)
    response = alice_client.post(
        "/ros/new/", {"customer": customer.pk, "status": "estimate", "etr": "tomorrow-ish"}
    )
    assert response.status_code == 200
    assert "Enter the ETR as a date and time" in response.content.decode()
    assert not RepairOrder.objects.exists()


def test_another_shops_customer_cannot_get_an_ro(alice_client, other_shop):
    stranger = CustomerFactory(shop=other_shop)
    assert alice_client.get("/ros/new/", {"customer": stranger.pk}).status_code == 404


def test_editing_the_header_in_place_returns_the_new_header(alice_client, shop):
    ro = RepairOrderFactory(shop=shop)
    form = alice_client.get(f"/ros/{ro.pk}/edit/", headers=HTMX).content.decode()
    assert "<html" not in form and 'hx-target="#ro-header"' in form
    response = alice_client.post(
        f"/ros/{ro.pk}/edit/",
        {
            "vehicle_id": ro.vehicle_id,
            "status": "in_progress",
            "etr": "2026-12-01T09:00",
            "internal_notes": "Parts arrive Monday",
        },
        headers=HTMX,
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="ro-header"')
    assert "Work in progress" in body and "Parts arrive Monday" in body
    assert "Tue, Dec 1, 2026, 9:00 AM" in body
    ro.refresh_from_db()
    assert ro.status == "in_progress"


def test_the_edit_form_shows_the_etr_in_the_shops_time_zone(alice_client, shop):
    ro = RepairOrderFactory(shop=shop, etr=datetime(2026, 11, 25, 0, 30, tzinfo=ZoneInfo("UTC")))
    body = alice_client.get(f"/ros/{ro.pk}/edit/").content.decode()
    assert 'value="2026-11-24T16:30"' in body


def test_editing_the_header_without_js_redirects_to_the_ro(alice_client, shop):
    ro = RepairOrderFactory(shop=shop)
    response = alice_client.post(f"/ros/{ro.pk}/edit/", {"status": "closed", "vehicle_id": ""})
    assert response["Location"] == f"/ros/{ro.pk}/"
    ro.refresh_from_db()
    assert ro.status == "closed" and ro.vehicle is None
