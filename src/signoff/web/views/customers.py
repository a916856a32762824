"""Customer pages: the list, a customer with contacts and vehicles, and their forms."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from signoff.approvals.selectors import with_last_activity
from signoff.core.errors import ValidationFailed
from signoff.customers import selectors, services
from signoff.orders.selectors import repair_order_totals, repair_orders_for
from signoff.shops.access import Actor, require_editor
from signoff.web.forms import ContactForm, CustomerForm, VehicleForm, apply_errors
from signoff.web.views.base import paginate, search_results, staff_view


def _detail_url(customer_id: int) -> str:
    return reverse("web:customer_detail", args=[customer_id])


@staff_view
def customer_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    query = request.GET.get("q", "")
    page = paginate(request, search_results(request, selectors.customer_search, actor=actor))
    return render(request, "web/customer_list.html", {"page": page, "q": query})


@staff_view
def customer_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    require_editor(actor)
    form = CustomerForm(request.POST or None)
    contact_form = ContactForm(request.POST or None, prefix="primary")
    if request.method == "POST" and form.is_valid() and contact_form.is_valid():
        try:
            customer = services.customer_create(
                actor=actor, data=form.cleaned_data, primary=contact_form.cleaned_data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
            apply_errors(contact_form, exc, prefix="primary")
        else:
            messages.success(request, f"Customer {customer.name} created.")
            return redirect(_detail_url(customer.pk))
    return render(request, "web/customer_form.html", {"form": form, "contact_form": contact_form})


@staff_view
def customer_detail(request: HttpRequest, actor: Actor, customer_id: int) -> HttpResponse:
    customer = selectors.customer_get(actor=actor, customer_id=customer_id)
    ros = list(
        with_last_activity(repair_orders_for(actor=actor))
        .filter(customer=customer)
        .select_related("vehicle", "advisor")
        .order_by("-number")[:50]
    )
    totals = repair_order_totals(repair_orders=ros, tax_rate=actor.shop.tax_rate)
    ro_rows = [(ro, totals[ro.pk]) for ro in ros]
    return render(request, "web/customer_detail.html", {"customer": customer, "ro_rows": ro_rows})


@staff_view
def customer_edit(request: HttpRequest, actor: Actor, customer_id: int) -> HttpResponse:
    require_editor(actor)
    customer = selectors.customer_get(actor=actor, customer_id=customer_id)
    initial = {
        "kind": customer.kind,
        "name": customer.name,
        "notes": customer.notes,
        "requires_po": customer.requires_po,
    }
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(actor=actor, customer_id=customer.pk, data=form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Customer details saved.")
            return redirect(_detail_url(customer.pk))
    return render(request, "web/customer_form.html", {"form": form, "customer": customer})


@staff_view
def contact_create(request: HttpRequest, actor: Actor, customer_id: int) -> HttpResponse:
    require_editor(actor)
    customer = selectors.customer_get(actor=actor, customer_id=customer_id)
    form = ContactForm(request.POST or None, others=customer.contacts.all())
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_add(
                actor=actor, customer_id=customer.pk, data=form.cleaned_data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Contact {contact.name} added.")
            return redirect(_detail_url(customer.pk))
    return render(request, "web/contact_form.html", {"form": form, "customer": customer})


@staff_view
def contact_edit(request: HttpRequest, actor: Actor, contact_id: int) -> HttpResponse:
    require_editor(actor)
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    form = ContactForm(
        request.POST or None,
        initial=ContactForm.initial_from(contact),
        others=contact.customer.contacts.exclude(pk=contact.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=actor, contact_id=contact.pk, data=form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Contact {form.cleaned_data['name']} saved.")
            return redirect(_detail_url(contact.customer_id))
    context = {"form": form, "customer": contact.customer, "contact": contact}
    return render(request, "web/contact_form.html", context)


@require_POST
@staff_view
def contact_make_primary(request: HttpRequest, actor: Actor, contact_id: int) -> HttpResponse:
    contact = services.contact_make_primary(actor=actor, contact_id=contact_id)
    messages.success(request, f"{contact.name} is now the primary contact.")
    return redirect(_detail_url(contact.customer_id))


@staff_view
def vehicle_create(request: HttpRequest, actor: Actor, customer_id: int) -> HttpResponse:
    require_editor(actor)
    customer = selectors.customer_get(actor=actor, customer_id=customer_id)
    form = VehicleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vehicle = services.vehicle_add(
                actor=actor, customer_id=customer.pk, data=form.cleaned_data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            _vehicle_saved(request, vehicle, f"Vehicle {vehicle.description} added.")
            return redirect(_detail_url(customer.pk))
    return render(request, "web/vehicle_form.html", {"form": form, "customer": customer})


@staff_view
def vehicle_edit(request: HttpRequest, actor: Actor, vehicle_id: int) -> HttpResponse:
    require_editor(actor)
    vehicle = selectors.vehicle_get(actor=actor, vehicle_id=vehicle_id)
    initial = {f: getattr(vehicle, f) for f in services.VEHICLE_FIELDS}
    form = VehicleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.vehicle_update(
                actor=actor, vehicle_id=vehicle.pk, data=form.cleaned_data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            _vehicle_saved(request, saved, f"Vehicle {saved.description} saved.")
            return redirect(_detail_url(vehicle.customer_id))
    context = {"form": form, "customer": vehicle.customer, "vehicle": vehicle}
    return render(request, "web/vehicle_form.html", context)


def _vehicle_saved(request: HttpRequest, vehicle, text: str) -> None:
    messages.success(request, text)
    for warning in getattr(vehicle, "warnings", []):
        messages.warning(request, warning)
