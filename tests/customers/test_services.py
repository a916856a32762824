import pytest

from signoff.core.errors import NotAllowed, NotFound, ValidationFailed
from signoff.customers.models import Contact, Customer, Vehicle
from signoff.customers.selectors import customer_get, customer_search
from signoff.customers.services import (
    contact_add,
    contact_make_primary,
    contact_update,
    customer_create,
    customer_update,
    vehicle_add,
    vehicle_update,
)
from tests.factories import ContactFactory, CustomerFactory, VehicleFactory


def test_customer_create_makes_the_primary_contact_in_one_go(owner):
    customer = customer_create(
        actor=owner,
        data={"kind": "individual", "name": " Maria Lopez "},
        primary={"email": "maria@example.com", "mobile": "3235550123", "notify": "both"},
    )
    contact = customer.contacts.get()
    assert customer.name == "Maria Lopez"
    assert (contact.name, contact.is_primary, contact.mobile) == (
        "Maria Lopez",
        True,
        "+13235550123",
    )


def test_customer_create_reports_customer_and_contact_problems_together(owner):
    with pytest.raises(ValidationFailed) as exc:
        customer_create(
            actor=owner,
            data={"kind": "business", "name": ""},
            primary={"name": "", "email": "nope", "notify": "email"},
        )
    assert set(exc.value.fields) == {"name", "primary.name", "primary.email"}
    assert "nothing was saved" in exc.value.message
    assert not Customer.objects.exists() and not Contact.objects.exists()


def test_an_empty_person_form_asks_for_the_name_once_and_for_the_preferred_channel(owner):
    with pytest.raises(ValidationFailed) as exc:
        customer_create(
            actor=owner, data={"kind": "individual", "name": ""}, primary={"notify": "both"}
        )
    # The contact takes the person's name, so only the customer's name field is flagged.
    assert set(exc.value.fields) == {"name", "primary.email", "primary.mobile"}
    assert "prefers email" in exc.value.fields["primary.email"]
    assert not Customer.objects.exists()


def test_every_contact_problem_is_reported_in_one_go(owner, shop):
    customer = CustomerFactory(shop=shop)
    with pytest.raises(ValidationFailed) as exc:
        contact_add(
            actor=owner,
            customer_id=customer.pk,
            data={"name": "", "email": "", "mobile": "12", "notify": "both"},
        )
    fields = exc.value.fields
    assert set(fields) == {"name", "email", "mobile"}
    assert "prefers email" in fields["email"]
    assert "“12” is not a valid phone number" in fields["mobile"]  # not the preference message
    assert not Contact.objects.exists()


def test_a_technician_cannot_create_customers(technician):
    with pytest.raises(NotAllowed):
        customer_create(actor=technician, data={"name": "X"}, primary={"email": "x@y.io"})


def test_customer_update_keeps_fields_that_are_not_sent(owner, shop):
    customer = CustomerFactory(shop=shop, name="Old", notes="keep me")
    customer_update(actor=owner, customer_id=customer.pk, data={"name": "New"})
    customer.refresh_from_db()
    assert (customer.name, customer.notes) == ("New", "keep me")


def test_another_shops_customer_is_not_found(outsider, shop):
    customer = CustomerFactory(shop=shop)
    with pytest.raises(NotFound):
        customer_update(actor=outsider, customer_id=customer.pk, data={"name": "Mine"})
    with pytest.raises(NotFound):
        contact_add(actor=outsider, customer_id=customer.pk, data={"name": "x", "email": "x@y.io"})
    with pytest.raises(NotFound):
        customer_get(actor=outsider, customer_id=customer.pk)


