"""Reads of customers shared by staff pages and the API."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from signoff.core.errors import NotFound
from signoff.core.validation import search_query
from signoff.customers.models import Contact, Customer, Vehicle
from signoff.shops.access import Actor


def customer_search(*, actor: Actor, query: str = "") -> QuerySet[Customer]:
    """The shop's customers matching a search (name, contact, email, phone, VIN, unit, plate).
    Raises ValidationFailed for a query that cannot be one (core.validation.search_query)."""
    qs = Customer.objects.filter(shop=actor.shop).prefetch_related("contacts", "vehicles")
    query = search_query(query)
    if query:
        cond = (
            Q(name__icontains=query)
            | Q(contacts__name__icontains=query)
            | Q(contacts__email__icontains=query)
            | Q(vehicles__vin__icontains=query)
            | Q(vehicles__unit_number__iexact=query)
            | Q(vehicles__license_plate__iexact=query)
        )
        # Numbers are stored as +15035550123; match what staff type, "(503) 555-0123" included.
        digits = re.sub(r"\D", "", query)
        if len(digits) >= 4:
            cond |= Q(contacts__mobile__contains=digits) | Q(contacts__phone__contains=digits)
        qs = qs.filter(cond).distinct()
    return qs.order_by("name", "id")


def customer_get(*, actor: Actor, customer_id: int) -> Customer:
    customer = (
        Customer.objects.filter(shop=actor.shop, pk=customer_id)
        .prefetch_related("contacts", "vehicles")
        .first()
    )
    if customer is None:
        raise NotFound("Customer not found.")
    return customer


def contact_get(*, actor: Actor, contact_id: int) -> Contact:
    contact = (
        Contact.objects.select_related("customer").filter(shop=actor.shop, pk=contact_id).first()
    )
    if contact is None:
        raise NotFound("Contact not found.")
    return contact


def vehicle_get(*, actor: Actor, vehicle_id: int) -> Vehicle:
    vehicle = (
        Vehicle.objects.select_related("customer").filter(shop=actor.shop, pk=vehicle_id).first()
    )
    if vehicle is None:
        raise NotFound("Vehicle not found.")
    return vehicle
