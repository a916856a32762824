"""Time the estimate PDF and the authorization certificate for a 40-operation repair order,
and, as the baseline, WeasyPrint printing the same estimate from HTML.

Run: .venv/bin/python bench/pdf_render.py [--runs 20] [--operations 40] [--save DIR] [--quick]
Builds its own data in an in-memory SQLite database, so it touches nothing on disk. The baseline
is the customer page of the same version (its HTML and stylesheet) printed by WeasyPrint, the
HTML-to-PDF way Signoff does not take; it needs the bench extra (`pip install -e '.[bench]'`,
which `make bench` installs) and is left out without it. `main()` returns the figures.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import django_setup  # noqa: E402

STATUSES = ["approved", "approved", "deferred", "declined"]


def build_repair_order(operations: int):
    """A realistic RO: labor, two parts and a fee per operation, a decision on each, a signature."""
    import segno
    from django.contrib.auth import get_user_model

    from signoff.approvals.chain import decision_append, signature_append
    from signoff.approvals.models import ApprovalReason
    from signoff.approvals.versions import version_freeze
    from signoff.customers.models import Contact, Customer, Vehicle
    from signoff.orders.models import Operation, OperationLine, RepairOrder
    from signoff.shops.models import Shop

    shop = Shop.objects.create(
        name="Bench Truck & Auto",
        slug="bench",
        phone="+15035550100",
        address="1 Industrial Way, Portland, OR 97201",
        tax_rate=Decimal("8.25"),
    )
    reason = ApprovalReason.objects.create(shop=shop, label="Phone call", kind="phone")
    user = get_user_model().objects.create(username="bench", first_name="Bea", last_name="Bench")
    customer = Customer.objects.create(shop=shop, name="Rivera Logistics", kind="business")
    contact = Contact.objects.create(
        shop=shop, customer=customer, name="Sam Rivera", is_primary=True, email="sam@mail.example"
    )
    vehicle = Vehicle.objects.create(
        shop=shop,
        customer=customer,
        vin="1FUJGLDR5CSBM1234",
        year=2018,
        make="Freightliner",
        model="Cascadia",
        unit_number="T-42",
        odometer=412_000,
    )
    ro = RepairOrder.objects.create(
        shop=shop,
        number=9001,
        customer=customer,
        vehicle=vehicle,
        advisor=user,
        customer_notes="Driver waiting; needs the truck back by Friday.",
    )
    ops = []
    for n in range(operations):
        op = Operation.objects.create(
            shop=shop,
            repair_order=ro,
            position=n,
            title=f"Operation {n + 1}: inspect and repair",
            kind="recommendation" if n % 5 == 4 else "estimate",
            complaint="Customer reports a noise under load.",
            correction="Replace worn components and road test.",
        )
        OperationLine.objects.bulk_create(
            [
                OperationLine(
                    shop=shop,
                    operation=op,
                    kind="labor",
                    description="Labor",
                    quantity=Decimal("1.8"),
                    unit_price=Decimal("165.00"),
                ),
                OperationLine(
                    shop=shop,
                    operation=op,
                    kind="part",
                    description="Bearing kit",
                    part_number=f"BK-{n:04d}",
                    quantity=Decimal("2"),
                    unit_price=Decimal("84.95"),
                ),
                OperationLine(
                    shop=shop,
                    operation=op,
                    kind="part",
                    description="Seal",
                    part_number=f"SL-{n:04d}",
                    quantity=Decimal("1"),
                    unit_price=Decimal("12.40"),
                ),
                OperationLine(
                    shop=shop,
                    operation=op,
                    kind="fee",
                    description="Shop supplies",
                    quantity=Decimal("1"),
                    unit_price=Decimal("6.00"),
                ),
            ]
        )
        ops.append(op)
    first, _ = version_freeze(repair_order=ro, user=user)
    signature = io.BytesIO()
    segno.make("Sam Rivera").save(signature, kind="png", scale=3)
    signed = signature_append(
        repair_order=ro,
        version=first,
        source="link",
        contact=contact,
        contact_name=contact.name,
        amount=first.total,
        svg="<svg/>",
        png=signature.getvalue(),
        consent_text="I authorize this work.",
        ip="203.0.113.9",
    )
    for n, op in enumerate(ops):
        decision_append(
            operation=op,
            status=STATUSES[n % len(STATUSES)],
            source="on_behalf",
            contact=contact,
            recorded_by=user,
            reason=reason,
            phone_number="+15035551234",
            signature=signed if n == 0 else None,
        )
    version, _ = version_freeze(repair_order=ro, user=user)
    return ro, version


def weasyprint_render(ro, version):
    """A function printing the customer page of `version` with WeasyPrint, or None without it."""
    try:
        import weasyprint
    except ImportError:
        return None
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its notes on the page's CSS
    from django.contrib.staticfiles import finders
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from signoff.sharing.links import share_link_mint
    from signoff.sharing.models import Share, ShareKind
    from signoff.signing import selectors

    share = Share.objects.create(
        shop=ro.shop,
        repair_order=ro,
        version=version,
        kind=ShareKind.REQUEST_APPROVAL,
        created_by=version.created_by,
        sections=[],
    )
    link, _raw = share_link_mint(share=share, contact=ro.customer.contacts.first())
    page = selectors.approval_page(repair_order=ro, version=version, link=link, language="en")
    html = render_to_string(
        "portal/page.html",
        {"page": page, "token": "bench", "stale": "", "error": None},
        request=RequestFactory().get("/"),
    )
    css = weasyprint.CSS(filename=finders.find("portal/portal.css"))
    return lambda: weasyprint.HTML(string=html).write_pdf(stylesheets=[css])


def timed(render, runs: int) -> tuple[float, bytes]:
    render()  # the first call loads fonts and warms typst's caches
    times, pdf = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        pdf = render()
        times.append(time.perf_counter() - start)
    return statistics.median(times), pdf


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--operations", type=int, default=40)
    parser.add_argument("--save", type=Path, help="also write the PDFs into this folder")
    parser.add_argument("--quick", action="store_true", help="5 runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = 5
    django_setup("sqlite://:memory:")

    from django.core.management import call_command
    from pypdf import PdfReader

    from signoff.documents.render import certificate_pdf, estimate_pdf

    call_command("migrate", verbosity=0)
    figures: dict = {"runs": args.runs, "operations": args.operations}
    ro, version = build_repair_order(args.operations)
    for name, filename, render in [
        (
            f"estimate PDF ({args.operations} operations)",
            "estimate",
            lambda: estimate_pdf(version=version),
        ),
        ("authorization certificate", "certificate", lambda: certificate_pdf(repair_order=ro)),
    ]:
        median, pdf = timed(render, args.runs)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{filename}.pdf").write_bytes(pdf)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{name}: median {median * 1000:.1f} ms over {args.runs} runs, "
            f"{pages} pages, {len(pdf) / 1024:.0f} KiB"
        )
        figures[filename] = {
            "median_ms": round(median * 1000, 2),
            "pages": pages,
            "bytes": len(pdf),
        }
    baseline = weasyprint_render(ro, version)
    if baseline is None:
        print("WeasyPrint baseline left out: install the bench extra (pip install -e '.[bench]')")
        return figures
    median, pdf = timed(baseline, max(args.runs // 4, 2))
    figures["weasyprint"] = {"median_ms": round(median * 1000, 2), "bytes": len(pdf)}
    ratio = median * 1000 / figures["estimate"]["median_ms"]
    print(f"baseline, WeasyPrint, the same estimate as HTML: median {median * 1000:.1f} ms")
    print(f"  typst is {ratio:.1f}x faster")
    return figures


if __name__ == "__main__":
    main()
