"""Staff pages of the approvals app: the decision pop-up, an operation's history, the evidence
check of an RO, and the shop's reason list.

The pop-ups are htmx partials; the same URLs answer a plain request with a full page, so every
action also works with JavaScript off.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from signoff.approvals import selectors, services
from signoff.approvals.chain import verify_repair_order
from signoff.approvals.models import Decision, ReasonKind
from signoff.core.errors import ValidationFailed
from signoff.orders.selectors import operation_get, repair_order_get
from signoff.sharing import selectors as sharing_selectors
from signoff.shops.access import Actor, require_admin, require_editor
from signoff.web.estimate import announce_ro_changed, render_estimate
from signoff.web.forms import apply_errors
from signoff.web.forms.decisions import DecisionForm, ReasonForm
from signoff.web.views.base import staff_view

# Fired (HX-Trigger-After-Settle) after a decision is recorded, so pop-ups close.
DECIDED_EVENT = "signoff:decision-recorded"


def _decided(request: HttpRequest, actor: Actor, decision: Decision) -> HttpResponse:
    """Back to the operations table, showing the new status."""
    title = decision.operation.title
    messages.success(request, f"“{title}” is now {decision.get_status_display()}.")
    if request.htmx:
        response = render_estimate(request, actor=actor, ro_id=decision.repair_order_id)
        payload = {"operation": decision.operation_id, "status": decision.status}
        return announce_ro_changed(
            response, ro_id=decision.repair_order_id, also={DECIDED_EVENT: payload}
        )
    ro_url = reverse("web:ro_detail", kwargs={"ro_id": decision.repair_order_id})
    return redirect(f"{ro_url}#status-op-{decision.operation_id}")


@staff_view
def decide(request: HttpRequest, actor: Actor, operation_id: int) -> HttpResponse:
    operation = operation_get(actor=actor, operation_id=operation_id)
    require_editor(actor)
    initial = selectors.decision_form_initial(operation=operation, status=request.GET.get("status"))
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_record(
                actor=actor, operation_id=operation.pk, **form.service_kwargs()
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return _decided(request, actor, decision)
    status = form["status"].value() or ""
    context = selectors.decision_form_data(actor=actor, operation=operation, status=status)
    context.update(form=form, modal=bool(request.htmx))
    if not request.htmx:
        return render(
            request, "web/decisions/decide.html", context, status=422 if form.errors else 200
        )
    template = (
        "web/decisions/_decide_form.html" if form.is_bound else "web/decisions/_decide_dialog.html"
    )
    return render(request, template, context)


@staff_view
def history(request: HttpRequest, actor: Actor, operation_id: int) -> HttpResponse:
    """View details: every decision on the operation, newest first."""
    operation = selectors.operation_for_history(actor=actor, operation_id=operation_id)
    context = {
        "operation": operation,
        "ro": operation.repair_order,
        "decisions": sharing_selectors.operation_history(operation=operation),
        "shop": actor.shop,
    }
    template = (
        "web/decisions/_history_dialog.html" if request.htmx else "web/decisions/history.html"
    )
    return render(request, template, context)


@staff_view
def ro_verify(request: HttpRequest, actor: Actor, ro_id: int) -> HttpResponse:
    """Re-runs the evidence check (the authorization certificate's QR code points here)."""
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    context = {
        "ro": ro,
        "result": verify_repair_order(repair_order=ro),
        "checked_at": timezone.now(),
        "shop": actor.shop,
    }
    return render(request, "web/decisions/verify.html", context)


@staff_view
def reasons(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The reason list: owners and managers add, rename, reorder, retire and reactivate."""
    require_admin(actor)
    form = ReasonForm(request.POST or None, initial={"kind": ReasonKind.OTHER})
    if request.method == "POST" and form.is_valid():
        try:
            reason = services.reason_create(actor=actor, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"“{reason.label}” added to the reasons.")
            return redirect("web:reasons")
    reasons = list(selectors.reasons_all(shop=actor.shop))
    context = {"form": form, "kinds": ReasonKind.choices}
    context["active"] = [r for r in reasons if r.active]
    context["retired"] = [r for r in reasons if not r.active]
    return render(
        request, "web/decisions/reasons.html", context, status=422 if form.errors else 200
    )


def _reason_error(request: HttpRequest, exc: ValidationFailed) -> None:
    messages.error(request, " ".join([*exc.fields.values()]) or exc.message)


@require_POST
@staff_view
def reason_edit(request: HttpRequest, actor: Actor, reason_id: int) -> HttpResponse:
    try:
        reason = services.reason_update(
            actor=actor,
            reason_id=reason_id,
            label=request.POST.get("label", ""),
            kind=request.POST.get("kind", ""),
        )
    except ValidationFailed as exc:
        _reason_error(request, exc)
    else:
        messages.success(request, f"“{reason.label}” saved.")
    return redirect("web:reasons")


@require_POST
@staff_view
def reason_retire(request: HttpRequest, actor: Actor, reason_id: int) -> HttpResponse:
    try:
        reason = services.reason_retire(actor=actor, reason_id=reason_id)
    except ValidationFailed as exc:
        _reason_error(request, exc)
    else:
        messages.success(
            request, f"“{reason.label}” retired. Decisions made with it still show it."
        )
    return redirect("web:reasons")


@require_POST
@staff_view
def reason_reactivate(request: HttpRequest, actor: Actor, reason_id: int) -> HttpResponse:
    reason = services.reason_reactivate(actor=actor, reason_id=reason_id)
    messages.success(request, f"“{reason.label}” is back on the list.")
    return redirect("web:reasons")


@require_POST
@staff_view
def reason_move(request: HttpRequest, actor: Actor, reason_id: int) -> HttpResponse:
    direction = "up" if request.POST.get("direction") == "up" else "down"
    services.reason_move(actor=actor, reason_id=reason_id, direction=direction)
    return redirect(f"{reverse('web:reasons')}#reason-{reason_id}")
