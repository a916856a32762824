"""core.paging: lists count only a little past the page asked for."""

from signoff.core import paging
from signoff.core.paging import count_bounded
from signoff.customers.models import Customer


def _customers(shop, n):
    Customer.objects.bulk_create(Customer(shop=shop, name=f"C{i}") for i in range(n))
    return Customer.objects.filter(shop=shop).order_by("name")


def test_a_count_below_the_horizon_is_exact(shop, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_AHEAD", 10)
    counted = count_bounded(_customers(shop, 10))
    assert (counted.count, counted.exact, counted.label) == (10, True, "10")


def test_a_count_past_the_horizon_stops_there_and_says_so(shop, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_AHEAD", 10)
    counted = count_bounded(_customers(shop, 11))
    assert (counted.count, counted.exact, counted.label) == (10, False, "10+")


def test_a_later_page_counts_further(shop, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_AHEAD", 10)
    customers = _customers(shop, 25)
    assert count_bounded(customers, offset=10).count == 20
    counted = count_bounded(customers, offset=20)
    assert (counted.count, counted.exact) == (25, True)


def test_thousands_are_grouped():
    assert paging.BoundedCount(count=1000, exact=False).label == "1,000+"
