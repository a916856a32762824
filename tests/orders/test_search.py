"""Searching repair orders: each way staff search finds the RO, and reads through an index."""

import pytest

from signoff.core.paging import count_bounded
from signoff.customers.models import Customer
from signoff.orders.selectors import repair_order_search
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    RepairOrderFactory,
    VehicleFactory,
)
from tests.support.plans import assert_list_page_indexed, crowd, sqlite_only

FLEET_VIN = "3AKJHHDR0KSKA7731"


@pytest.fixture
def fleet_ro(shop):
    """RO 2044 of Ada Byron's fleet truck (unit T-12), and RO 3055 of someone else."""
    ada = CustomerFactory(shop=shop, name="Ada Byron", kind="business")
    ContactFactory(customer=ada, name="Dispatch Desk", email="dispatch@byron-haulage.example")
    truck = VehicleFactory(customer=ada, vin=FLEET_VIN, unit_number="T-12", license_plate="8ABC123")
    ro = RepairOrderFactory(shop=shop, customer=ada, vehicle=truck, number=2044)
    RepairOrderFactory(shop=shop, number=3055)
    return ro


def _numbers(actor, query: str) -> list[int]:
    return [ro.number for ro in repair_order_search(actor=actor, query=query)]


@pytest.mark.parametrize("query", ["2044", "RO 2044", "ro-2044", "#2044", " RO2044 "])
def test_an_ro_is_found_by_its_number_however_staff_write_it(owner, fleet_ro, query):
    assert _numbers(owner, query) == [2044]


@pytest.mark.parametrize("query", [FLEET_VIN, FLEET_VIN.lower(), "KA7731", "SKA7731", "KSKA7731"])
def test_an_ro_is_found_by_its_vin_or_the_vins_last_six_to_eight_characters(owner, fleet_ro, query):
    assert _numbers(owner, query) == [2044]


@pytest.mark.parametrize("query", ["T-12", "t-12", "8abc123"])
def test_an_ro_is_found_by_unit_number_or_plate_whatever_the_case(owner, fleet_ro, query):
    assert _numbers(owner, query) == [2044]


@pytest.mark.parametrize("query", ["byron", "Ada By", "dispatch desk", "byron-haulage.example"])
def test_an_ro_is_found_by_part_of_the_customers_or_a_contacts_name_or_email(
    owner, fleet_ro, query
):
    assert _numbers(owner, query) == [2044]


def test_a_renamed_customer_is_found_by_the_new_name_only(owner, fleet_ro):
    Customer.objects.filter(pk=fleet_ro.customer_id).update(name="Ada Lovelace")
    assert _numbers(owner, "lovelace") == [2044]
    assert _numbers(owner, "byron") == [2044]  # still the contact's email domain
    assert _numbers(owner, "ada byron") == []


def test_a_number_is_not_looked_for_in_names(owner, shop, fleet_ro):
    RepairOrderFactory(shop=shop, customer=CustomerFactory(shop=shop, name="Unit 2044 Leasing"))
    assert _numbers(owner, "2044") == [2044]


def test_another_shops_ros_are_never_found(owner, other_shop, fleet_ro):
    theirs = CustomerFactory(shop=other_shop, name="Ada Byron")
    truck = VehicleFactory(customer=theirs, vin=FLEET_VIN, unit_number="T-12")
    RepairOrderFactory(shop=other_shop, customer=theirs, vehicle=truck, number=2044)
    for query in ("2044", FLEET_VIN, "KSKA7731", "T-12", "byron"):
        found = list(repair_order_search(actor=owner, query=query))
        assert [ro.shop_id for ro in found] == [owner.shop.pk], query


def test_an_ro_found_several_ways_is_listed_once(owner, shop):
    customer = CustomerFactory(shop=shop, name="Unit 4410")
    truck = VehicleFactory(customer=customer, unit_number="4410")
    RepairOrderFactory(shop=shop, customer=customer, vehicle=truck, number=4410)
    assert _numbers(owner, "4410") == [4410]


def test_an_ro_matched_by_its_customer_and_a_contact_alike_is_counted_once(owner, fleet_ro):
    """ "byron" is in the customer's name and in the dispatcher's email."""
    search = repair_order_search(actor=owner, query="byron")
    assert count_bounded(search).count == 1
    assert _numbers(owner, "byron") == [2044]


