"""Searching customers: by name, contact, email, phone, VIN, unit number or plate, through indexes."""

import pytest

from signoff.customers.models import Vehicle
from signoff.customers.selectors import customer_search
from tests.factories import ContactFactory, CustomerFactory, VehicleFactory
from tests.support.plans import assert_list_page_indexed, crowd, sqlite_only

VIN = "1FTFW1ET5DFC10312"


@pytest.fixture
def fleet(shop):
    """Rivera Logistics, its dispatcher, and a truck; plus a customer who matches nothing."""
    customer = CustomerFactory(shop=shop, name="Rivera Logistics", kind="business")
    ContactFactory(
        customer=customer,
        name="Sam Okafor",
        email="sam@rivera-logistics.example",
        mobile="+15035550142",
        phone="+15035550199",
    )
    VehicleFactory(customer=customer, vin=VIN, unit_number="Unit 7", license_plate="7XYZ001")
    CustomerFactory(shop=shop, name="Somebody Else")
    return customer


def _names(actor, query: str) -> list[str]:
    return [c.name for c in customer_search(actor=actor, query=query)]


@pytest.mark.parametrize(
    "query",
    [
        "rivera",
        "LOGIST",
        "okafor",
        "rivera-logistics.example",
        "(503) 555-0142",
        "555-0199",
        VIN,
        "DFC10312",
        "c10312",
        "unit 7",
        "7xyz001",
    ],
)
def test_a_customer_is_found_each_way_staff_search(owner, fleet, query):
    assert _names(owner, query) == ["Rivera Logistics"]


def test_a_customer_found_several_ways_is_listed_once(owner, shop, fleet):
    ContactFactory(customer=fleet, name="Rivera Dispatch")
    assert _names(owner, "rivera") == ["Rivera Logistics"]


def test_another_shops_customers_are_never_found(owner, other_shop, fleet):
    theirs = CustomerFactory(shop=other_shop, name="Rivera Logistics")
    ContactFactory(customer=theirs, email="sam@rivera-logistics.example")
    VehicleFactory(customer=theirs, vin=VIN, unit_number="Unit 7")
    for query in ("rivera", "sam@rivera", VIN, "DFC10312", "unit 7"):
        assert [c.shop_id for c in customer_search(actor=owner, query=query)] == [owner.shop.pk], (
            query
        )


def test_text_with_quotes_and_wildcards_is_taken_literally(owner, shop):
    CustomerFactory(shop=shop, name='Joe "The Wrench" 100% Auto_Body')
    CustomerFactory(shop=shop, name="Joe The Wrench 1000 AutoXBody")
    assert _names(owner, '"The Wrench"') == ['Joe "The Wrench" 100% Auto_Body']
    assert _names(owner, "100%") == ['Joe "The Wrench" 100% Auto_Body']
    assert _names(owner, "o_B") == ['Joe "The Wrench" 100% Auto_Body']


def test_a_vehicle_keeps_the_end_of_its_vin_for_search(shop):
    vehicle = VehicleFactory(customer=CustomerFactory(shop=shop), vin="1HGCM82633A004352")
    assert vehicle.vin_tail == "004352"
    vehicle.vin = "3AKJHHDR0KSKA7731"
    vehicle.save(update_fields=["vin"])
    assert Vehicle.objects.get(pk=vehicle.pk).vin_tail == "KA7731"


WAYS = {
    "name": ("rivera", "customers_customer_search", "customer_name_trgm"),
    "email": ("sam@rivera-lo", "customers_contact_search", "contact_text_trgm"),
    "phone": ("555-0142", "customers_contact_search", "contact_text_trgm"),
    "vin ending": ("DFC10312", "vehicle_vin_tail", "vehicle_vin_tail"),
    "unit number": ("unit 7", "vehicle_unit_number", "vehicle_unit_number"),
    "plate": ("7xyz001", "vehicle_plate", "vehicle_plate"),
}


def _assert_indexed(owner, query, index):
    search = customer_search(actor=owner, query=query)
    assert_list_page_indexed(search, index)


@sqlite_only
@pytest.mark.parametrize("way", WAYS)
def test_each_way_of_searching_reads_through_an_index_on_sqlite(owner, fleet, way):
    query, index, _ = WAYS[way]
    _assert_indexed(owner, query, index)


@pytest.mark.postgres_only
@pytest.mark.parametrize("way", WAYS)
def test_each_way_of_searching_reads_through_an_index_on_postgresql(owner, shop, fleet, way):
    crowd(shop)
    query, _, index = WAYS[way]
    _assert_indexed(owner, query, index)
