"""Time the staff RO page with 20 operations against a bare view of the same size.

Run: .venv/bin/python bench/ro_page.py [--quick] [--runs 40]
The baseline is the floor Django itself sets: a plain view that reads the RO's operations in
one query and renders them in a template loop, the loop run until the output is the RO page's
byte count, through the same middleware. Beside it, the static floor: one pass of the loop
padded with literal text to that size. All are requested in turn through Django's test client,
in the same run, on an in-memory SQLite database, and timed in CPU time. Prints the median
times, the ratio baseline/RO page (1.0 means the RO page costs no more than the floor), the HTML
bytes per operation (the whole page and what one more operation adds) and the reverse() calls
per page. `main()` returns the figures.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import django_setup  # noqa: E402

OPERATIONS = 20

BARE_ROW = (
    '<tr id="op-{{ op.pk }}" class="op-row op-{{ op.kind }}"><td>{{ forloop.counter }}</td>'
    "<td>{{ op.title }}</td><td>{{ op.complaint }}</td><td>{{ op.cause }}</td>"
    "<td>{{ op.correction }}</td><td>{{ op.revision }}</td><td>{{ op.position }}</td>"
    "<td>{{ op.created_at|date:'c' }}</td>"
)


def _build(shop, user, operations: int, *, number: int | None = None):
    from tests.factories import ContactFactory, RepairOrderFactory, priced_operation

    from signoff.approvals.chain import decision_append
    from signoff.approvals.versions import version_freeze
    from signoff.sharing.links import share_link_mint
    from signoff.sharing.models import Share, ShareKind

    ro = RepairOrderFactory(shop=shop, **({"number": number} if number else {}))
    ContactFactory(customer=ro.customer, is_primary=True)
    ContactFactory(customer=ro.customer, relationship="Spouse")
    for i in range(operations):
        op = priced_operation(repair_order=ro, title=f"Operation {i}")
        if i % 3 == 0:
            op.complaint, op.cause, op.correction = "Grinding noise", "Pads worn", "Replace pads"
            op.save()
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
    share_link_mint(share=share, contact=ro.customer.contacts.first())
    return ro


def _bare_source(row_pad: int, outer_pad: int) -> str:
    return (
        "<!doctype html><html><head><title>{{ ro.label }}</title></head><body><table>"
        "{% for _ in repeats %}{% for op in ops %}" + BARE_ROW + "x" * row_pad + "</tr>"
        "{% endfor %}{% endfor %}</table>" + "y" * outer_pad + "</body></html>"
    )


class Bare:
    """A bare template sized to a page, and the context that renders it to that size.

    fill="rows" (the baseline): the bytes come from rendering the operations' rows, the loop
    run as many times as the page's size needs, so the floor does the kind of work a page of
    that size does. fill="pad" (the static floor, reported beside it): one pass of the rows
    with literal padding, which costs almost nothing whatever the size."""

    def __init__(self, ops, page_bytes: int, fill: str = "rows"):
        from django.template import engines

        engine = engines["django"]
        plain = engine.from_string(_bare_source(0, 0))
        self.repeats = [0, 1]
        two = len(plain.render(self.context(ops)).encode())
        self.repeats = [0]
        one = len(plain.render(self.context(ops)).encode())
        gap, rows = max(page_bytes - one, 0), max(two - one, 1)
        if fill == "rows":
            self.repeats = list(range(1 + gap // rows))
            self.template = engine.from_string(_bare_source(0, gap % rows))
        else:
            row_pad = gap // max(len(ops), 1) * 9 // 10  # most of the bytes sit in the rows
            outer = gap - row_pad * len(ops)
            self.template = engine.from_string(_bare_source(row_pad, outer))

    def context(self, ops) -> dict:
        from signoff.orders.models import RepairOrder

        return {"ops": ops, "ro": RepairOrder(pk=0, number=0), "repeats": self.repeats}

    def render(self, request, ops) -> str:
        return self.template.render(self.context(ops), request)


def bare_view(request, ro_id: int):
    """One query, one template with a loop: the floor a same-size page can reach."""
    from django.http import HttpResponse

    from signoff.orders.models import Operation

    ops = list(Operation.objects.filter(repair_order_id=ro_id).order_by("position", "id"))
    return HttpResponse(BARE[request.GET.get("fill", "rows")].render(request, ops))


BARE: dict[str, Bare] = {}
_SIZED: dict[tuple[int, int, str], Bare] = {}


def bare_sized_view(request, ro_id: int):
    """bare_view with the size and fill asked for (?bytes=N&fill=rows|pad), for
    bench/http_pages.py under gunicorn. Sized on a process's first request for that size."""
    from django.http import HttpResponse

    from signoff.orders.models import Operation

    size, fill = int(request.GET.get("bytes", "0")), request.GET.get("fill", "rows")
    ops = list(Operation.objects.filter(repair_order_id=ro_id).order_by("position", "id"))
    bare = _SIZED.get((ro_id, size, fill))
    if bare is None:
        bare = _SIZED[ro_id, size, fill] = Bare(ops, size, fill)
    return HttpResponse(bare.render(request, ops))


