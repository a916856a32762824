import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from signoff.core import paging
from signoff.orders.models import RepairOrder
from tests.factories import CustomerFactory, RepairOrderFactory, VehicleFactory, priced_operation

RO_LINK = re.compile(r'href="/ros/\d+/"')


def test_the_list_shows_customer_vehicle_status_total_and_advisor(alice_client, shop, alice):
    ro = RepairOrderFactory(shop=shop, number=2044, advisor=alice, status="awaiting")
    priced_operation(repair_order=ro)  # 1.5 × 150 + 89.99 = 314.99, tax 8.25 % on all = 25.99
    body = alice_client.get("/").content.decode()
    assert "2044" in body
    assert ro.customer.name in body
    assert "2019 Honda Accord" in body
    assert "Awaiting approval" in body
    assert "$340.98" in body
    assert alice.get_full_name() in body


@pytest.mark.parametrize("query", ["2044", "RO 2044", "ro-2044"])
def test_search_finds_an_ro_by_number(alice_client, shop, query):
    RepairOrderFactory(shop=shop, number=2044)
    RepairOrderFactory(shop=shop, number=3055)
    body = alice_client.get("/", {"q": query}).content.decode()
    assert 'href="/ros/' in body
    assert ">2044<" in body and ">3055<" not in body


def test_search_finds_an_ro_by_customer_name_and_by_vin(alice_client, shop):
    wanted = RepairOrderFactory(shop=shop, customer=CustomerFactory(shop=shop, name="Ada Byron"))
    other_customer = CustomerFactory(shop=shop, name="Bob Other")
    other = RepairOrderFactory(
        shop=shop,
        customer=other_customer,
        vehicle=VehicleFactory(customer=other_customer, vin="3AKJHHDR0KSKA7731"),
    )
    by_name = alice_client.get("/", {"q": "byron"}).content.decode()
    assert f">{wanted.number}<" in by_name and f">{other.number}<" not in by_name
    by_vin = alice_client.get("/", {"q": "KSKA7731"}).content.decode()
    assert f">{other.number}<" in by_vin and f">{wanted.number}<" not in by_vin


def test_an_empty_search_says_what_can_be_searched(alice_client, shop):
    body = alice_client.get("/", {"q": "nothing-like-this"}).content.decode()
    assert "No repair order matches" in body


def test_the_list_is_paginated_by_25_newest_number_first(alice_client, shop):
    customer = CustomerFactory(shop=shop)
    RepairOrder.objects.bulk_create(
        RepairOrder(shop=shop, customer=customer, number=5000 + i) for i in range(30)
    )
    first = alice_client.get("/").content.decode()
    assert len(RO_LINK.findall(first)) == 25
    assert ">5029<" in first and ">5004<" not in first
    second = alice_client.get("/", {"page": 2}).content.decode()
    assert len(RO_LINK.findall(second)) == 5
    assert ">5004<" in second
    assert "Page 2 of 2" in second


def test_ros_is_the_same_list(alice_client, shop):
    RepairOrderFactory(shop=shop, number=7001)
    assert ">7001<" in alice_client.get("/ros/").content.decode()


def _make_ros(shop, n):
    for _ in range(n):
        ro = RepairOrderFactory(shop=shop)
        priced_operation(repair_order=ro)


def _count_queries(client, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(100) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_the_list_makes_as_many_queries_for_60_ros_as_for_2(
    alice_client, shop, django_assert_max_num_queries
):
    _make_ros(shop, 2)
    few = _count_queries(alice_client, django_assert_max_num_queries)
    _make_ros(shop, 58)
    with django_assert_max_num_queries(few):
        assert alice_client.get("/").status_code == 200


def test_updated_is_shown_in_the_shops_time_zone(alice_client, shop):
    ro = RepairOrderFactory(shop=shop)
    RepairOrder.objects.filter(pk=ro.pk).update(updated_at=timezone.now() - timedelta(days=40))
    ro.refresh_from_db()
    local = timezone.localtime(ro.updated_at, ZoneInfo(shop.timezone))
    assert local.strftime("%b %-d, %Y") in alice_client.get("/").content.decode()


def test_a_long_list_counts_only_a_little_ahead_and_every_page_stays_reachable(
    alice_client, shop, monkeypatch
):
    monkeypatch.setattr(paging, "COUNT_AHEAD", 30)
    customer = CustomerFactory(shop=shop)
    RepairOrder.objects.bulk_create(
        RepairOrder(shop=shop, customer=customer, number=5000 + i) for i in range(60)
    )
    first = alice_client.get("/").content.decode()
    assert "Page 1 of 2+ · 30+ total" in first and "page=2" in first
    second = alice_client.get("/", {"page": 2}).content.decode()
    assert "Page 2 of 3+ · 55+ total" in second and "page=3" in second
    third = alice_client.get("/", {"page": 3}).content.decode()
    assert "Page 3 of 3 · 60 total" in third
    assert len(RO_LINK.findall(third)) == 10


def test_the_list_filters_by_status_advisor_and_waiting_and_pages_keep_the_filters(
    alice_client, shop, carol
):
    customer = CustomerFactory(shop=shop)
    long_ago = timezone.now() - timedelta(days=3)
    RepairOrder.objects.bulk_create(
        RepairOrder(
            shop=shop,
            customer=customer,
            number=6000 + i,
            status="awaiting",
            advisor=carol,
            status_changed_at=long_ago,
        )
        for i in range(30)
    )
    RepairOrderFactory(shop=shop, number=7001, status="approved", advisor=carol)
    asked = {"status": "awaiting", "advisor": carol.pk, "waiting_hours": "48"}
    first = alice_client.get("/", asked).content.decode()
    assert len(RO_LINK.findall(first)) == 25 and ">7001<" not in first
    assert '<option value="awaiting" selected>' in first
    assert f"status=awaiting&amp;advisor={carol.pk}&amp;waiting_hours=48&amp;page=2" in first
    second = alice_client.get("/", {**asked, "page": 2}).content.decode()
    assert len(RO_LINK.findall(second)) == 5
    none = alice_client.get("/", {"status": "approved", "waiting_hours": "4"}).content.decode()
    assert "No repair order matches these filters." in none


def test_a_filter_that_cannot_be_one_says_why_and_lists_everything(alice_client, shop):
    RepairOrderFactory(shop=shop, number=7002)
    body = alice_client.get("/", {"waiting_hours": "-1"}).content.decode()
    assert "Enter the hours waited as a whole number from 1 to 8,784." in body
    assert ">7002<" in body
