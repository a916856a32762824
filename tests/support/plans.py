"""The database's plan for a query, and the check that it reads through indexes only.

SQLite: EXPLAIN QUERY PLAN, where a table read whole is `SCAN <table>` (an FTS5 table's own
index shows as `SCAN <name> VIRTUAL TABLE INDEX …`). PostgreSQL: EXPLAIN with sequential scans
switched off for the transaction, so that even the tests' small tables show the plan the index
allows (the planner still falls back to a `Seq Scan` when no index can answer).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet

from signoff.customers.models import Contact, Customer, Vehicle
from signoff.orders.models import RepairOrder

ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
sqlite_only = pytest.mark.skipif(not ON_SQLITE, reason="SQLite's query plans")

# A table read whole; not an FTS5 table's index, nor the derived table of a COUNT(*).
_SQLITE_FULL_SCAN = re.compile(r"^SCAN (?!\S+ VIRTUAL TABLE INDEX|subquery)(\S+)", re.MULTILINE)


def queries_of(run: Callable[[], object]) -> list[tuple[str, tuple]]:
    """The queries `run()` makes, each with its parameters (to EXPLAIN them)."""
    seen = []

    def record(execute, sql, params, many, context):
        seen.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        run()
    return seen


def sql_of(run: Callable[[], object]) -> tuple[str, tuple]:
    """The last query `run()` makes and its parameters (to EXPLAIN a count, say)."""
    return queries_of(run)[-1]


def query_plan(query: QuerySet | tuple[str, tuple]) -> str:
    """The plan of a queryset, or of a query as `sql_of` gives it."""
    sql, params = query if isinstance(query, tuple) else query.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(row[3] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def assert_reads_through(query: QuerySet | tuple[str, tuple], *indexes: str) -> str:
    """The plan uses each of `indexes` and reads no table whole; returns the plan."""
    plan = query_plan(query)
    if connection.vendor == "sqlite":
        assert not _SQLITE_FULL_SCAN.findall(plan), plan
        for index in indexes:
            found = rf"(USING (COVERING )?INDEX {index}\b|SCAN {index} VIRTUAL)"
            assert re.search(found, plan), (index, plan)
    else:
        assert "Seq Scan" not in plan, plan
        for index in indexes:
            found = (
                rf"(Index (Only )?Scan (Backward )?using {index}\b|Bitmap Index Scan on {index}\b)"
            )
            assert re.search(found, plan), (index, plan)
    return plan


def crowd(shop, n: int = 2000) -> None:
    """n more customers, each with three contacts, a vehicle and an RO, and fresh statistics: on
    a few rows PostgreSQL rightly reads whole tables, which would prove nothing."""
    customers = Customer.objects.bulk_create(
        Customer(shop=shop, name=f"Customer {i}") for i in range(n)
    )
    Contact.objects.bulk_create(
        Contact(shop=shop, customer=c, name=f"{c.name} {k}", email=f"c{i}.{k}@mail.example")
        for i, c in enumerate(customers)
        for k in range(3)
    )
    vins = [f"1HGCM8263{i:08d}" for i in range(n)]
    vehicles = Vehicle.objects.bulk_create(
        Vehicle(shop=shop, customer=c, vin=vin, vin_tail=vin[-6:], unit_number=str(i))
        for i, (c, vin) in enumerate(zip(customers, vins, strict=True))
    )
    RepairOrder.objects.bulk_create(
        RepairOrder(shop=shop, customer=v.customer, vehicle=v, number=5000 + i)
        for i, v in enumerate(vehicles)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def assert_list_page_indexed(search: QuerySet, *indexes: str) -> str:
    """A list's first page of `search`, as the lists read it (core.paging.counted_page), reads
    the matches through each of `indexes` and then its rows by id, no table whole; returns the
    plan of the read of the matches."""
    from signoff.core.paging import counted_page

    matches, rows, *_ = queries_of(lambda: counted_page(search, offset=0, limit=25))
    assert_reads_through(rows)
    return assert_reads_through(matches, *indexes)
