"""Snapshots in the version contract's shape (priced with pricing.py)."""

from __future__ import annotations

from decimal import Decimal

from signoff.orders.pricing import PricedLine, line_amount, price_lines


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
        "schema": 3,
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
            "etr": etr,
            "customer_notes": notes,
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
