"""The RO page's parts (the estimate block, the panels), shared by the page, htmx and writes.

How the page stays current without a reload: a write made through htmx answers with the part it
was made from (the estimate block for operations and decisions, with the totals and the
Send to Customer gate inside it) and fires `signoff:ro-changed` (HX-Trigger-After-Settle). The
panels under the table (messages and links, the authorization summary, the status history) and
the status in the header listen for that event and fetch themselves again from
`ros/<ro_id>/parts/<name>/`.

What changes elsewhere (a customer answering, a message delivered, another advisor's edit)
reaches an open page by polling: every few seconds, while the tab is visible,
web/static/signoff/live.js asks `ros/<ro_id>/changes/?since=<stamp>`
(approvals.selectors.ro_change_stamp). Nothing new is a 204; a change answers with the new
stamp and fires `signoff:ro-changed` and `signoff:ro-stale`, on which the estimate block is
fetched again too, once staff are not editing in it.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from signoff.approvals.lifecycle import hand_moves
from signoff.approvals.selectors import repair_order_page
from signoff.orders.selectors import repair_order_get
from signoff.shops.access import Actor
from signoff.web.operations_table import operation_table
from signoff.web.panels import RO_PANELS, SLOTS, render_context, show
from signoff.web.panels_sharing import send_blockers_for

ESTIMATE_TARGET = "#ro-estimate"
ESTIMATE_PART = "estimate"
STATUS_PART = "status"  # the RO's status and the moves staff can make (in the header)
RO_CHANGED_EVENT = "signoff:ro-changed"
# The RO changed elsewhere (a customer answered, a message was delivered, another advisor):
# the estimate block fetches itself again too, unless staff are in the middle of editing it.
RO_STALE_EVENT = "signoff:ro-stale"


def estimate_context(
    request: HttpRequest, *, actor: Actor, ro_id: int, slots: tuple[str, ...] = SLOTS
) -> dict:
    page = repair_order_page(actor=actor, ro_id=ro_id)
    context = {
        "page": page,
        "ro": page.ro,
        "rows": page.rows,
        "table": operation_table(rows=page.rows, can_edit=actor.can_edit),
        "shop": page.ro.shop,
        "actor": actor,
        "can_edit": actor.can_edit,
        # One primary button per view: Send to Customer once it may run, else Add operation.
        "send_ready": actor.can_edit and not send_blockers_for(page.ro, page.rows),
        "status_moves": hand_moves(page.ro.status),
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


def render_part(request: HttpRequest, *, actor: Actor, ro_id: int, name: str) -> HttpResponse:
    """One part of the RO page: the estimate block or one panel in its wrapper element."""
    if name == ESTIMATE_PART:
        context = estimate_context(request, actor=actor, ro_id=ro_id, slots=("actions",))
        # Fetched by the live page (?live=1), it leaves the flash messages alone.
        context["quiet"] = request.GET.get("live") == "1"
        return render(request, "web/_estimate.html", context)
    if name == STATUS_PART:
        return render_status(request, actor=actor, ro_id=ro_id)
    panel = RO_PANELS.get(name)
    if panel is None:
        raise Http404("No such part of the RO page.")
    context = estimate_context(request, actor=actor, ro_id=ro_id, slots=())
    shown = show(panel, request=request, actor=actor, ro=context["ro"], rows=context["rows"])
    return render(request, "web/_panel.html", {**context, "shown": shown})


def render_status(request: HttpRequest, *, actor: Actor, ro_id: int) -> HttpResponse:
    """The RO's status badge with the moves staff can make from it (`#ro-status`)."""
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    context = {"ro": ro, "can_edit": actor.can_edit, "status_moves": hand_moves(ro.status)}
    return render(request, "web/_ro_status.html", context)


def announce_ro_changed(
    response: HttpResponse, *, ro_id: int, also: dict[str, Any] | None = None
) -> HttpResponse:
    """Tells the page (after the swap) that the RO changed, so its other parts refresh.

    `also` holds further events to fire with it, by name (HX-Trigger's JSON form).
    """
    payload = {RO_CHANGED_EVENT: {"ro": ro_id}, **(also or {})}
    response["HX-Trigger-After-Settle"] = json.dumps(payload)
    return response
