"""Time the staff RO page, the customer share page and the RO list as rows grow.

Run: .venv/bin/python bench/pages.py [--runs 15]
Builds its own data in an in-memory SQLite database. For each page it prints the median time
and the number of SQL queries at a small and a large size, and the large/small time ratio
measured in the same run: queries should not grow with rows, and time should grow far slower
than the rows do.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message="No directory at")
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signoff.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from tests.factories import (  # noqa: E402
    ContactFactory,
    MembershipFactory,
    RepairOrderFactory,
    priced_operation,
)

from signoff.approvals.chain import decision_append  # noqa: E402
from signoff.approvals.versions import version_freeze  # noqa: E402
from signoff.sharing.links import share_link_mint  # noqa: E402
from signoff.sharing.models import Share, ShareKind  # noqa: E402


def build(shop, user, operations: int):
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


def measure(client: Client, url: str, runs: int) -> tuple[float, int]:
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
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

    print(f"{'page':34} {'size':>10} {'median ms':>10} {'queries':>8}")
    rows = [
        ("staff RO page", f"/ros/{small_ro.pk}/", f"/ros/{large_ro.pk}/", "2 ops", "200 ops"),
        ("customer share page", f"/s/{small_token}", f"/s/{large_token}", "2 ops", "200 ops"),
    ]
    for name, small_url, large_url, small_label, large_label in rows:
        client = staff if name.startswith("staff") else Client()
        small_ms, small_q = measure(client, small_url, args.runs)
        large_ms, large_q = measure(client, large_url, args.runs)
        print(f"{name:34} {small_label:>10} {small_ms:10.1f} {small_q:8d}")
        print(f"{name:34} {large_label:>10} {large_ms:10.1f} {large_q:8d}")
        print(f"{'':34} {'ratio':>10} {large_ms / small_ms:10.2f}x (rows 100x)")
    list_ms, list_q = measure(staff, "/ros/", args.runs)
    print(f"{'RO list (page of 25)':34} {'62 ROs':>10} {list_ms:10.1f} {list_q:8d}")


if __name__ == "__main__":
    main()
