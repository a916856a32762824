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
            "etr": "2026-12-01T09:00",
            "internal_notes": "Parts arrive Monday",
        },
        headers=HTMX,
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="ro-header"')
    assert "Parts arrive Monday" in body
    assert "Tue, Dec 1, 2026, 9:00 AM" in body
    ro.refresh_from_db()
    assert ro.internal_notes == "Parts arrive Monday"


def test_the_edit_form_shows_the_etr_in_the_shops_time_zone(alice_client, shop):
    ro = RepairOrderFactory(shop=shop, etr=datetime(2026, 11, 25, 0, 30, tzinfo=ZoneInfo("UTC")))
    body = alice_client.get(f"/ros/{ro.pk}/edit/").content.decode()
    assert 'value="2026-11-24T16:30"' in body


def test_editing_the_header_without_js_redirects_to_the_ro(alice_client, shop):
    ro = RepairOrderFactory(shop=shop)
    response = alice_client.post(f"/ros/{ro.pk}/edit/", {"vehicle_id": ""})
    assert response["Location"] == f"/ros/{ro.pk}/"
    ro.refresh_from_db()
    assert ro.vehicle is None


def test_the_header_offers_the_moves_the_status_allows_and_makes_them_in_place(alice_client, shop):
    ro = RepairOrderFactory(shop=shop, status="approved")
    page = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    assert 'data-ro-status="approved"' in page and ">Start work</button>" in page
    assert "Mark ready for pickup" not in page
    response = alice_client.post(f"/ros/{ro.pk}/status/", {"to": "in_progress"}, headers=HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<span id="ro-status"')
    assert 'data-ro-status="in_progress"' in body and "Mark ready for pickup" in body
    assert f"RO {ro.number} is now Work in progress." in body  # the flash, out of band
    assert "signoff:ro-changed" in response["HX-Trigger-After-Settle"]
    history = alice_client.get(f"/ros/{ro.pk}/parts/status_history/").content.decode()
    assert "Work in progress" in history and "Start work" in history


def test_a_move_the_status_does_not_allow_says_why_on_the_ro_page(alice_client, shop):
    ro = RepairOrderFactory(shop=shop)
    response = alice_client.post(f"/ros/{ro.pk}/status/", {"to": "completed"}, follow=True)
    body = response.content.decode()
    assert "An RO that is Estimate cannot move to Completed." in body
    ro.refresh_from_db()
    assert ro.status == "estimate"


def test_a_technician_cannot_move_an_ro(client_for, bob, shop):
    ro = RepairOrderFactory(shop=shop, status="approved")
    response = client_for(bob).post(f"/ros/{ro.pk}/status/", {"to": "in_progress"})
    assert response.status_code == 403
    ro.refresh_from_db()
    assert ro.status == "approved"
