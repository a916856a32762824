"""The customer routes: list and search, create with a primary contact, read, edit, contacts and
vehicles."""

from signoff.customers.models import Contact, Customer, Vehicle
from tests.api.conftest import error_of
from tests.factories import ContactFactory, CustomerFactory, VehicleFactory

GOOD_VIN = "1HGCM82633A004352"


def new_customer(**overrides):
    body = {
        "kind": "individual",
        "name": "Dana Rivera",
        "primary": {"email": "dana@example.com", "mobile": "(503) 555-0142", "notify": "both"},
    }
    body.update(overrides)
    return body


def test_listing_customers_shows_only_this_shops_customers_with_a_count(as_alice, shop, other_shop):
    CustomerFactory(shop=shop, name="Avery")
    CustomerFactory(shop=shop, name="Blake")
    CustomerFactory(shop=other_shop, name="Outsider")
    response = as_alice.get("/customers")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [c["name"] for c in body["items"]] == ["Avery", "Blake"]


def test_q_searches_customers_by_contact_email(as_alice, shop):
    ContactFactory(customer=CustomerFactory(shop=shop, name="Avery"), email="avery@fleet.example")
    CustomerFactory(shop=shop, name="Blake")
    body = as_alice.get("/customers", q="fleet.example").json()
    assert [c["name"] for c in body["items"]] == ["Avery"]


def test_limit_and_offset_page_through_customers(as_alice, shop):
    for name in ["A", "B", "C"]:
        CustomerFactory(shop=shop, name=name)
    body = as_alice.get("/customers", limit=2, offset=1).json()
    assert body["count"] == 3
    assert [c["name"] for c in body["items"]] == ["B", "C"]


def test_technicians_may_read_customers(as_bob, shop):
    CustomerFactory(shop=shop)
    assert as_bob.get("/customers").status_code == 200


def test_creating_an_individual_makes_the_primary_contact_in_e164(as_carol, shop):
    response = as_carol.post("/customers", new_customer())
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Dana Rivera"
    [primary] = body["contacts"]
    assert primary["is_primary"] is True
    assert primary["name"] == "Dana Rivera"  # an individual's primary contact is themselves
    assert primary["mobile"] == "+15035550142"
    assert Contact.objects.get(pk=primary["id"]).shop == shop


def test_a_bad_primary_email_names_the_field_and_saves_nothing(as_alice):
    response = as_alice.post(
        "/customers", new_customer(primary={"email": "dana@", "notify": "email"})
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert "not a valid email address" in error["fields"]["primary.email"]
    assert not Customer.objects.exists()


def test_a_business_needs_a_named_primary_contact(as_alice):
    response = as_alice.post(
        "/customers", new_customer(kind="business", name="Acme Fleet", primary={"email": "a@b.co"})
    )
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"primary.name": "Enter the contact's name."}


def test_a_blank_name_is_refused_with_the_services_message(as_alice):
    response = as_alice.post("/customers", new_customer(name="  "))
    assert response.status_code == 422
    assert "Enter the customer's name" in error_of(response)["fields"]["name"]


def test_wrong_types_and_missing_fields_come_back_in_the_error_shape(as_alice):
    response = as_alice.post("/customers", {"kind": "alien", "primary": {"notify": 7}})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"kind", "name", "primary.notify"}
    assert error["fields"]["name"] == "This field is required."


