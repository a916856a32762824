"""Reads of customers shared by staff pages and the API."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.db.models.functions import Upper

from signoff.core.errors import NotFound
from signoff.core.search import likely, text_matches, union_of
from signoff.core.validation import search_query
from signoff.customers.models import VIN_TAIL_LENGTH, Contact, Customer, Vehicle
from signoff.customers.validation import looks_like_vin
from signoff.shops.access import Actor
from signoff.shops.models import Shop

# What a search reads, by table; each set of columns is indexed for it (migrations/0003).
CUSTOMER_TEXT = ("name",)
CONTACT_TEXT = ("name", "email")
CONTACT_PHONES = ("mobile", "phone")
# Staff type at least this much of a phone number; fewer digits would match nearly everyone.
PHONE_DIGITS_MIN = 4
VIN_LENGTH = 17


def vehicles_matching(*, shop: Shop, query: str) -> QuerySet[Vehicle]:
    """Vehicles whose unit number or plate is `query`, whose VIN is it or ends with it (from 6
    characters). Each condition is answered from an index of its own: the shop is repeated in
    each, so that both databases combine those indexes (a MULTI-INDEX OR, a BitmapOr)."""
    text = query.strip().upper()
    ways = [Q(unit=text), Q(license_plate=text)]
    if VIN_TAIL_LENGTH <= len(text) <= VIN_LENGTH and text.isalnum():
        ways += [Q(vin=text), Q(vin_tail=text[-VIN_TAIL_LENGTH:], vin__endswith=text)]
    condition = Q()
    for way in ways:
        condition |= Q(way, shop=shop)
    return Vehicle.objects.alias(unit=Upper("unit_number")).filter(condition)


def customer_ids_matching_text(*, shop: Shop, query: str, phones: bool = False) -> list[QuerySet]:
    """Queries of the ids of the customers whose name, or a contact's name or email (or with
    `phones`, a contact's number, from PHONE_DIGITS_MIN digits), contains `query`; each reads
    an index. The caller combines them with its own (core.search `union_of` or `any_of`)."""
    text = query.strip()
    contacts = Contact.objects.filter(shop=shop)
    arms = [
        text_matches(Customer.objects.filter(shop=shop), CUSTOMER_TEXT, text).values("pk"),
        text_matches(contacts, CONTACT_TEXT, text).values("customer_id"),
    ]
    # Numbers are stored as +15035550123; match what staff type, "(503) 555-0123" included.
    digits = re.sub(r"\D", "", text)
    if phones and len(digits) >= PHONE_DIGITS_MIN:
        arms.append(text_matches(contacts, CONTACT_PHONES, digits).values("customer_id"))
    return arms


def customer_search(*, actor: Actor, query: str = "") -> QuerySet[Customer]:
    """The shop's customers, by name; with a query, those it finds by name, contact, email,
    phone, VIN, unit number or plate (a whole VIN is not looked for in names and emails).
    Raises ValidationFailed for a query that cannot be one (core.validation.search_query)."""
    query = search_query(query)
    if not query:
        qs = Customer.objects.filter(shop=actor.shop)
    else:
        ways = [vehicles_matching(shop=actor.shop, query=query).values("customer_id")]
        if not looks_like_vin(query):
            ways += customer_ids_matching_text(shop=actor.shop, query=query, phones=True)
        qs = Customer.objects.filter(likely(Q(shop=actor.shop)), pk__in=union_of(ways))
    return qs.prefetch_related("contacts", "vehicles").order_by("name", "id")


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