def test_an_ro_without_a_vehicle_is_found_by_its_customers_name(owner, shop, fleet_ro):
    RepairOrderFactory(shop=shop, customer=fleet_ro.customer, vehicle=None, number=2045)
    assert _numbers(owner, "byron") == [2045, 2044]


def test_the_ros_a_search_finds_are_listed_newest_number_first_and_all_counted(owner, shop):
    """Found by the customer's name (9, 8, 7), a contact's email (4) or a unit number (3)."""
    ada = CustomerFactory(shop=shop, name="Ada Byron")
    haulage = CustomerFactory(shop=shop, name="Byron Haulage")
    lovelace = CustomerFactory(shop=shop, name="Lovelace")
    ContactFactory(customer=lovelace, email="ada@byron.example")
    truck = VehicleFactory(customer=CustomerFactory(shop=shop), unit_number="Byron")
    for number, customer in [(7, haulage), (9, ada), (8, haulage), (4, lovelace)]:
        RepairOrderFactory(shop=shop, customer=customer, number=number)
    RepairOrderFactory(shop=shop, customer=truck.customer, vehicle=truck, number=3)
    RepairOrderFactory(shop=shop, number=5)  # nobody called Byron
    search = repair_order_search(actor=owner, query="byron")
    assert _numbers(owner, "byron") == [9, 8, 7, 4, 3]
    assert count_bounded(search).count == 5
    assert [ro.number for ro in search[1:3]] == [8, 7]


def test_without_a_query_every_ro_of_the_shop_is_listed_newest_number_first(owner, fleet_ro):
    assert _numbers(owner, "") == [3055, 2044]


# Each way of searching, and the index that must answer it. The unique (shop, number)
# constraint is SQLite's autoindex; the VIN's own index is (shop, vin) from the first migration.
WAYS = {
    "number": ("RO 2044", "sqlite_autoindex_orders_repairorder_1", "ro_number_unique_per_shop"),
    "vin": (FLEET_VIN, "customers_v_shop_id_da9ebe_idx", "customers_v_shop_id_da9ebe_idx"),
    "vin ending": ("KSKA7731", "vehicle_vin_tail", "vehicle_vin_tail"),
    "unit number": ("T-12", "vehicle_unit_number", "vehicle_unit_number"),
    "name": ("byron", "customers_customer_search", "customer_name_trgm"),
    "free text": ("haulage.exa", "customers_contact_search", "contact_text_trgm"),
}


def _assert_indexed(owner, query, index):
    """The list's read of the matches goes through `index`, its rows are read by id."""
    search = repair_order_search(actor=owner, query=query)
    assert_list_page_indexed(search, index)


@sqlite_only
@pytest.mark.parametrize("way", WAYS)
def test_each_way_of_searching_reads_through_an_index_on_sqlite(owner, fleet_ro, way):
    query, index, _ = WAYS[way]
    _assert_indexed(owner, query, index)


@pytest.mark.postgres_only
@pytest.mark.parametrize("way", WAYS)
def test_each_way_of_searching_reads_through_an_index_on_postgresql(owner, shop, fleet_ro, way):
    crowd(shop)
    query, _, index = WAYS[way]
    _assert_indexed(owner, query, index)


# Django's names for the indexes of the RO's foreign keys.
RO_BY_CUSTOMER = "orders_repairorder_customer_id_e7bba1f2"
RO_BY_VEHICLE = "orders_repairorder_vehicle_id_40892b04"


@pytest.mark.postgres_only
@pytest.mark.parametrize("query", ["byron", "haulage.exa", "KSKA7731"])
def test_on_postgresql_the_ways_are_one_read_of_the_ros_matched_through_their_indexes(
    owner, shop, fleet_ro, query
):
    """The ids each way finds are looked up in the ROs' own indexes, combined in a BitmapOr: no
    UNION of ROs to deduplicate and join back by id, no filter run on every RO."""
    crowd(shop)
    search = repair_order_search(actor=owner, query=query)
    indexes = [RO_BY_VEHICLE] if query == "KSKA7731" else [RO_BY_VEHICLE, RO_BY_CUSTOMER]
    plan = assert_list_page_indexed(search, *indexes)
    assert "BitmapOr" in plan or len(indexes) == 1, plan
    assert "= ANY ($" in plan, plan
    assert "HashAggregate" not in plan, plan
    assert "SubPlan" not in plan, plan  # a hashed IN (…) tested on each row read
