"""The RO page's estimate block (operations table, totals, panels), shared by the page and htmx.

Other apps whose actions change operation statuses can answer an htmx request with
`render_estimate(...)` and target `#ro-estimate` (outerHTML) to refresh the table and totals.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from signoff.approvals.selectors import repair_order_page
from signoff.shops.access import Actor
from signoff.web.panels import render_context

ESTIMATE_TARGET = "#ro-estimate"


def estimate_context(
    request: HttpRequest, *, actor: Actor, ro_id: int, slots: tuple[str, ...] = ("actions", "after")
) -> dict:
    page = repair_order_page(actor=actor, ro_id=ro_id)
    context = {
        "page": page,
        "ro": page.ro,
        "rows": page.rows,
        "shop": page.ro.shop,
        "actor": actor,
        "can_edit": actor.can_edit,
    }
    for slot in slots:
        context[f"panels_{slot}"] = render_context(
            slot=slot, request=request, actor=actor, ro=page.ro, rows=page.rows
        )
    return context


def render_estimate(request: HttpRequest, *, actor: Actor, ro_id: int) -> HttpResponse:
    """Just the `#ro-estimate` block, retargeted there whatever element asked for it."""
    context = estimate_context(request, actor=actor, ro_id=ro_id, slots=("actions",))
    response = render(request, "web/_estimate.html", context)
    response["HX-Retarget"] = ESTIMATE_TARGET
    response["HX-Reswap"] = "outerHTML"
    return response
