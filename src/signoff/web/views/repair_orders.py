"""Repair-order pages: the list, creating one, and the RO page with its editable header."""

from __future__ import annotations

import functools
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from signoff.approvals.lifecycle import ro_status_move
from signoff.approvals.selectors import ro_change_stamp, with_last_activity
from signoff.core.errors import ValidationFailed
from signoff.core.http import after_response
from signoff.core.validation import parse_id
from signoff.customers.selectors import customer_get, customer_search
from signoff.orders import services
from signoff.orders.models import RoStatus
from signoff.orders.selectors import (
    UNASSIGNED,
    RoFilters,
    repair_order_get,
    repair_order_search,
    repair_order_totals,
    ro_filters,
)
from signoff.sharing.health import delivery_health
from signoff.shops.access import Actor, require_editor
from signoff.web.estimate import (
    RO_CHANGED_EVENT,
    RO_STALE_EVENT,
    announce_ro_changed,
    estimate_context,
    render_part,
    render_status,
)
from signoff.web.forms import RepairOrderForm, apply_errors
from signoff.web.templatetags.signoff_web import datetime_local
from signoff.web.views.base import paginate, search_results, staff_view


def _advisors(actor: Actor):
    return (
        get_user_model()
        .objects.filter(memberships__shop=actor.shop)
        .order_by("first_name", "last_name", "username")
    )


WAITING_CHOICES = [("", "Any time"), ("4", "4 hours"), ("24", "a day"), ("48", "2 days")]
WAITING_CHOICES += [("72", "3 days"), ("168", "a week")]
FILTERS = ("status", "advisor", "waiting_hours")


def _waiting_choices(filters: RoFilters) -> list[tuple[str, str]]:
    """The list's choices, with the one a URL asked for when it is not among them."""
    hours = filters.waiting_hours
    if hours and str(hours) not in dict(WAITING_CHOICES):
        return [*WAITING_CHOICES, (str(hours), f"{hours:,} hours")]
    return WAITING_CHOICES


@staff_view
def ro_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    query = request.GET.get("q", "")
    asked = {name: request.GET.get(name, "") for name in FILTERS}
    try:
        filters = ro_filters(**asked)
    except ValidationFailed as exc:
        messages.error(request, f"{exc.message} The list is not filtered by it.")
        filters = RoFilters()
    found = search_results(
        request, functools.partial(repair_order_search, filters=filters), actor=actor
    )
    page = paginate(request, with_last_activity(found))
    totals = repair_order_totals(repair_orders=page.object_list, tax_rate=actor.shop.tax_rate)
    rows = [(ro, totals[ro.pk]) for ro in page.object_list]
    kept = {"q": query, **asked}
    context = {
        "page": page,
        "rows": rows,
        "q": query,
        "filters": filters,
        "asked": asked,
        "page_query": urlencode({k: v for k, v in kept.items() if v}),
        "statuses": RoStatus.choices,
        "advisors": _advisors(actor),
        "unassigned": UNASSIGNED,
        "waiting_choices": _waiting_choices(filters),
        "delivery": delivery_health(shop=actor.shop),
    }
    return render(request, "web/ro_list.html", context)


