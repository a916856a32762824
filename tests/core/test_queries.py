"""one_or_none and newest_first: the hot-path query shapes (signoff.core.queries)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signoff.core.queries import newest_first, one_or_none
from signoff.sharing.models import ShareLink
from tests.factories import RepairOrderFactory

pytestmark = pytest.mark.django_db


def test_one_or_none_finds_the_row_without_an_order_by():
    ro = RepairOrderFactory()
    with CaptureQueriesContext(connection) as queries:
        found = one_or_none(type(ro).objects.select_related("customer").filter(pk=ro.pk))
    assert found == ro
    assert found.customer == ro.customer  # still one query: the join came with it
    [query] = queries.captured_queries
    assert "ORDER BY" not in query["sql"]
    assert "LIMIT 1" in query["sql"]


def test_one_or_none_drops_the_models_default_ordering():
    # ShareLink's Meta orders newest first: a lookup by its unique hash needs no sort.
    assert ShareLink._meta.ordering
    with CaptureQueriesContext(connection) as queries:
        assert one_or_none(ShareLink.objects.filter(token_hash="no such hash")) is None
    assert "ORDER BY" not in queries.captured_queries[0]["sql"]


def test_newest_first_orders_by_time_then_id():
    class Row:
        def __init__(self, pk, minute):
            self.pk = pk
            self.created_at = dt.datetime(2026, 1, 1, 9, minute, tzinfo=dt.UTC)

    rows = [Row(1, 0), Row(3, 5), Row(2, 5), Row(4, 1)]
    assert [r.pk for r in newest_first(rows)] == [3, 2, 4, 1]
