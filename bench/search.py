"""Time repair-order search, and the staff RO page, on a big database against a small one.

Run: .venv/bin/python bench/search.py [--quick] [--postgres] [--ros N] [--samples 60]
                                       [--keep | --database-url URL]
SQLite (a file of its own): 100,000 ROs with 1,000,000 operations (`--quick`: 10,000). With
`--postgres` it starts a throwaway PostgreSQL server (tests/support/postgres.py) and loads
1,000,000 ROs and 10,000,000 operations with COPY. One shop holds them all (the worst case for
a search scoped to a shop), with 1 customer per 4 ROs, 2 vehicles per customer, a contact or
two each. Operations have no priced lines: search never reads them, and the RO page measured
is one built with the ORM.

For each way of searching it prints p50 and p95 of a search as the list pages run it (the
bounded count and the first 25 rows), then the staff RO page (20 operations) on the big
database and on a small one, and their ratio. Targets: p50 <= 15 ms at 1M ROs on PostgreSQL,
the RO page within 1.2x of the small database. It prints figures and asserts none; `main()`
returns them.

Loading 1,000,000 ROs takes minutes. To time again without loading again, `--postgres --keep`
leaves its server running and prints its URL, and `--database-url URL` times that database:
it migrates it (a new index is built on the loaded rows), loads it only if it holds no ROs,
and measures the RO page against a database `small` beside it on the same server.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import django_setup, percentiles  # noqa: E402

STAMP = "2026-01-15 15:00:00"
FIRST = [
    "Dana",
    "Maria",
    "Sam",
    "Alex",
    "Jordan",
    "Avery",
    "Casey",
    "Riley",
    "Morgan",
    "Quinn",
    "Jamie",
    "Taylor",
    "Drew",
    "Robin",
    "Lee",
    "Ana",
    "Luis",
    "Carmen",
    "Jose",
    "Wei",
    "Mei",
    "Ravi",
    "Priya",
    "Omar",
    "Fatima",
    "Ivan",
    "Olga",
    "Lars",
    "Ingrid",
    "Kofi",
    "Ama",
]
SYLLABLES = [
    "ri",
    "ve",
    "ra",
    "mo",
    "ka",
    "len",
    "dor",
    "sa",
    "bel",
    "tor",
    "ni",
    "co",
    "mar",
    "vin",
    "le",
    "han",
    "ste",
    "wa",
    "ber",
    "go",
]
TRADES = ["Logistics", "Plumbing", "Fleet Services", "Landscaping", "Electric", "Couriers"]
VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
WAYS = ("number", "vin", "vin ending", "unit number", "name", "free text")
PAGE_TURN = 5  # RO page requests on one database before switching to the other
PAGE_RO_NUMBER = 9_000_000  # the RO page's RO, numbered past the loaded ones


def surname(i: int) -> str:
    """One of 8,000 made-up surnames ("Riveramo"), so a surname matches a few hundred rows."""
    a, b, c = i % 20, (i // 20) % 20, (i // 400) % 20
    return (SYLLABLES[a] + SYLLABLES[b] + SYLLABLES[c]).capitalize()


def vin(i: int) -> str:
    digits = []
    for _ in range(8):
        i, r = divmod(i, len(VIN_CHARS))
        digits.append(VIN_CHARS[r])
    return "1HGCM826" + "3" + "".join(reversed(digits))


class Sizes:
    def __init__(self, ros: int):
        self.ros = ros
        self.customers = max(ros // 4, 1)
        self.vehicles = self.customers * 2
        self.operations = ros * 10


def customer_rows(shop_id: int, sizes: Sizes) -> Iterator[tuple]:
    for i in range(1, sizes.customers + 1):
        business = i % 10 == 0
        last = surname(i)
        name = f"{last} {TRADES[i % len(TRADES)]}" if business else f"{FIRST[i % 31]} {last}"
        kind = "business" if business else "individual"
        yield (i, shop_id, kind, name, "", STAMP, STAMP)


def contact_rows(shop_id: int, sizes: Sizes) -> Iterator[tuple]:
    ident = 0
    for i in range(1, sizes.customers + 1):
        first, last = FIRST[i % 31], surname(i)
        people = [(f"{first} {last}", True)]
        if i % 5 == 0:
            people.append((f"{FIRST[(i + 7) % 31]} {last}", False))
        for position, (name, primary) in enumerate(people):
            ident += 1
            email = f"{name.replace(' ', '.').lower()}{ident}@mail{ident % 97}.example"
            mobile = f"+1503{ident % 10_000_000:07d}"
            relationship = "" if primary else "Spouse"
            yield (
                ident, shop_id, i, primary, name, relationship, email, mobile, "", "mobile",
                "email", "en", position, STAMP,
            )  # fmt: skip


def vehicle_rows(shop_id: int, sizes: Sizes) -> Iterator[tuple]:
    for i in range(1, sizes.vehicles + 1):
        customer = (i + 1) // 2
        unit = f"T-{i}" if customer % 10 == 0 else ""
        plate = f"{i % 10}{VIN_CHARS[i % 33]}{i:05d}"[-7:]
        v = vin(i)
        yield (i, shop_id, customer, v, 2019, "Honda", "Accord", unit, plate, 48210, v[-6:], STAMP)


def ro_rows(shop_id: int, sizes: Sizes) -> Iterator[tuple]:
    rng = random.Random(7)
    for i in range(1, sizes.ros + 1):
        customer = rng.randint(1, sizes.customers)
        vehicle = customer * 2 - rng.randint(0, 1)
        yield (i, shop_id, 1000 + i, customer, vehicle, None, "completed", None, None, "", "",
               STAMP, STAMP)  # fmt: skip


def operation_rows(shop_id: int, sizes: Sizes) -> Iterator[tuple]:
    ident = 0
    for ro in range(1, sizes.ros + 1):
        for position in range(10):
            ident += 1
            yield (ident, shop_id, ro, "estimate", position, f"Operation {position}", "", "",
                   "", 1, None, STAMP, STAMP)  # fmt: skip


def _tables():
    from signoff.customers.models import Contact, Customer, Vehicle
    from signoff.orders.models import Operation, RepairOrder

    return [
        (Customer, ["id", "shop", "kind", "name", "notes", "created_at", "updated_at"], customer_rows),
        (Contact, ["id", "shop", "customer", "is_primary", "name", "relationship", "email",
                   "mobile", "phone", "preferred_number", "notify", "language", "position",
                   "created_at"], contact_rows),
        (Vehicle, ["id", "shop", "customer", "vin", "year", "make", "model", "unit_number",
                   "license_plate", "odometer", "vin_tail", "created_at"], vehicle_rows),
        (RepairOrder, ["id", "shop", "number", "customer", "vehicle", "advisor", "status", "etr",
                       "odometer_in", "internal_notes", "customer_notes", "created_at",
                       "updated_at"], ro_rows),
        (Operation, ["id", "shop", "repair_order", "kind", "position", "title", "complaint",
                     "cause", "correction", "revision", "removed_at", "created_at",
                     "updated_at"], operation_rows),
    ]  # fmt: skip


def _columns(model, fields: list[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


def _with_defaults(model, fields: list[str], rows):
    """The fields the rows name, then every other stored field at its model default: a column
    a later migration adds (with a default Django applies, not the database) is filled too,
    so the loader needs no change for it. Nullable fields without a default stay NULL."""
    others = [
        f
        for f in model._meta.concrete_fields
        if f.name not in fields and not f.primary_key and (f.has_default() or not f.null)
    ]
    extra = tuple(f.get_db_prep_save(f.get_default(), connection=_connection()) for f in others)

    def completed(shop_id, sizes):
        for row in rows(shop_id, sizes):
            yield (*row, *extra)

    return [*fields, *(f.name for f in others)], completed


def _connection():
    from django.db import connection

    return connection


def _loaded_tables():
    return [(model, *_with_defaults(model, fields, rows)) for model, fields, rows in _tables()]


def load_sqlite(shop_id: int, sizes: Sizes) -> None:
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    for model, fields, rows in _loaded_tables():
        columns = _columns(model, fields)
        marks = ", ".join("?" * len(columns))
        sql = f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) VALUES ({marks})'
        with raw:
            raw.executemany(sql, rows(shop_id, sizes))
    # No ANALYZE: a new install has no statistics either, and its plans must hold without them.


def load_postgres(shop_id: int, sizes: Sizes) -> None:
    """COPY every table, with its indexes dropped during the load and built again after it."""
    from django.core.management.color import no_style
    from django.db import connection

    tables = _loaded_tables()
    names = [model._meta.db_table for model, _, _ in tables]
    with connection.cursor() as cursor:
        # A bulk load's usual shortcuts: no foreign-key triggers (the rows are consistent by
        # construction), and indexes built once at the end rather than row by row.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND "
            "i.indexname NOT IN (SELECT conname FROM pg_constraint)",
            [names],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for model, fields, rows in tables:
            columns = ", ".join(_columns(model, fields))
            sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
            with cursor.cursor.copy(sql) as copy:
                for row in rows(shop_id, sizes):
                    copy.write_row(row)
        for _, definition in indexes:
            cursor.execute(definition)
        for sql in connection.ops.sequence_reset_sql(no_style(), [m for m, _, _ in tables]):
            cursor.execute(sql)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("VACUUM ANALYZE")


def queries(sizes: Sizes, samples: int) -> dict[str, list[str]]:
    """`samples` queries for each way of searching, of rows the load made."""
    rng = random.Random(11)
    ros = [rng.randint(1, sizes.ros) for _ in range(samples)]
    vehicles = [rng.randint(1, sizes.vehicles) for _ in range(samples)]
    fleet = [rng.randint(1, sizes.customers // 10 or 1) * 10 * 2 for _ in range(samples)]
    customers = [rng.randint(1, sizes.customers) for _ in range(samples)]
    formats = ["{}", "RO {}", "#{}"]
    return {
        "number": [formats[i % 3].format(1000 + ro) for i, ro in enumerate(ros)],
        "vin": [vin(v) for v in vehicles],
        "vin ending": [vin(v)[-(6 + i % 3) :] for i, v in enumerate(vehicles)],
        "unit number": [f"t-{min(v, sizes.vehicles)}" for v in fleet],
        "name": [surname(c) for c in customers],
        # A piece from the middle of a contact's email: "ana.riveramo" of ana.riveramo12@….
        "free text": [f"{FIRST[c % 31].lower()}.{surname(c).lower()[:5]}" for c in customers],
    }


def time_searches(actor, batch: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    from signoff.core.paging import counted_page
    from signoff.orders.selectors import repair_order_search

    def run(query: str) -> int:  # as the RO list reads its first page
        search = repair_order_search(actor=actor, query=query)
        return len(counted_page(search, offset=0, limit=25).rows)

    figures = {}
    for way, texts in batch.items():
        for text in texts:  # warm the caches with the same queries
            run(text)
        times, found = [], 0
        for text in texts:
            start = time.perf_counter()
            found += run(text) > 0
            times.append((time.perf_counter() - start) * 1000)
        figures[way] = {**percentiles(times), "found": round(found / len(texts), 2)}
    return figures


def _timed(client, url: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def page_setup(shop_id: int | None):
    """A 20-operation RO, an owner and a logged-in client, in a shop of the current database."""
    from django.test import Client
    from tests.factories import MembershipFactory

    from bench.ro_page import OPERATIONS, _build
    from signoff.orders.models import RepairOrder
    from signoff.shops.models import Shop

    # Names of their own: a reused database holds the users and shops of the runs before.
    tag = secrets.token_hex(4)
    owner = {"role": "owner", "user__username": f"bench-owner-{tag}"}
    if shop_id is None:
        member = MembershipFactory(**owner, shop__slug=f"bench-small-{tag}")
    else:
        member = MembershipFactory(**owner, shop=Shop.objects.get(pk=shop_id))
    # Past the loaded numbers; on a reused database, past the RO pages of the runs before.
    taken = RepairOrder.objects.filter(shop=member.shop, number__gte=PAGE_RO_NUMBER).count()
    ro = _build(member.shop, member.user, OPERATIONS, number=PAGE_RO_NUMBER + taken)
    client = Client()
    client.force_login(member.user)
    return client, f"/ros/{ro.pk}/", member


def _prepare(url: str, postgres: bool) -> None:
    from django.core.management import call_command

    django_setup(url)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not postgres:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")


def _sqlite_url(folder: Path, name: str) -> str:
    path = folder / name
    path.touch()
    return f"sqlite:///{path}"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 ROs")
    parser.add_argument("--postgres", action="store_true", help="1,000,000 ROs on PostgreSQL")
    parser.add_argument("--ros", type=int, help="how many ROs to load")
    parser.add_argument("--samples", type=int, default=60, help="queries timed per way")
    parser.add_argument("--runs", type=int, default=30, help="requests timed per RO page")
    reuse = parser.add_mutually_exclusive_group()
    reuse.add_argument(
        "--keep", action="store_true", help="with --postgres, leave the server running after"
    )
    reuse.add_argument(
        "--database-url", help="a PostgreSQL database to time (and load if empty), kept after"
    )
    args = parser.parse_args(argv)
    postgres = args.postgres or bool(args.database_url)
    ros = args.ros or (10_000 if args.quick else 1_000_000 if postgres else 100_000)
    sizes = Sizes(ros)
    with tempfile.TemporaryDirectory(prefix="signoff-bench-") as folder:
        if args.database_url:
            small = args.database_url.rsplit("/", 1)[0] + "/small"
            _create_database(args.database_url, "small")
            return _run(sizes, args, args.database_url, small, postgres=True)
        if args.keep:
            from tests.support.postgres import PostgresServer

            pg = PostgresServer().init()  # not stopped: the caller reuses it
            _create_database(pg.url, "small")
            print(f"  kept: --database-url {pg.url} (stop: pg_ctl -D {pg.folder}/data stop)")
            return _run(sizes, args, pg.url, pg.url_for("small"), postgres=True)
        if args.postgres:
            from tests.support.postgres import PostgresServer

            with PostgresServer() as pg, pg_database(pg, "small"):
                return _run(sizes, args, pg.url, pg.url_for("small"), postgres=True)
        return _run(
            sizes,
            args,
            _sqlite_url(Path(folder), "big.sqlite3"),
            _sqlite_url(Path(folder), "small.sqlite3"),
            postgres=False,
        )


def _create_database(url: str, name: str) -> None:
    """Database `name` on the server of `url`, unless it is there already."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


