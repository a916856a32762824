"""Snapshots in the version contract's shape (priced with pricing.py), versions, signature PNGs."""

from __future__ import annotations

import math
import struct
import zlib
from decimal import Decimal

from signoff.approvals.canonical import sha256_hex
from signoff.approvals.models import EstimateVersion
from signoff.orders.pricing import PricedLine, line_amount, price_lines


def signature_png(width: int = 240, height: int = 80) -> bytes:
    """A real PNG of a drawn-looking stroke (a sine wave), encoded with the standard library."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type: none
        for x in range(width):
            curve = height / 2 + math.sin(x / 18) * height / 3
            ink = abs(y - curve) < 2.2
            row += bytes([20, 40, 90, 255 if ink else 0])
        rows.append(bytes(row))

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


SIGNATURE_PNG = signature_png()


def line(
    kind: str,
    description: str,
    quantity: str,
    unit_price: str,
    *,
    part_number: str = "",
    taxable: bool = True,
) -> dict:
    return {
        "kind": kind,
        "part_number": part_number,
        "description": description,
        "quantity": quantity,
        "unit_price": unit_price,
        "amount": str(line_amount(Decimal(quantity), Decimal(unit_price))),
        "taxable": taxable,
    }


def _priced(lines: list[dict]) -> list[PricedLine]:
    return [
        PricedLine(
            kind=ln["kind"],
            quantity=Decimal(ln["quantity"]),
            unit_price=Decimal(ln["unit_price"]),
            taxable=ln["taxable"],
        )
        for ln in lines
    ]


def operation(
    op_id: int,
    title: str,
    *,
    kind: str = "estimate",
    status: str = "pending",
    lines: list[dict] | None = None,
    complaint: str = "",
    cause: str = "",
    correction: str = "",
) -> dict:
    if lines is None:
        lines = [
            line("labor", "Replace pads and resurface rotors", "1.5", "150.00"),
            line("part", "Ceramic brake pads", "1", "89.99", part_number="BP-1042"),
        ]
    totals = price_lines(_priced(lines), tax_rate=Decimal(0))
    return {
        "id": op_id,
        "position": op_id,
        "kind": kind,
        "title": title,
        "complaint": complaint,
        "cause": cause,
        "correction": correction,
        "revision": 1,
        "status": status,
        "lines": lines,
        "labor": str(totals.labor),
        "parts": str(totals.parts),
        "fees": str(totals.fees),
        "subtotal": str(totals.subtotal),
    }


def snapshot(
    *,
    operations: list[dict],
    shop_name: str = "Main Street Auto",
    customer_name: str = "Jordan Rivera",
    paper_size: str = "us-letter",
    tax_rate: str = "8.250",
    number: int = 1001,
    notes: str = "",
    etr: str | None = None,
    advisor: str = "Alice Owner",
    vehicle: dict | None = None,
    timezone_name: str = "America/Los_Angeles",
) -> dict:
    rate = Decimal(tax_rate)

    def totals(ops):
        return price_lines([p for op in ops for p in _priced(op["lines"])], tax_rate=rate).as_dict()

    if vehicle is None:
        vehicle = {
            "description": "2019 Honda Accord",
            "vin": "1HGCM82633A004352",
            "year": 2019,
            "make": "Honda",
            "model": "Accord",
            "unit_number": "",
            "license_plate": "8ABC123",
            "odometer": 48210,
        }
    return {
        "schema": 1,
        "shop": {
            "name": shop_name,
            "phone": "+15035550100",
            "email": "service@shop.example",
            "address": "12 Main Street, Portland, OR 97201",
            "timezone": timezone_name,
            "paper_size": paper_size,
        },
        "repair_order": {
            "id": 1,
            "number": number,
            "label": f"RO {number}",
            "status": "estimate",
            "etr": etr,
            "notes": notes,
            "advisor": advisor,
        },
        "customer": {"id": 1, "name": customer_name, "kind": "individual"},
        "vehicle": vehicle,
        "operations": operations,
        "totals": {
            "estimate": totals([op for op in operations if op["kind"] == "estimate"]),
            "recommendations": totals([op for op in operations if op["kind"] == "recommendation"]),
            "approved": totals([op for op in operations if op["status"] == "approved"]),
        },
        "tax_rate": tax_rate,
    }


def version_for(*, repair_order, content: dict, number: int = 1) -> EstimateVersion:
    return EstimateVersion.objects.create(
        shop=repair_order.shop,
        repair_order=repair_order,
        number=number,
        content=content,
        content_hash=sha256_hex(content),
        total=Decimal(content["totals"]["estimate"]["total"]),
    )
