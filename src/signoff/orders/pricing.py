"""The one place money is computed. Decimal throughout; each line and the tax rounded once.

Rules: a line's amount is quantity × unit price rounded half-up to the cent. Tax is the shop's
rate applied once to the sum of taxable line amounts, rounded half-up to the cent. The total is
the sum of line amounts plus tax, so printed lines and tax always add up to the printed total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half-up (how shops and customers round by hand)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return money(Decimal(quantity) * Decimal(unit_price))


@dataclass(frozen=True)
class Totals:
    labor: Decimal = ZERO
    parts: Decimal = ZERO
    fees: Decimal = ZERO
    taxable: Decimal = ZERO
    tax: Decimal = ZERO

    @property
    def subtotal(self) -> Decimal:
        return self.labor + self.parts + self.fees

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax

    def as_dict(self) -> dict[str, str]:
        return {
            "labor": str(self.labor),
            "parts": str(self.parts),
            "fees": str(self.fees),
            "subtotal": str(self.subtotal),
            "tax": str(self.tax),
            "total": str(self.total),
        }


@dataclass(frozen=True)
class PricedLine:
    kind: str  # "labor" | "part" | "fee"
    quantity: Decimal
    unit_price: Decimal
    taxable: bool

    @property
    def amount(self) -> Decimal:
        return line_amount(self.quantity, self.unit_price)


def price_lines(lines: Iterable[PricedLine], *, tax_rate: Decimal) -> Totals:
    """Totals for any set of lines. `tax_rate` is a percent (8.25 means 8.25 %)."""
    labor = parts = fees = taxable = ZERO
    for line in lines:
        amount = line.amount
        if line.kind == "labor":
            labor += amount
        elif line.kind == "part":
            parts += amount
        else:
            fees += amount
        if line.taxable:
            taxable += amount
    tax = money(taxable * Decimal(tax_rate) / Decimal(100)) if taxable > 0 else ZERO
    return Totals(labor=labor, parts=parts, fees=fees, taxable=taxable, tax=tax)


def lines_of(operation) -> list[PricedLine]:
    """The priced lines of an Operation (the prefetched ones when there are)."""
    return [
        PricedLine(kind=ln.kind, quantity=ln.quantity, unit_price=ln.unit_price, taxable=ln.taxable)
        for ln in operation.entered_lines
    ]


def price_operations(operations: Iterable, *, tax_rate: Decimal) -> Totals:
    return price_lines((ln for op in operations for ln in lines_of(op)), tax_rate=tax_rate)


def operation_subtotal(operation) -> Decimal:
    """An operation's pre-tax amount, as shown on its row."""
    return sum((ln.amount for ln in lines_of(operation)), ZERO)


@dataclass(frozen=True)
class EstimateTotals:
    """The three totals every view of an RO shows: estimate work, recommendations, approved."""

    estimate: Totals
    recommendations: Totals
    approved: Totals

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {
            "estimate": self.estimate.as_dict(),
            "recommendations": self.recommendations.as_dict(),
            "approved": self.approved.as_dict(),
        }


def estimate_totals(
    operations: Iterable, *, statuses: dict[int, str], tax_rate: Decimal
) -> EstimateTotals:
    """Totals of an RO's live operations; `statuses` maps operation id to its current status.

    Estimate work and recommendations are totalled apart (a recommendation is work suggested
    for later); "approved" is every operation whose current status is approved, of either kind.
    """
    ops = list(operations)
    return EstimateTotals(
        estimate=price_operations([op for op in ops if op.kind == "estimate"], tax_rate=tax_rate),
        recommendations=price_operations(
            [op for op in ops if op.kind == "recommendation"], tax_rate=tax_rate
        ),
        approved=price_operations(
            [op for op in ops if statuses.get(op.pk) == "approved"], tax_rate=tax_rate
        ),
    )


def operation_content(operation) -> dict:
    """An operation's content and money as plain JSON values (version snapshots and the API)."""
    totals = price_operations([operation], tax_rate=Decimal(0))
    return {
        "position": operation.position,
        "kind": operation.kind,
        "title": operation.title,
        "complaint": operation.complaint,
        "cause": operation.cause,
        "correction": operation.correction,
        "revision": operation.revision,
        "lines": [
            {
                "kind": line.kind,
                "part_number": line.part_number,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "amount": str(line_amount(line.quantity, line.unit_price)),
                "taxable": line.taxable,
            }
            for line in operation.entered_lines
        ],
        "labor": str(totals.labor),
        "parts": str(totals.parts),
        "fees": str(totals.fees),
        "subtotal": str(totals.subtotal),
    }
