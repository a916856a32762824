"""Time the staff RO page, the customer share page and the RO list as rows grow.

Run: .venv/bin/python bench/pages.py [--runs 15] [--quick]
Builds its own data in an in-memory SQLite database. For each page it prints the median time
and the number of SQL queries at a small and a large size, and the large/small time ratio
measured in the same run: queries should not grow with rows, and time should grow far slower
than the rows do. `main()` returns the same figures as a dict.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import django_setup  # noqa: E402


def build(shop, user, operations: int):
    from tests.factories import ContactFactory, RepairOrderFactory, priced_operation

    from signoff.approvals.chain import decision_append
    from signoff.approvals.versions import version_freeze
    from signoff.sharing.links import share_link_mint
    from signoff.sharing.models import Share, ShareKind

    ro = RepairOrderFactory(shop=shop)
    ContactFactory(customer=ro.customer, is_primary=True)
    for i in range(operations):
        op = priced_operation(repair_order=ro, title=f"Operation {i}")
        if i % 2:
            decision_append(operation=op, status="approved", source="on_behalf", recorded_by=user)
    version, _ = version_freeze(repair_order=ro, user=user)
    share = Share.objects.create(
        shop=shop,
        repair_order=ro,
        version=version,
        kind=ShareKind.REQUEST_APPROVAL,
        created_by=user,
        sections=[],
    )
    _link, raw = share_link_mint(share=share, contact=ro.customer.contacts.first())
    return ro, raw


def measure(client, url: str, runs: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches and templates
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return statistics.median(times) * 1000, len(ctx.captured_queries)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="5 runs per page")
    args = parser.parse_args(argv)
    runs = 5 if args.quick else args.runs
    warnings.filterwarnings("ignore", message="No directory at")
    django_setup("sqlite://:memory:")

    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from tests.factories import MembershipFactory, RepairOrderFactory

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    member = MembershipFactory(role="owner")
    shop, user = member.shop, member.user
    staff = Client()
    staff.force_login(user)
    small_ro, small_token = build(shop, user, 2)
    large_ro, large_token = build(shop, user, 200)
    for _ in range(60):
        RepairOrderFactory(shop=shop)

    figures: dict = {"runs": runs}
    print(f"{'page':34} {'size':>10} {'median ms':>10} {'queries':>8}")
    rows = [
        ("staff RO page", "ro_page", f"/ros/{small_ro.pk}/", f"/ros/{large_ro.pk}/"),
        ("customer share page", "share_page", f"/s/{small_token}", f"/s/{large_token}"),
    ]
    for name, key, small_url, large_url in rows:
        client = staff if key == "ro_page" else Client()
        small_ms, small_q = measure(client, small_url, runs)
        large_ms, large_q = measure(client, large_url, runs)
        print(f"{name:34} {'2 ops':>10} {small_ms:10.1f} {small_q:8d}")
        print(f"{name:34} {'200 ops':>10} {large_ms:10.1f} {large_q:8d}")
        print(f"{'':34} {'ratio':>10} {large_ms / small_ms:10.2f}x (rows 100x)")
        figures[key] = {
            "small_ms": round(small_ms, 2),
            "large_ms": round(large_ms, 2),
            "small_queries": small_q,
            "large_queries": large_q,
            "large_over_small": round(large_ms / small_ms, 2),
        }
    list_ms, list_q = measure(staff, "/ros/", runs)
    print(f"{'RO list (page of 25)':34} {'62 ROs':>10} {list_ms:10.1f} {list_q:8d}")
    figures["ro_list"] = {"ms": round(list_ms, 2), "queries": list_q}
    return figures


if __name__ == "__main__":
    main()