@staff_view
def ro_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    require_editor(actor)
    customer_id = parse_id(request.POST.get("customer") or request.GET.get("customer"))
    if customer_id is None:
        # First pick the customer; the RO form needs their vehicles.
        query = request.GET.get("q", "")
        found = search_results(request, customer_search, actor=actor)
        page = paginate(request, found, per_page=10)
        return render(request, "web/ro_pick_customer.html", {"page": page, "q": query})
    customer = customer_get(actor=actor, customer_id=customer_id)
    vehicles = list(customer.vehicles.all())
    form = RepairOrderForm(
        request.POST or None,
        vehicles=vehicles,
        advisors=_advisors(actor),
        tz_name=actor.shop.timezone,
        initial={
            "advisor_id": str(actor.user.pk),
            "vehicle_id": str(vehicles[0].pk) if len(vehicles) == 1 else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            ro = services.repair_order_create(
                actor=actor, customer_id=customer.pk, data=form.cleaned_data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{ro.label} created. Add the operations below.")
            return redirect("web:ro_detail", ro_id=ro.pk)
    return render(request, "web/ro_form.html", {"form": form, "customer": customer})


@require_GET
@staff_view
def ro_detail(request: HttpRequest, actor: Actor, ro_id: int) -> HttpResponse:
    context = estimate_context(request, actor=actor, ro_id=ro_id)
    page = context["page"]
    context["delivery"] = delivery_health(shop=actor.shop)
    context["live"] = _live(actor, ro_id, stamp=page.stamp)
    # Opened: the Today page's "answered since you last looked" forgets it (after the answer).
    seen = functools.partial(
        services.ro_seen_record,
        user=actor.user,
        repair_order_id=ro_id,
        answered_at=page.last_answer_at,
    )
    after_response(request, seen)
    return render(request, "web/ro_detail.html", context)


def _live(actor: Actor, ro_id: int, *, stamp: str | None = None) -> dict:
    return {
        "ro_id": ro_id,
        "stamp": stamp or ro_change_stamp(actor=actor, ro_id=ro_id),
        "poll_seconds": settings.RO_POLL_SECONDS,
    }


@require_GET
@staff_view
def ro_changes(request: HttpRequest, actor: Actor, ro_id: int) -> HttpResponse:
    """The open RO page's question "did anything change since `since`?" (asked every few
    seconds): 204 when nothing did; else a new question with the new stamp, and the events
    that make the page's parts fetch themselves again (docs/architecture.md, the live RO page)."""
    stamp = ro_change_stamp(actor=actor, ro_id=ro_id)
    if request.GET.get("since") == stamp:
        return HttpResponse(status=204)
    response = render(request, "web/_ro_live.html", _live(actor, ro_id, stamp=stamp))
    response["HX-Trigger"] = json.dumps({RO_CHANGED_EVENT: {"ro": ro_id}, RO_STALE_EVENT: {}})
    return response


@require_GET
@staff_view
def ro_part(request: HttpRequest, actor: Actor, ro_id: int, part: str) -> HttpResponse:
    """One part of the RO page (web/panels.py), fetched again when the RO changes."""
    return render_part(request, actor=actor, ro_id=ro_id, name=part)


@staff_view
def ro_edit(request: HttpRequest, actor: Actor, ro_id: int) -> HttpResponse:
    """The RO header's edit form: in place on the RO page with htmx, or as its own page."""
    require_editor(actor)
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    tz_name = actor.shop.timezone
    form = RepairOrderForm(
        request.POST or None,
        vehicles=ro.customer.vehicles.all(),
        advisors=_advisors(actor),
        tz_name=tz_name,
        initial={
            "vehicle_id": str(ro.vehicle_id or ""),
            "advisor_id": str(ro.advisor_id or ""),
            "etr": datetime_local(ro.etr, tz_name),
            "odometer_in": ro.odometer_in or "",
            "po_number": ro.po_number,
            "internal_notes": ro.internal_notes,
            "customer_notes": ro.customer_notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.repair_order_update(actor=actor, ro_id=ro.pk, data=form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{ro.label} saved.")
            if request.htmx:
                context = estimate_context(request, actor=actor, ro_id=ro.pk, slots=())
                return render(request, "web/_ro_header.html", context)
            return redirect("web:ro_detail", ro_id=ro.pk)
    template = "web/_ro_header_form.html" if request.htmx else "web/ro_edit.html"
    return render(request, template, {"form": form, "ro": ro})


@require_POST
@staff_view
def ro_status(request: HttpRequest, actor: Actor, ro_id: int) -> HttpResponse:
    """A move of the RO's status by hand (Start work, Mark ready, Complete, Close)."""
    try:
        ro = ro_status_move(actor=actor, ro_id=ro_id, to=request.POST.get("to", ""))
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{ro.label} is now {ro.get_status_display()}.")
    if request.htmx:
        response = render_status(request, actor=actor, ro_id=ro_id)
        return announce_ro_changed(response, ro_id=ro_id)
    return redirect("web:ro_detail", ro_id=ro_id)