def _reverse_counter():
    from django.urls import resolvers

    original = resolvers.URLResolver._reverse_with_prefix
    calls = [0]

    def counting(self, *args, **kwargs):
        calls[0] += 1
        return original(self, *args, **kwargs)

    resolvers.URLResolver._reverse_with_prefix = counting
    return calls, lambda: setattr(resolvers.URLResolver, "_reverse_with_prefix", original)


def _time(client, url: str) -> float:
    """The request's CPU time in ms: all of it is this process's (in-memory SQLite, the test
    client), and other jobs on the machine do not count, as they do in wall-clock time."""
    start = time.process_time()
    response = client.get(url)
    elapsed = (time.process_time() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args(argv)
    runs = args.runs or (8 if args.quick else 60)

    django_setup("sqlite://:memory:")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import include, path
    from tests.factories import MembershipFactory

    from signoff.orders.models import Operation

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    member = MembershipFactory(role="owner")
    shop, user = member.shop, member.user
    ro = _build(shop, user, OPERATIONS)
    ro_more = _build(shop, user, OPERATIONS * 2)

    urlconf = type(
        "BenchUrls",
        (),
        {
            "urlpatterns": [
                path("bench/bare/<int:ro_id>/", bare_view),
                path("", include(settings.ROOT_URLCONF)),
            ]
        },
    )
    with override_settings(ROOT_URLCONF=urlconf):
        client = Client()
        client.force_login(user)
        page_url, bare_url = f"/ros/{ro.pk}/", f"/bench/bare/{ro.pk}/"
        body = client.get(page_url).content
        more = client.get(f"/ros/{ro_more.pk}/").content
        ops = list(Operation.objects.filter(repair_order=ro))
        BARE["rows"], BARE["pad"] = Bare(ops, len(body)), Bare(ops, len(body), "pad")
        floor_url = f"{bare_url}?fill=pad"
        bare_bytes = len(client.get(bare_url).content)
        floor_bytes = len(client.get(floor_url).content)
        assert abs(floor_bytes - bare_bytes) < len(body) / 100, "both fills are the page's size"

        calls, restore = _reverse_counter()
        with CaptureQueriesContext(connection) as queries:
            client.get(page_url)
        restore()
        reverses, query_count = calls[0], len(queries.captured_queries)

        page_ms, bare_ms, floor_ms = [], [], []
        for _ in range(3):  # warm templates and caches
            _time(client, page_url), _time(client, bare_url), _time(client, floor_url)
        for _ in range(runs):
            page_ms.append(_time(client, page_url))
            bare_ms.append(_time(client, bare_url))
            floor_ms.append(_time(client, floor_url))

    text = body.decode()
    whitespace = sum(len(m) - 1 for m in re.findall(r"\s{2,}", text))
    figures = {
        "operations": OPERATIONS,
        "runs": runs,
        "ro_page_ms": round(statistics.median(page_ms), 2),
        "baseline_ms": round(statistics.median(bare_ms), 2),
        "ratio": round(statistics.median(bare_ms) / statistics.median(page_ms), 3),
        "floor_ms": round(statistics.median(floor_ms), 2),
        "floor_ratio": round(statistics.median(floor_ms) / statistics.median(page_ms), 3),
        "page_bytes": len(body),
        "baseline_bytes": bare_bytes,
        "bytes_per_operation": round(len(body) / OPERATIONS),
        "bytes_per_added_operation": round((len(more) - len(body)) / OPERATIONS),
        "collapsible_whitespace_bytes": whitespace,
        "reverse_calls": reverses,
        "queries": query_count,
    }
    print(f"staff RO page, {OPERATIONS} operations ({runs} runs each, interleaved)")
    print(f"  RO page    {figures['ro_page_ms']:8.2f} ms median (CPU)  {len(body):7d} bytes")
    print(f"  bare view  {figures['baseline_ms']:8.2f} ms median (CPU)  {bare_bytes:7d} bytes")
    print(f"  ratio baseline/RO page {figures['ratio']:.2f} (target >= 0.8)")
    print(
        f"  static floor (padded, not rendered) {figures['floor_ms']:.2f} ms: "
        f"ratio {figures['floor_ratio']:.2f}"
    )
    print(
        f"  bytes per operation {figures['bytes_per_operation']} (page / operations), "
        f"{figures['bytes_per_added_operation']} per added operation (target <= 2048)"
    )
    print(f"  whitespace that could collapse: {whitespace} bytes")
    print(f"  reverse() calls per page {reverses}, queries {figures['queries']}")
    return figures


if __name__ == "__main__":
    main()
