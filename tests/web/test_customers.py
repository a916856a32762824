import re

from signoff.customers.models import Contact, Customer, Vehicle
from tests.factories import ContactFactory, CustomerFactory, VehicleFactory

CUSTOMER_LINK = re.compile(r'href="/customers/\d+/"')


def new_customer(**overrides):
    data = {
        "kind": "individual",
        "name": "Maria Lopez",
        "notes": "",
        "primary-name": "",
        "primary-relationship": "",
        "primary-email": "Maria@Example.com",
        "primary-mobile": "(323) 555-0123",
        "primary-phone": "",
        "primary-preferred_number": "mobile",
        "primary-notify": "both",
        "primary-language": "es",
    }
    data.update(overrides)
    return data


def contact_form(**overrides):
    data = {
        "name": "Daniel Lopez",
        "relationship": "Spouse",
        "email": "daniel@example.com",
        "mobile": "323-555-0188",
        "phone": "",
        "preferred_number": "mobile",
        "notify": "text",
        "language": "en",
    }
    data.update(overrides)
    return data


def test_creating_an_individual_makes_their_primary_contact(alice_client, shop):
    response = alice_client.post("/customers/new/", new_customer())
    customer = Customer.objects.get(shop=shop, name="Maria Lopez")
    assert response["Location"] == f"/customers/{customer.pk}/"
    contact = customer.contacts.get()
    assert contact.is_primary and contact.name == "Maria Lopez"
    assert contact.email == "maria@example.com"
    assert contact.mobile == "+13235550123"
    assert (contact.notify, contact.language) == ("both", "es")


def test_creating_a_business_takes_the_contacts_own_name(alice_client, shop):
    data = new_customer(
        kind="business",
        name="Cascade Freight Lines",
        **{"primary-name": "Priya Natarajan", "primary-relationship": "Fleet manager"},
    )
    alice_client.post("/customers/new/", data)
    customer = Customer.objects.get(name="Cascade Freight Lines")
    assert customer.kind == "business"
    assert customer.contacts.get().name == "Priya Natarajan"