class pg_database:  # noqa: N801 (a context manager read like a function)
    def __init__(self, pg, name: str):
        self.pg, self.name = pg, name

    def __enter__(self):
        _create_database(self.pg.url, self.name)

    def __exit__(self, *exc):
        pass  # the server and its folder go away with PostgresServer


def _phase(label: str, work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    print(f"  {label}: {elapsed:.1f} s", flush=True)
    return elapsed


def _run(sizes: Sizes, args, big_url: str, small_url: str, *, postgres: bool) -> dict:
    engine = "PostgreSQL" if postgres else "SQLite"
    print(f"{engine}: {sizes.ros:,} ROs, {sizes.operations:,} operations", flush=True)
    _prepare(big_url, postgres)
    from tests.factories import ShopFactory

    from signoff.orders.models import RepairOrder
    from signoff.shops.access import actor_for

    loaded = RepairOrder.objects.values_list("shop_id", flat=True).first()  # a reused database
    if loaded is None:
        shop_id = ShopFactory(name="Big Shop").pk
        load = load_postgres if postgres else load_sqlite
        load_seconds = _phase("load", lambda: load(shop_id, sizes))
    else:
        shop_id, load_seconds = loaded, 0.0
        loaded_ros = RepairOrder.objects.filter(shop_id=shop_id, number__lt=PAGE_RO_NUMBER)
        sizes = Sizes(loaded_ros.count())
        print(f"  reusing {sizes.ros:,} ROs already loaded", flush=True)
    big_client, big_url_path, member = page_setup(shop_id)
    actor = actor_for(user=member.user, shop_id=shop_id)
    batch = queries(sizes, args.samples)
    print("  timing searches", flush=True)
    search = time_searches(actor, batch)
    _timed(big_client, big_url_path, 3)  # warm templates and caches

    _prepare(small_url, postgres)
    small_client, small_url_path, _ = page_setup(None)
    _timed(small_client, small_url_path, 3)
    # In turns of a few requests, so that the machine's other work weighs on both alike.
    big_page, small_page = [], []
    for _ in range(max(args.runs // PAGE_TURN, 1)):
        django_setup(big_url)
        big_page += _timed(big_client, big_url_path, PAGE_TURN)
        django_setup(small_url)
        small_page += _timed(small_client, small_url_path, PAGE_TURN)

    page_big, page_small = statistics.median(big_page), statistics.median(small_page)
    figures = {
        "database": engine,
        "ros": sizes.ros,
        "operations": sizes.operations,
        "load_seconds": round(load_seconds, 1),
        "search_ms": search,
        "ro_page_ms": {"big": round(page_big, 2), "small": round(page_small, 2)},
        "ro_page_ratio": round(page_big / page_small, 2),
    }
    print(f"search ({args.samples} queries each: the first page of 25 with its bounded count), ms")
    print(f"  {'way':12} {'p50':>7} {'p95':>7}  found")
    for way in WAYS:
        row = search[way]
        print(f"  {way:12} {row['p50']:7.2f} {row['p95']:7.2f}  {row['found']:.0%}")
    print(f"staff RO page (20 operations), median of {len(big_page)}, in turns of {PAGE_TURN}")
    print(f"  big {page_big:.2f} ms, small {page_small:.2f} ms, ratio {page_big / page_small:.2f}")
    return figures


if __name__ == "__main__":
    main()
