"""The RO page's operations table as `web/_operation_rows.html` places it.

Rendering, not SQL, is what the RO page costs, and most of it was per row: five routes reversed
twice each, a status-cell template rendered on its own, filters and lookups through model
objects. Here each row becomes a dict of its words, amounts and URLs, worked out once per page
(the routes reversed once, see links.Route); the template only places them, in one loop. The
same template renders a single row (`rows` of one) wherever one is needed alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from signoff.approvals.models import Status
from signoff.approvals.selectors import OperationRow
from signoff.core.formatting import money, quantity
from signoff.orders.models import LineKind
from signoff.web.links import Route

# Plain strings: a row is a fragment's whole input (core/fragments.py), lazy text is not.
LINE_KINDS = {kind: str(label) for kind, label in LineKind.choices}
STATUS_LABELS = {status: str(label) for status, label in Status.choices}


@dataclass(frozen=True)
class OperationTable:
    rows: list[dict]
    can_edit: bool
    # The reorder buttons, when there is something to reorder.
    movable: bool


def _quantity_text(kind: str, qty, unit_price) -> str:
    if kind == LineKind.LABOR:
        return f"{quantity(qty)} h × {money(unit_price)}/h"
    if kind == LineKind.PART:
        return f"{quantity(qty)} × {money(unit_price)}"
    return ""


def _lines(row: OperationRow) -> list[dict]:
    return [
        {
            "kind": lr.line.kind,
            "kind_label": LINE_KINDS.get(lr.line.kind, lr.line.kind),
            "part_number": lr.line.part_number,
            "description": lr.line.description,
            "quantity": _quantity_text(lr.line.kind, lr.line.quantity, lr.line.unit_price),
            "amount": money(lr.amount),
            "taxable": lr.line.taxable,
        }
        for lr in row.lines
    ]


def operation_table(*, rows: list[OperationRow], can_edit: bool) -> OperationTable:
    routes = {
        "decide": Route("web:decide"),
        "history": Route("web:history"),
        "edit": Route("web:operation_edit"),
        "remove": Route("web:operation_remove"),
        "move": Route("web:operation_move"),
    }
    last = len(rows) - 1
    table = []
    for i, row in enumerate(rows):
        op, pk = row.op, row.op.pk
        table.append(
            {
                "id": pk,
                "number": i + 1,
                "first": i == 0,
                "last": i == last,
                "kind": op.kind,
                "title": op.title,
                "complaint": op.complaint,
                "cause": op.cause,
                "correction": op.correction,
                "lines": _lines(row),
                "subtotal": money(row.subtotal),
                "status": row.status,
                "status_label": STATUS_LABELS.get(row.status, row.status),
                **{name: route(pk) for name, route in routes.items()},
            }
        )
    return OperationTable(
        rows=table,
        can_edit=can_edit,
        movable=can_edit and len(rows) > 1,
    )