def test_a_bad_email_and_phone_are_reported_on_their_fields_and_nothing_is_saved(
    alice_client, shop
):
    data = new_customer(**{"primary-email": "maria@", "primary-mobile": "555-01"})
    response = alice_client.post("/customers/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "is not a valid email address" in body
    assert "is not a phone number" in body or "is not a valid phone number" in body
    assert 'value="maria@"' in body  # what was typed stays in the form
    assert body.count('class="field-error"') == 2
    assert not Customer.objects.exists()
    assert not Contact.objects.exists()


def test_a_missing_customer_name_is_reported_on_the_name_field(alice_client, shop):
    body = alice_client.post("/customers/new/", new_customer(name="")).content.decode()
    assert "Enter the customer&#x27;s name" in body
    assert not Customer.objects.exists()


def test_the_customer_page_shows_contacts_with_formatted_numbers_and_vehicles(alice_client, shop):
    customer = CustomerFactory(shop=shop, name="Maria Lopez")
    ContactFactory(customer=customer, is_primary=True, name="Maria Lopez", mobile="+13235550123")
    ContactFactory(
        customer=customer, name="Daniel Lopez", relationship="Spouse", phone="+12135550147"
    )
    VehicleFactory(customer=customer, unit_number="2417", license_plate="8KXR214")
    body = alice_client.get(f"/customers/{customer.pk}/").content.decode()
    assert "(323) 555-0123" in body and "(213) 555-0147" in body
    assert "+13235550123" not in body.replace('href="tel:+13235550123"', "")
    assert "Primary" in body and "Spouse" in body
    assert "1HGCM82633A004352" in body and "2417" in body and "8KXR214" in body


def test_editing_a_customer(alice_client, shop):
    customer = CustomerFactory(shop=shop, name="Old Name")
    response = alice_client.post(
        f"/customers/{customer.pk}/edit/", {"kind": "business", "name": "New Name", "notes": "x"}
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.kind, customer.name, customer.notes) == ("business", "New Name", "x")


def test_adding_an_additional_contact(alice_client, shop):
    customer = CustomerFactory(shop=shop)
    ContactFactory(customer=customer, is_primary=True)
    response = alice_client.post(f"/customers/{customer.pk}/contacts/new/", contact_form())
    assert response.status_code == 302
    daniel = customer.contacts.get(name="Daniel Lopez")
    assert not daniel.is_primary
    assert (daniel.relationship, daniel.mobile, daniel.notify) == ("Spouse", "+13235550188", "text")


def test_a_contact_who_wants_texts_needs_a_mobile(alice_client, shop):
    customer = CustomerFactory(shop=shop)
    response = alice_client.post(f"/customers/{customer.pk}/contacts/new/", contact_form(mobile=""))
    assert "prefers text messages: enter a mobile number" in response.content.decode()
    assert not customer.contacts.exists()


def test_the_contact_edit_form_shows_numbers_formatted_and_saves_changes(alice_client, shop):
    contact = ContactFactory(customer=CustomerFactory(shop=shop), mobile="+13235550123")
    body = alice_client.get(f"/contacts/{contact.pk}/edit/").content.decode()
    assert 'value="(323) 555-0123"' in body
    alice_client.post(
        f"/contacts/{contact.pk}/edit/", contact_form(name="Renamed", notify="both", phone="")
    )
    contact.refresh_from_db()
    assert (contact.name, contact.notify) == ("Renamed", "both")


def test_making_a_contact_primary(alice_client, shop):
    customer = CustomerFactory(shop=shop)
    first = ContactFactory(customer=customer, is_primary=True)
    second = ContactFactory(customer=customer)
    alice_client.post(f"/contacts/{second.pk}/make-primary/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_primary and not first.is_primary


def test_adding_a_vehicle_with_a_wrong_check_digit_saves_it_and_warns(alice_client, shop):
    customer = CustomerFactory(shop=shop)
    response = alice_client.post(
        f"/customers/{customer.pk}/vehicles/new/",
        {"vin": "1hgcm82633a004353", "year": "2003", "make": "Honda", "model": "Accord"},
        follow=True,
    )
    body = response.content.decode()
    assert "check digit" in body
    assert "flash-warning" in body
    assert Vehicle.objects.get(customer=customer).vin == "1HGCM82633A004353"


def test_a_vin_of_the_wrong_length_is_refused_on_the_vin_field(alice_client, shop):
    customer = CustomerFactory(shop=shop)
    response = alice_client.post(
        f"/customers/{customer.pk}/vehicles/new/", {"vin": "1HGCM826", "make": "Honda"}
    )
    assert "A VIN has 17 characters; this one has 8." in response.content.decode()
    assert not Vehicle.objects.exists()


def test_editing_a_vehicle(alice_client, shop):
    vehicle = VehicleFactory(customer=CustomerFactory(shop=shop))
    alice_client.post(
        f"/vehicles/{vehicle.pk}/edit/",
        {"vin": vehicle.vin, "make": "Honda", "model": "Accord", "odometer": "50,120"},
    )
    vehicle.refresh_from_db()
    assert vehicle.odometer == 50120


def test_the_customer_list_searches_and_paginates(alice_client, shop):
    for i in range(30):
        CustomerFactory(shop=shop, name=f"Customer {i:02d}")
    CustomerFactory(shop=shop, name="Zed Unique")
    first = alice_client.get("/customers/").content.decode()
    assert len(CUSTOMER_LINK.findall(first)) == 25
    found = alice_client.get("/customers/", {"q": "unique"}).content.decode()
    assert len(CUSTOMER_LINK.findall(found)) == 1 and "Zed Unique" in found


def test_the_customer_list_makes_as_many_queries_for_60_customers_as_for_2(
    alice_client, shop, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            customer = CustomerFactory(shop=shop)
            ContactFactory(customer=customer, is_primary=True)
            VehicleFactory(customer=customer)

    add(2)
    with django_assert_max_num_queries(100) as ctx:
        alice_client.get("/customers/")
    add(58)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        alice_client.get("/customers/")


def field_error(body: str, field_id: str) -> str:
    """The message shown under one field (its `<p id="<field>_error">`), or '' when none."""
    match = re.search(rf'<p class="field-error" id="{field_id}_error">(.*?)</p>', body)
    return match.group(1) if match else ""


def test_a_new_contacts_bad_email_and_mobile_are_each_explained_under_their_own_field(
    alice_client, shop
):
    customer = CustomerFactory(shop=shop)
    response = alice_client.post(
        f"/customers/{customer.pk}/contacts/new/",
        contact_form(email="daniel@", mobile="555-01", notify="both"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "“daniel@” is not a valid email address, e.g. name@example.com." in field_error(
        body, "id_email"
    )
    assert "“555-01” is not a valid phone number" in field_error(body, "id_mobile")
    assert field_error(body, "id_name") == "" and field_error(body, "id_phone") == ""
    assert "nothing was saved" in body
    assert not Contact.objects.filter(customer=customer).exists()


def test_a_vin_with_an_o_is_explained_under_the_vin_field_and_nothing_is_saved(alice_client, shop):
    customer = CustomerFactory(shop=shop)
    response = alice_client.post(
        f"/customers/{customer.pk}/vehicles/new/",
        {"vin": "1HGCM82633A00435O", "year": "2003", "make": "Honda"},
    )
    body = response.content.decode()
    assert "A VIN never contains O" in field_error(body, "id_vin")
    assert 'value="1HGCM82633A00435O"' in body
    assert not Vehicle.objects.exists()


def test_editing_a_contact_with_a_bad_number_keeps_the_stored_one(alice_client, shop):
    contact = ContactFactory(customer=CustomerFactory(shop=shop), mobile="+13235550123")
    response = alice_client.post(
        f"/contacts/{contact.pk}/edit/", contact_form(name=contact.name, mobile="12")
    )
    assert "is not" in field_error(response.content.decode(), "id_mobile")
    contact.refresh_from_db()
    assert contact.mobile == "+13235550123"