def test_a_body_that_is_not_json_is_refused_in_the_error_shape(as_alice):
    response = as_alice.post("/customers", "{not json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "bad_request"
    assert "not valid JSON" in error["message"]


def test_technicians_cannot_create_customers(as_bob):
    response = as_bob.post("/customers", new_customer())
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert not Customer.objects.exists()


def test_reading_a_customer_shows_contacts_primary_first_and_vehicles(as_alice, shop):
    customer = CustomerFactory(shop=shop, name="Avery")
    ContactFactory(customer=customer, name="Second", relationship="Spouse", position=1)
    ContactFactory(customer=customer, name="Avery", is_primary=True)
    VehicleFactory(customer=customer, unit_number="T-12")
    response = as_alice.get(f"/customers/{customer.pk}")
    assert response.status_code == 200
    body = response.json()
    assert [c["name"] for c in body["contacts"]] == ["Avery", "Second"]
    assert body["contacts"][1]["relationship"] == "Spouse"
    assert body["vehicles"][0]["description"] == "2019 Honda Accord (unit T-12)"


def test_another_shops_customer_is_not_found(as_charlie, shop):
    customer = CustomerFactory(shop=shop)
    for response in (
        as_charlie.get(f"/customers/{customer.pk}"),
        as_charlie.patch(f"/customers/{customer.pk}", {"name": "Stolen"}),
    ):
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    customer.refresh_from_db()
    assert customer.name != "Stolen"


def test_patching_a_customer_changes_only_the_fields_sent(as_alice, shop):
    customer = CustomerFactory(shop=shop, name="Avery", notes="Prefers mornings")
    response = as_alice.patch(f"/customers/{customer.pk}", {"kind": "business"})
    assert response.status_code == 200
    assert response.json()["kind"] == "business"
    customer.refresh_from_db()
    assert (customer.name, customer.notes) == ("Avery", "Prefers mornings")


def test_patching_a_customer_validates_like_the_staff_form(as_alice, shop):
    customer = CustomerFactory(shop=shop)
    response = as_alice.patch(f"/customers/{customer.pk}", {"name": ""})
    assert response.status_code == 422
    assert "name" in error_of(response)["fields"]


def test_technicians_cannot_edit_customers(as_bob, shop):
    customer = CustomerFactory(shop=shop, name="Avery")
    assert as_bob.patch(f"/customers/{customer.pk}", {"name": "X"}).status_code == 403


def test_adding_a_contact_with_a_relationship(as_alice, shop):
    customer = CustomerFactory(shop=shop)
    response = as_alice.post(
        f"/customers/{customer.pk}/contacts",
        {
            "name": "Sam",
            "relationship": "Fleet manager",
            "mobile": "503-555-0199",
            "notify": "text",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["is_primary"], body["relationship"], body["mobile"]) == (
        False,
        "Fleet manager",
        "+15035550199",
    )
    assert body["customer_id"] == customer.pk


def test_a_contact_who_prefers_texts_needs_a_valid_mobile(as_alice, shop):
    customer = CustomerFactory(shop=shop)
    response = as_alice.post(
        f"/customers/{customer.pk}/contacts", {"name": "Sam", "mobile": "123", "notify": "text"}
    )
    assert response.status_code == 422
    assert "not a valid phone number" in error_of(response)["fields"]["mobile"]
    assert not Contact.objects.filter(name="Sam").exists()


def test_adding_a_contact_to_another_shops_customer_is_not_found(as_charlie, shop):
    customer = CustomerFactory(shop=shop)
    response = as_charlie.post(
        f"/customers/{customer.pk}/contacts", {"name": "Sam", "email": "sam@example.com"}
    )
    assert response.status_code == 404
    assert not Contact.objects.filter(name="Sam").exists()


def test_technicians_cannot_add_contacts(as_bob, shop):
    customer = CustomerFactory(shop=shop)
    response = as_bob.post(
        f"/customers/{customer.pk}/contacts", {"name": "Sam", "email": "sam@example.com"}
    )
    assert response.status_code == 403


def test_editing_a_contact_keeps_what_was_not_sent(as_alice, shop):
    contact = ContactFactory(customer=CustomerFactory(shop=shop), email="old@example.com")
    response = as_alice.patch(f"/contacts/{contact.pk}", {"relationship": "Son"})
    assert response.status_code == 200
    assert response.json()["relationship"] == "Son"
    assert response.json()["email"] == "old@example.com"


def test_editing_a_contact_to_an_invalid_email_is_refused(as_alice, shop):
    contact = ContactFactory(customer=CustomerFactory(shop=shop))
    response = as_alice.patch(f"/contacts/{contact.pk}", {"email": "nope"})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"email"}


def test_another_shops_contact_is_not_found(as_charlie, shop):
    contact = ContactFactory(customer=CustomerFactory(shop=shop))
    assert as_charlie.patch(f"/contacts/{contact.pk}", {"name": "X"}).status_code == 404


def test_technicians_cannot_edit_contacts(as_bob, shop):
    contact = ContactFactory(customer=CustomerFactory(shop=shop))
    assert as_bob.patch(f"/contacts/{contact.pk}", {"name": "X"}).status_code == 403


def test_adding_a_vehicle_warns_about_a_vin_check_digit_that_does_not_match(as_alice, shop):
    customer = CustomerFactory(shop=shop)
    response = as_alice.post(
        f"/customers/{customer.pk}/vehicles",
        {"vin": "1HGCM82635A004352", "year": 2019, "make": "Honda", "model": "Accord"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["vin"] == "1HGCM82635A004352"
    assert "check digit" in body["warnings"][0]
    assert Vehicle.objects.get(pk=body["id"]).customer == customer


def test_a_vin_with_the_letter_i_is_refused(as_alice, shop):
    customer = CustomerFactory(shop=shop)
    response = as_alice.post(f"/customers/{customer.pk}/vehicles", {"vin": "1HGCM8263IA004352"})
    assert response.status_code == 422
    assert "never contains I" in error_of(response)["fields"]["vin"]


def test_adding_a_vehicle_to_another_shops_customer_is_not_found(as_charlie, shop):
    customer = CustomerFactory(shop=shop)
    response = as_charlie.post(f"/customers/{customer.pk}/vehicles", {"vin": GOOD_VIN})
    assert response.status_code == 404
    assert not Vehicle.objects.exists()


def test_technicians_cannot_add_vehicles(as_bob, shop):
    customer = CustomerFactory(shop=shop)
    assert as_bob.post(f"/customers/{customer.pk}/vehicles", {"vin": GOOD_VIN}).status_code == 403


def test_editing_a_vehicle_updates_the_odometer(as_alice, shop):
    vehicle = VehicleFactory(customer=CustomerFactory(shop=shop), odometer=1000)
    response = as_alice.patch(f"/vehicles/{vehicle.pk}", {"odometer": 51234})
    assert response.status_code == 200
    assert response.json()["odometer"] == 51234
    assert response.json()["vin"] == vehicle.vin


def test_editing_a_vehicle_with_a_year_out_of_range_is_refused(as_alice, shop):
    vehicle = VehicleFactory(customer=CustomerFactory(shop=shop))
    response = as_alice.patch(f"/vehicles/{vehicle.pk}", {"year": 1800})
    assert response.status_code == 422
    assert "year" in error_of(response)["fields"]


def test_another_shops_vehicle_is_not_found_and_technicians_cannot_edit(as_charlie, as_bob, shop):
    vehicle = VehicleFactory(customer=CustomerFactory(shop=shop))
    assert as_charlie.patch(f"/vehicles/{vehicle.pk}", {"make": "X"}).status_code == 404
    assert as_bob.patch(f"/vehicles/{vehicle.pk}", {"make": "X"}).status_code == 403


def test_a_nul_character_in_text_is_refused_naming_the_field(as_alice):
    response = as_alice.post("/customers", new_customer(primary={"name": "Da\u0000na"}))
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["primary.name"]
    assert not Customer.objects.exists()


def test_a_nul_character_in_the_search_is_refused(as_alice):
    response = as_alice.get("/customers", q="a\u0000")
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["q"]