def test_contact_add_puts_additional_contacts_after_the_primary(owner, shop):
    customer = CustomerFactory(shop=shop)
    ContactFactory(customer=customer, is_primary=True)
    daniel = contact_add(
        actor=owner,
        customer_id=customer.pk,
        data={
            "name": "Daniel",
            "relationship": "Spouse",
            "mobile": "323 555 0188",
            "notify": "text",
        },
    )
    assert not daniel.is_primary and daniel.position == 1
    assert list(customer.contacts.all())[-1] == daniel


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"notify": "email", "email": ""}, "email", "prefers email"),
        ({"notify": "text", "mobile": ""}, "mobile", "prefers text messages"),
        ({"notify": "both", "email": "a@b.io", "mobile": ""}, "mobile", "prefers text"),
        ({"notify": "pigeon"}, "notify", "Choose email, text, or both."),
        ({"language": "fr"}, "language", "English, Spanish or no preference"),
        ({"mobile": "12"}, "mobile", "phone number"),
    ],
)
def test_contact_rules_name_the_field_and_the_fix(owner, shop, data, field, message):
    customer = CustomerFactory(shop=shop)
    with pytest.raises(ValidationFailed) as exc:
        contact_add(actor=owner, customer_id=customer.pk, data={"name": "Pat", **data})
    assert message in exc.value.fields[field]
    assert not customer.contacts.exists()


def test_contact_update_changes_only_what_is_sent(owner, shop):
    contact = ContactFactory(customer=CustomerFactory(shop=shop), relationship="Spouse")
    contact_update(actor=owner, contact_id=contact.pk, data={"name": "Renamed"})
    contact.refresh_from_db()
    assert (contact.name, contact.relationship) == ("Renamed", "Spouse")


def test_contact_make_primary_leaves_exactly_one_primary(owner, shop):
    customer = CustomerFactory(shop=shop)
    first = ContactFactory(customer=customer, is_primary=True)
    second = ContactFactory(customer=customer)
    contact_make_primary(actor=owner, contact_id=second.pk)
    assert list(customer.contacts.filter(is_primary=True)) == [second]
    first.refresh_from_db()
    assert not first.is_primary


def test_vehicle_add_normalises_and_warns_on_the_check_digit(owner, shop):
    customer = CustomerFactory(shop=shop)
    vehicle = vehicle_add(
        actor=owner,
        customer_id=customer.pk,
        data={
            "vin": "1hgcm82643a004352",
            "year": "2003",
            "license_plate": "8kxr214",
            "odometer": "61,842",
        },
    )
    assert vehicle.vin == "1HGCM82643A004352"
    assert vehicle.license_plate == "8KXR214"
    assert vehicle.odometer == 61842
    assert "check digit" in vehicle.warnings[0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"vin": "", "make": "", "model": "", "unit_number": ""}, "vin"),
        ({"make": "Ford", "year": "nineteen"}, "year"),
        ({"make": "Ford", "year": "1850"}, "year"),
        ({"make": "Ford", "odometer": "-5"}, "odometer"),
    ],
)
def test_vehicle_problems_are_field_messages_and_nothing_is_saved(owner, shop, data, field):
    customer = CustomerFactory(shop=shop)
    with pytest.raises(ValidationFailed) as exc:
        vehicle_add(actor=owner, customer_id=customer.pk, data=data)
    assert field in exc.value.fields
    assert not Vehicle.objects.exists()


def test_vehicle_update_in_another_shop_is_not_found(outsider, shop):
    vehicle = VehicleFactory(customer=CustomerFactory(shop=shop))
    with pytest.raises(NotFound):
        vehicle_update(actor=outsider, vehicle_id=vehicle.pk, data={"make": "Mine"})


def test_customer_search_matches_names_contacts_vins_units_and_typed_phone_numbers(owner, shop):
    maria = CustomerFactory(shop=shop, name="Maria Lopez")
    ContactFactory(customer=maria, name="Daniel Lopez", mobile="+13235550188")
    fleet = CustomerFactory(shop=shop, name="Cascade Freight")
    VehicleFactory(customer=fleet, vin="3AKJHHDR0KSKA7731", unit_number="2417")
    CustomerFactory(shop=shop, name="Someone Else")

    def names(query):
        return [c.name for c in customer_search(actor=owner, query=query)]

    assert names("lopez") == ["Maria Lopez"]
    assert names("daniel") == ["Maria Lopez"]
    assert names("(323) 555-0188") == ["Maria Lopez"]
    assert names("ksKA7731") == ["Cascade Freight"]
    assert names("2417") == ["Cascade Freight"]
    assert len(names("")) == 3


def test_customer_search_never_returns_another_shops_customers(outsider, shop):
    CustomerFactory(shop=shop, name="Maria Lopez")
    assert list(customer_search(actor=outsider, query="Maria")) == []
