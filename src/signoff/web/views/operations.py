"""Adding, editing, removing and reordering an RO's operations (htmx, or plain forms without JS)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from signoff.core.errors import ValidationFailed
from signoff.orders import services
from signoff.orders.models import LineKind
from signoff.orders.selectors import operation_get, repair_order_get
from signoff.shops.access import Actor, require_editor
from signoff.web.estimate import announce_ro_changed, render_estimate
from signoff.web.forms import (
    LineInput,
    OperationForm,
    apply_errors,
    apply_line_errors,
    blank_line,
    lines_for_service,
    lines_from_operation,
    lines_from_post,
)
from signoff.web.views.base import staff_view


def _edited_lines(request: HttpRequest, rows: list[LineInput], *, labor_rate) -> bool:
    """Applies an "add line" / "remove line" button to the rows. True when one was pressed."""
    add, remove = request.POST.get("add_line"), request.POST.get("remove_line")
    if add in LineKind.values:
        next_index = max((r.index for r in rows), default=-1) + 1
        rows.append(blank_line(index=next_index, kind=add, labor_rate=labor_rate))
        return True
    if remove is not None:
        rows[:] = [r for r in rows if str(r.index) != remove]
        return True
    return False


OPERATION_FORM_SLOT = "#op-form-slot"


def _form_response(request, *, form, rows, ro, operation=None) -> HttpResponse:
    context = {"form": form, "lines": rows, "ro": ro, "operation": operation}
    if not request.htmx:
        return render(request, "web/operation_form.html", context)
    response = render(request, "web/_operation_form.html", context)
    if request.method == "GET":
        # Opened from a row's Edit link or the Add button: the form goes under the table,
        # whatever element asked (the rows' links carry no target of their own).
        response["HX-Retarget"] = OPERATION_FORM_SLOT
        response["HX-Reswap"] = f"innerHTML show:{OPERATION_FORM_SLOT}:top"
    return response


def _saved(request: HttpRequest, actor: Actor, ro, text: str) -> HttpResponse:
    messages.success(request, text)
    if request.htmx:
        response = render_estimate(request, actor=actor, ro_id=ro.pk)
        return announce_ro_changed(response, ro_id=ro.pk)
    return redirect(reverse("web:ro_detail", args=[ro.pk]) + "#ro-estimate")


def _submit(request, actor, *, ro, operation=None) -> HttpResponse:
    """The shared POST path of the add and edit forms."""
    rate = actor.shop.default_labor_rate
    form = OperationForm(request.POST)
    rows = lines_from_post(request.POST)
    if _edited_lines(request, rows, labor_rate=rate) or not form.is_valid():
        return _form_response(request, form=form, rows=rows, ro=ro, operation=operation)
    lines, used = lines_for_service(rows)
    data = {**form.cleaned_data, "lines": lines}
    try:
        if operation is None:
            saved = services.operation_add(actor=actor, ro_id=ro.pk, data=data)
            text = f"Operation “{saved.title}” added."
        else:
            saved = services.operation_update(actor=actor, operation_id=operation.pk, data=data)
            text = f"Operation “{saved.title}” saved."
    except ValidationFailed as exc:
        apply_errors(form, exc)
        apply_line_errors(exc, used)
        return _form_response(request, form=form, rows=rows, ro=ro, operation=operation)
    return _saved(request, actor, ro, text)


@staff_view
def operation_create(request: HttpRequest, actor: Actor, ro_id: int) -> HttpResponse:
    require_editor(actor)
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    if request.method == "POST":
        return _submit(request, actor, ro=ro)
    rate = actor.shop.default_labor_rate
    rows = [
        blank_line(index=0, kind=LineKind.LABOR, labor_rate=rate),
        blank_line(index=1, kind=LineKind.PART, labor_rate=rate),
    ]
    return _form_response(request, form=OperationForm(), rows=rows, ro=ro)


@staff_view
def operation_edit(request: HttpRequest, actor: Actor, operation_id: int) -> HttpResponse:
    require_editor(actor)
    operation = operation_get(actor=actor, operation_id=operation_id)
    ro = operation.repair_order
    if request.method == "POST":
        return _submit(request, actor, ro=ro, operation=operation)
    form = OperationForm(
        initial={
            f: getattr(operation, f) for f in ("title", "kind", "complaint", "cause", "correction")
        }
    )
    rows = lines_from_operation(operation)
    return _form_response(request, form=form, rows=rows, ro=ro, operation=operation)


@staff_view
def operation_remove(request: HttpRequest, actor: Actor, operation_id: int) -> HttpResponse:
    """GET asks for confirmation (no-JS path); POST removes. htmx confirms in the browser."""
    require_editor(actor)
    operation = operation_get(actor=actor, operation_id=operation_id)
    ro = operation.repair_order
    if request.method != "POST":
        return render(request, "web/operation_remove.html", {"operation": operation, "ro": ro})
    services.operation_remove(actor=actor, operation_id=operation.pk)
    return _saved(request, actor, ro, f"Operation “{operation.title}” removed from the estimate.")


@require_POST
@staff_view
def operation_move(request: HttpRequest, actor: Actor, operation_id: int) -> HttpResponse:
    operation = operation_get(actor=actor, operation_id=operation_id)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    services.operation_move(actor=actor, operation_id=operation.pk, direction=direction)
    ro_id = operation.repair_order_id
    if request.htmx:
        response = render_estimate(request, actor=actor, ro_id=ro_id)
        return announce_ro_changed(response, ro_id=ro_id)
    return redirect(reverse("web:ro_detail", args=[ro_id]) + "#ro-estimate")
