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


def test_a_counted_page_is_the_slice_and_the_bounded_count_of_its_list(shop, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_AHEAD", 10)
    customers = _customers(shop, 25).prefetch_related("contacts")
    for offset in (0, 10, 20):
        page = paging.counted_page(customers, offset=offset, limit=4)
        assert page.rows == list(customers[offset : offset + 4])
        assert page.counted == count_bounded(customers, offset=offset)


def test_a_counted_page_reads_the_matches_once_then_its_rows_by_id(shop, django_assert_num_queries):
    customers = _customers(shop, 30).filter(name__startswith="C1")  # C1, C10…C19
    with django_assert_num_queries(2) as ctx:
        page = paging.counted_page(customers, offset=0, limit=5)
    matches, rows = (q["sql"] for q in ctx.captured_queries)
    assert "LIKE" in matches and "LIKE" not in rows
    assert [c.name for c in page.rows] == ["C1", "C10", "C11", "C12", "C13"]
    assert (page.counted.count, page.counted.exact) == (11, True)


def test_a_counted_page_past_the_end_is_empty_and_counts_from_the_start(shop):
    page = paging.counted_page(_customers(shop, 7), offset=25, limit=25)
    assert (page.rows, page.counted.count, page.counted.exact) == ([], 7, True)
    assert paging.counted_page(Customer.objects.none(), offset=0, limit=25).counted.count == 0


def test_a_counted_page_keeps_its_shop(shop, other_shop):
    """The rows are read by id without the list's conditions: only ids the list found."""
    _customers(other_shop, 3)
    page = paging.counted_page(_customers(shop, 2), offset=0, limit=25)
    assert {c.shop_id for c in page.rows} == {shop.pk}
